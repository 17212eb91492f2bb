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
/**
 * The most a deadline that ran late adds to that wait. The port's ready bytes are only read once the process runs
 * again, on a machine that has just shown it is busy: its thread pool (and, in tests, socat) catch up as slowly.
 */
export const LATE_PENDING_IO_MAX_MS = 50;

/**
 * Calls `then` once I/O that was pending when a deadline passed has been delivered; `lateMs`, how late the
 * deadline's timer ran, lengthens the wait by as much (up to LATE_PENDING_IO_MAX_MS).
 */
export function afterPendingIo(clock: Clock, then: () => void, lateMs = 0): void {
  if (clock !== realClock) return then();
  const waitMs = PENDING_IO_MS + Math.min(Math.max(0, lateMs), LATE_PENDING_IO_MAX_MS);
  setImmediate(() => setImmediate(() => setTimeout(() => setImmediate(then), waitMs)));
}

/** A deadline `ms` from now whose expiry runs `then` after pending I/O (above); returns the timer's cancel. */
export function deadlineAfterPendingIo(clock: Clock, ms: number, then: () => void): () => void {
  const due = clock.now() + ms;
  return clock.setTimer(ms, () => afterPendingIo(clock, then, clock.now() - due));
}
