/**
 * A run's time budget (`--max-minutes`, the rig's `nightly.maxMinutes`): a trial starts only when it is expected to
 * end within the budget. A DUT's next trial is expected to take what its trials took so far in this run (the time
 * between their starts, port waits included); its first one, the longer bound of the night's estimate. Trials that
 * would not fit are not run (reason `budget`); the trials that ran are kept and diagnosed as usual.
 */
import type { Dut } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { NotRun } from '../core/record.js';
import { fmtMs } from '../core/format.js';

export class TimeBudget {
  private readonly until: number;
  private readonly lanes = new Map<string, { firstStart: number; started: number }>();
  /** Whether any trial was left out for the budget. */
  cut = false;

  constructor(
    readonly minutes: number,
    private readonly clock: Clock,
    /** How long the first trial of a DUT is expected to take, ms. */
    private readonly firstTrialMs: (dut: Dut) => number,
  ) {
    this.until = clock.now() + minutes * 60_000;
  }

  /** Before trial `seq` of `dut`: undefined to start it, or why not (the runner then stops that DUT's lane). */
  beforeTrial(dut: Dut, seq: number): Pick<NotRun, 'reason' | 'detail'> | undefined {
    const now = this.clock.now();
    const lane = this.lanes.get(dut.id);
    const expectedMs = lane ? (now - lane.firstStart) / lane.started : this.firstTrialMs(dut);
    if (now + expectedMs > this.until) {
      this.cut = true;
      const left = Math.max(0, this.until - now);
      return {
        reason: 'budget',
        detail: `the time budget of ${this.minutes} min would be exceeded: trial ${seq} takes about ${fmtMs(expectedMs)}, ${fmtMs(left)} were left`,
      };
    }
    if (lane) lane.started++;
    else this.lanes.set(dut.id, { firstStart: now, started: 1 });
    return undefined;
  }
}
