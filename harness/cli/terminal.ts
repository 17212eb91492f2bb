/**
 * What a command may write to a stream: redrawn progress bars only for a person at a terminal (a TTY, not CI, not
 * TERM=dumb), colour only there and only without NO_COLOR (https://no-color.org). Logs, pipes and CI get plain lines.
 */
type Stream = NodeJS.WritableStream & { isTTY?: boolean };

/** A terminal that can redraw lines in place. */
export function isInteractive(stream: Stream): boolean {
  return Boolean(stream.isTTY) && !process.env.CI && process.env.TERM !== 'dumb';
}

/** Whether to colour what goes to `stream`. */
export function colorsOn(stream: Stream): boolean {
  if (process.env.NO_COLOR) return false;
  return isInteractive(stream);
}

const SGR = { red: 31, green: 32, yellow: 33, bold: 1 } as const;

/** `text` in a colour when the stream takes colour, else as it is. */
export function paint(stream: Stream, color: keyof typeof SGR, text: string): string {
  return colorsOn(stream) ? `\x1b[${SGR[color]}m${text}\x1b[0m` : text;
}
