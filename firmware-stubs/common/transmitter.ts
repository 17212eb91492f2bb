/** The device's TX pin: fans bytes out to every subscriber together with the baud they are sent at. */
export type TransmitListener = (bytes: Uint8Array, baud: number) => void;

export class Transmitter {
  private readonly listeners: TransmitListener[] = [];

  subscribe(listener: TransmitListener): void {
    this.listeners.push(listener);
  }

  send(bytes: Uint8Array | readonly number[], baud: number): void {
    const data = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
    if (data.length === 0) return;
    // Each listener gets its own copy so that one cannot alter what the next sees.
    for (const listener of this.listeners) listener(data.slice(), baud);
  }

  clear(): void {
    this.listeners.length = 0;
  }
}

/** ASCII text as bytes (characters above 0xFF become '?', as a UART would never carry them). */
export function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? code : 0x3f;
  });
}
