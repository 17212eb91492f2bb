/**
 * Waiting until a clock time with about 0.1 ms error instead of setTimeout's ~1 ms: sleep on a timer until shortly
 * before the target, then yield with setImmediate until it arrives. Yielding (not spinning) keeps the other
 * lanes' I/O running meanwhile.
 */
import { realClock, type Clock } from '../core/clock.js';

/** How long before the target the coarse timer hands over to the fine loop. */
const TIMER_SLACK_MS = 2;

export async function waitUntil(clock: Clock, targetMs: number): Promise<void> {
  if (clock !== realClock) {
    // A test clock moves only when the test says so: its timers are exact already.
    const left = targetMs - clock.now();
    if (left > 0) await clock.sleep(left);
    return;
  }
  const coarse = targetMs - clock.now() - TIMER_SLACK_MS;
  if (coarse > 0) await clock.sleep(coarse);
  while (clock.now() < targetMs) await new Promise<void>((resolve) => setImmediate(resolve));
}
