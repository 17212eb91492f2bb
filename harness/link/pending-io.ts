/**
 * A deadline is judged on what had reached the port, not on what the event loop had got round to delivering.
 * When a busy process runs a read's deadline timer late, bytes that arrived meanwhile are still waiting in the OS
 * or in the stream: Node runs expired timers before it polls for I/O. So before a read is declared empty, pending
 * I/O gets its turn: two check-phase turns, a short timer (during which the poll phase waits for the binding's
 * read to come back from the thread pool), and one more turn. A test clock has no event-loop lag: its bytes are
 * delivered by the same clock that runs the deadline, so `then` runs at once and its deadlines stay exact.
 */
import { realClock, type Clock } from '../core/clock.js';

/** How long the poll phase may wait for a read already under way (the serialport binding reads in the thread pool). */
export const PENDING_IO_MS = 5;

/** Calls `then` once I/O that was pending when a deadline passed has been delivered. */
export function afterPendingIo(clock: Clock, then: () => void): void {
  if (clock !== realClock) return then();
  setImmediate(() => setImmediate(() => setTimeout(() => setImmediate(then), PENDING_IO_MS)));
}
