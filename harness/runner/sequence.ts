/**
 * Runs a profile's enter or leave sequence on the monotonic clock. Each step's start time is planned from the
 * sequence start (not from when the previous step happened to finish), so scheduling errors do not add up — except
 * that a pulse or power-off is held for its full time after its first edge really happened.
 */
import type { Step } from '../config/types.js';
import type { Transcript } from '../core/transcript.js';
import type { PinController } from './pin-controller.js';
import { waitUntil } from '../core/precise-timer.js';

export interface SequenceResult {
  /** Clock time (ms) the last release of reset or the last power-on happened: the board starts booting there. */
  bootStartedAt: number | null;
}

/** Pins whose release (reset) or assertion (power) starts the board booting. */
function startsBoot(pin: string, active: boolean): boolean {
  return (pin === 'reset' && !active) || (pin === 'power' && active);
}

export async function runSequence(steps: readonly Step[], pins: PinController, transcript: Transcript): Promise<SequenceResult> {
  const clock = transcript.clock;
  let planned = clock.now();
  let bootStartedAt: number | null = null;
  /** When the last edge really happened: a hold (pulse, power-off) is never cut short by an edge that came late. */
  let lastEdgeAt = planned;
  const apply = async (states: Record<string, boolean>) => {
    await waitUntil(clock, planned);
    await pins.apply(states, transcript, planned);
    lastEdgeAt = clock.now();
    for (const [pin, active] of Object.entries(states)) if (startsBoot(pin, active)) bootStartedAt = lastEdgeAt;
  };

  for (const step of steps) {
    switch (step.kind) {
      case 'set':
        await apply(step.pins);
        break;
      case 'pulse':
        await apply({ [step.pin]: true });
        planned = Math.max(planned, lastEdgeAt) + step.ms;
        await apply({ [step.pin]: false });
        break;
      case 'wait':
        planned += step.ms;
        await waitUntil(clock, planned);
        break;
      case 'powerCycle':
        await apply({ [step.pin]: false });
        planned = Math.max(planned, lastEdgeAt) + step.offMs;
        await apply({ [step.pin]: true });
        break;
    }
  }
  return { bootStartedAt };
}

/** The sum of a sequence's waits, pulses and off times: its physical floor. */
export function sequenceFloorMs(steps: readonly Step[]): number {
  let total = 0;
  for (const step of steps) {
    if (step.kind === 'wait') total += step.ms;
    else if (step.kind === 'pulse') total += step.ms;
    else if (step.kind === 'powerCycle') total += step.offMs;
  }
  return total;
}
