/**
 * How long a byte takes on an asynchronous serial line: one start bit, the data bits, an optional parity bit and
 * the stop bits (10 bits for 8N1, 11 for 8E1), all at the baud rate.
 */

export interface FrameSettings {
  dataBits?: number;
  parity?: string;
  stopBits?: number;
}

/** Bits on the wire per byte (1.5 stop bits count as 1.5). */
export function bitsPerFrame(frame: FrameSettings = {}): number {
  const dataBits = frame.dataBits ?? 8;
  const parity = frame.parity && frame.parity !== 'none' ? 1 : 0;
  const stopBits = frame.stopBits ?? 1;
  return 1 + dataBits + parity + stopBits;
}

/** Milliseconds one byte occupies the line at `baud`. */
export function byteTimeMs(frame: FrameSettings, baud: number): number {
  return (bitsPerFrame(frame) * 1000) / baud;
}

/**
 * Whether a receiver at `receiverBaud` decodes a sender at `senderBaud`: a UART samples each bit near its middle,
 * so it tolerates a few percent of rate error over one frame, not more.
 */
export function baudsAgree(senderBaud: number, receiverBaud: number, tolerance = 0.03): boolean {
  return Math.abs(senderBaud - receiverBaud) <= tolerance * receiverBaud;
}
