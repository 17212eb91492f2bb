/**
 * Log text printed over and over at the log baud, as fast as the UART can carry it: a booted-on Preloader
 * or a bootlooping board. Copies are batched so that one timer tick covers at least MIN_TICK_MS of line time:
 * few timers here, and few precise deliveries (each burst's last byte) on the wire that carries them.
 */
import type { TimerSet } from '../../../../firmware-stubs/common/timers.js';
import { asciiBytes } from '../../../../firmware-stubs/common/transmitter.js';

const MIN_TICK_MS = 20;
/** 8N1: ten bit times per byte. */
const BITS_PER_BYTE = 10;

export function startLogFlood(
  timers: TimerSet,
  text: string,
  baud: number,
  emit: (bytes: Uint8Array, baud: number) => void,
): () => void {
  const line = asciiBytes(text);
  if (line.length === 0 || baud <= 0) return () => {};
  const lineMs = (line.length * BITS_PER_BYTE * 1000) / baud;
  const copies = Math.max(1, Math.ceil(MIN_TICK_MS / lineMs));
  const burst = new Uint8Array(line.length * copies);
  for (let i = 0; i < copies; i++) burst.set(line, i * line.length);
  emit(burst, baud);
  return timers.every(lineMs * copies, () => emit(burst, baud));
}
