/**
 * A fault of the harness itself (an edge far later than planned, a relay controller that does not confirm, a
 * configuration that cannot run): thrown inside a trial, it makes the trial an `error` with this reason — never a
 * hardware symptom.
 */
import type { HarnessErrorReason } from './record.js';

export class HarnessFault extends Error {
  constructor(
    readonly reason: HarnessErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'HarnessFault';
  }
}
