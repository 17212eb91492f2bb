/**
 * Lines of text from a byte stream, for boot ROMs that print (a banner, "waiting for download", an application
 * log): bytes in any chunking, complete lines out, CR and LF both ending a line. Bytes are read as latin1, so
 * noise stays visible as odd characters rather than being dropped.
 */

/** Longest line kept: a stream without line ends (garbage at a wrong baud) is cut here. */
export const MAX_LINE_CHARS = 512;

export class LineReader {
  private partial = '';

  /** Complete lines in the bytes (empty lines dropped); an unfinished line waits for the next push. */
  push(bytes: Uint8Array): string[] {
    const lines: string[] = [];
    for (const b of bytes) {
      if (b === 0x0a || b === 0x0d) {
        if (this.partial) lines.push(this.partial);
        this.partial = '';
        continue;
      }
      this.partial += String.fromCharCode(b);
      if (this.partial.length >= MAX_LINE_CHARS) {
        lines.push(this.partial);
        this.partial = '';
      }
    }
    return lines;
  }

  /** The unfinished line, for a stream that stopped mid-line. */
  get pending(): string {
    return this.partial;
  }
}
