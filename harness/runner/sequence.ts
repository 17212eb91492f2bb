/**
 * Runs a profile's enter or leave sequence on the monotonic clock. Every wait, pulse and off time counts from the
 * moment the edge before it really left the host (the relay backend's write resolved), not from when it was
 * planned: a late edge delays the rest of the sequence but never shortens a wait, so the board always gets its
 * full boot time. An edge later than the tolerance makes the trial a harness error (HarnessFault 'edge-late').
 */
import { startsBoot } from '../config/steps.js';
import type { PinDef, Step } from '../config/types.js';
import { HarnessFault } from '../core/harness-fault.js';
import type { Transcript } from '../core/transcript.js';
import type { PinController } from './pin-controller.js';
import { waitUntil } from '../core/precise-timer.js';
import { expectTimedStep } from '../core/step-gaps.js';

export interface SequenceResult {
  /** Clock time (ms) the last release of reset or the last power-on happened: the board starts booting there. */
  bootStartedAt: number | null;
}

export interface SequenceOptions {
  /** An edge that leaves the host later than this after its planned time throws HarnessFault 'edge-late'. */
  edgeToleranceMs?: number;
  /** Once aborted (the trial's deadline passed), no further edge is applied: the leave sequence owns the pins. */
  signal?: AbortSignal;
  /** The profile's pins: their roles say which edge starts the boot (absent: none is known to). */
  boardPins?: Readonly<Record<string, PinDef>>;
}

export async function runSequence(
  steps: readonly Step[],
  pins: PinController,
  transcript: Transcript,
  options: SequenceOptions = {},
): Promise<SequenceResult> {
  const clock = transcript.clock;
  const tolerance = options.edgeToleranceMs ?? Infinity;
  /** When the next step may start: the last real edge plus the waits since. */
  let next = clock.now();
  let bootStartedAt: number | null = null;
  /** Waits for `next`, then does `then` (the edge it releases), with no collection or other lane's untimed work in between. */
  const atNext = async <T>(then: () => Promise<T> | T): Promise<T> => {
    const done = expectTimedStep(clock, next);
    try {
      await waitUntil(clock, next);
      return await then();
    } finally {
      done();
    }
  };
  const apply = (states: Record<string, boolean>) =>
    atNext(async () => {
      if (options.signal?.aborted) throw new Error('sequence stopped: the trial deadline passed');
      const planned = next;
      const at = await pins.apply(states, transcript, planned);
      next = at;
      for (const [pin, active] of Object.entries(states)) if (startsBoot(options.boardPins?.[pin]?.role, active)) bootStartedAt = at;
      const late = at - planned;
      if (late > tolerance) {
        const what = Object.entries(states).map(([pin, active]) => `${pin} ${active ? 'asserted' : 'released'}`).join(', ');
        const message = `edge ${what} left the host ${late.toFixed(1)} ms after its planned time (the profile allows ${tolerance} ms: timing.edgeToleranceMs)`;
        transcript.note(message);
        throw new HarnessFault('edge-late', message);
      }
    });

  for (const step of steps) {
    switch (step.kind) {
      case 'set':
        await apply(step.pins);
        break;
      case 'pulse':
        await apply({ [step.pin]: true });
        next += step.ms;
        await apply({ [step.pin]: false });
        break;
      case 'wait':
        next += step.ms;
        await atNext(() => undefined);
        break;
      case 'powerCycle':
        await apply({ [step.pin]: false });
        next += step.offMs;
        await apply({ [step.pin]: true });
        break;
    }
  }
  return { bootStartedAt };
}
