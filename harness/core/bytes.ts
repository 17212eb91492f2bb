/** Byte formatting and parsing shared by transcripts, details and profiles. */

/** "79 1F 00" — upper-case hex pairs separated by spaces. */
export function toHex(bytes: Uint8Array | readonly number[]): string {
  return Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

/** "0x79" */
export function hexByte(b: number): string {
  return '0x' + b.toString(16).toUpperCase().padStart(2, '0');
}

/** Parses "79 1F", "791f" or "0x79 0x1F" into bytes; throws on odd digits or non-hex characters. */
export function parseHex(text: string): Uint8Array {
  const cleaned = text.replace(/0x/gi, '').replace(/[\s,:]/g, '');
  if (!/^[0-9a-fA-F]*$/.test(cleaned) || cleaned.length % 2 !== 0) {
    throw new Error(`not a hex byte string: ${JSON.stringify(text)}`);
  }
  const out = new Uint8Array(cleaned.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(cleaned.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** A printable rendering of one byte for humans: 'h' for 0x68, '\n', or null when it is not text. */
export function printable(b: number): string | null {
  if (b >= 0x20 && b < 0x7f) return String.fromCharCode(b);
  if (b === 0x0a) return '\\n';
  if (b === 0x0d) return '\\r';
  if (b === 0x09) return '\\t';
  return null;
}

/** Share of bytes that look like log text (printable ASCII or CR/LF/TAB). */
export function textShare(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  let text = 0;
  for (const b of bytes) if (printable(b) !== null) text++;
  return text / bytes.length;
}

export function u16be(value: number): Uint8Array {
  return Uint8Array.of((value >>> 8) & 0xff, value & 0xff);
}

export function u32be(value: number): Uint8Array {
  return Uint8Array.of((value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

export function readU16be(bytes: Uint8Array, offset = 0): number {
  return ((bytes[offset]! << 8) | bytes[offset + 1]!) >>> 0;
}

export function readU32be(bytes: Uint8Array, offset = 0): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

/** XOR of all bytes (STM32 address and payload checksums). */
export function xorAll(bytes: Uint8Array | readonly number[]): number {
  let x = 0;
  for (const b of bytes) x ^= b;
  return x & 0xff;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
