/** Parsers for command-line option values: a bad value is a usage error (exit 2), never a stack trace. */
import { InvalidArgumentError } from 'commander';
import { MAX_RUN_MINUTES, MAX_TRIALS_PER_DUT } from '../config/rig-schema.js';
import { isNight } from '../core/run-id.js';

export function numberIn(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number from ${min} to ${max}`);
    }
    return n;
  };
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

/** `--trials`: a whole number of trials per DUT, at most what a rig's nightly.trials may say. */
export function trialCount(value: string): number {
  const n = positiveInt(value);
  if (n > MAX_TRIALS_PER_DUT) throw new InvalidArgumentError(`expected at most ${MAX_TRIALS_PER_DUT} trials per DUT`);
  return n;
}

/** `--max-minutes`: a time budget in minutes, more than 0 and at most a week. */
export function minutes(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > MAX_RUN_MINUTES) {
    throw new InvalidArgumentError(`expected minutes, more than 0 and at most ${MAX_RUN_MINUTES} (a week)`);
  }
  return n;
}

/** `--night`: YYYY-MM-DD, a date the calendar has. */
export function night(value: string): string {
  if (!isNight(value)) throw new InvalidArgumentError('expected a date YYYY-MM-DD that exists');
  return value;
}
