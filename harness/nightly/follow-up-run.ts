/**
 * The nightly's follow-up phase (follow-up.ts says what is followed and how it is decided): once the planned trials
 * have ended, diagnose them, pick the DUTs of the parts left at suspect or watch, and let the runner go on with
 * them until each is decided or the budget (`nightly.followUp.maxTrials`, `.maxMinutes`) runs out. Never on a
 * night whose harness errors already make the bench not trustworthy, nor after a run cut by its time budget.
 */
import type { Dut, LoadedBench } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { TrialRecord } from '../core/record.js';
import { refsOf } from '../diagnose/cells.js';
import { diagnose } from '../diagnose/index.js';
import { FAMILY_PHYSICS } from '../families/index.js';
import { untrustworthy } from '../report/index.js';
import type { FollowUpTrials } from '../runner/run.js';
import type { TrialStore } from '../store/index.js';
import { TimeBudget } from './budget.js';
import type { FollowUpSummary } from '../report/types.js';
import { FollowUp, type Tally } from './follow-up.js';

export interface FollowUpRunOptions {
  store: TrialStore;
  bench: LoadedBench;
  run: { id: string; night: string };
  clock: Clock;
  maxTrials: number;
  maxMinutes: number;
  /** Whether the run's own time budget left trials out (then the runner asks for no follow-up). */
  cutByBudget: () => boolean;
  /** How long a DUT's first follow-up trial is expected to take, ms. */
  trialMs: (dut: Dut) => number;
  log: (line: string) => void;
}

export class FollowUpRun implements FollowUpTrials {
  private followUp: FollowUp | undefined;
  private budget: TimeBudget | undefined;
  /** Follow-up trials started (the budget's count) and finished. */
  private spent = 0;
  private ran = 0;
  private status: FollowUpSummary['status'] | undefined;
  private exhausted: 'max-trials' | 'max-minutes' | undefined;

  constructor(private readonly o: FollowUpRunOptions) {}

  async begin(): Promise<readonly string[]> {
    this.status = 'done';
    // What the store already counts (harness errors apart): tonight's trials per DUT and the parts each went through.
    const { rig } = this.o.bench;
    const results = await this.o.store.resultCounts(this.o.run.id);
    const trials = results.pass + results.fail + results.error;
    const errors = results.error;
    const tallies = new Map<string, Tally>();
    const componentsOf = new Map<string, Set<string>>();
    for (const count of await this.o.store.symptomCounts({ rig: rig.id, runIds: [this.o.run.id] })) {
      const tally = tallies.get(count.dut) ?? { trials: 0, failures: 0 };
      tally.trials += count.count;
      if (count.symptom !== 'ok') tally.failures += count.count;
      tallies.set(count.dut, tally);
      const keys = componentsOf.get(count.dut) ?? new Set<string>();
      for (const ref of refsOf(count)) keys.add(ref.key);
      componentsOf.set(count.dut, keys);
    }
    if (untrustworthy(trials, errors)) {
      this.status = 'untrustworthy';
      this.o.log('no follow-up trials: too many harness errors tonight');
      return [];
    }
    if (trials === 0) return [];
    const { bench } = this.o;
    const diagnosis = await diagnose({ store: this.o.store, rig: bench.rig.id, run: this.o.run, windowNights: bench.rig.nightly.historyNights, rigConfig: bench.rig, profiles: bench.profiles, physics: FAMILY_PHYSICS });
    const componentsTested = diagnosis.components.filter((c) => c.kind !== 'profile').length;
    const lanes = bench.rig.nightly.concurrency;
    this.followUp = new FollowUp({ diagnosis, componentsTested, componentsOf: new Map([...componentsOf].map(([d, k]) => [d, [...k]])), tallies, lanes });
    const wanted = this.followUp.wanted();
    if (wanted.length > 0 && this.o.maxTrials > 0) {
      const names = this.followUp.units.filter((u) => u.decision === 'undecided').map((u) => u.components.map((c) => `${c.kind} ${c.id}`).join(' / '));
      const followed = wanted.filter((d) => !this.followUp!.poolDuts.includes(d));
      const pool = this.followUp.poolDuts.length > 0 ? `, with ${this.followUp.poolDuts.join(', ')} for the pool` : '';
      this.o.log(`follow-up trials on ${followed.join(', ')} for ${names.join('; ')}${pool} (at most ${this.o.maxTrials} trials, ${this.o.maxMinutes} min)`);
      this.budget = new TimeBudget(this.o.maxMinutes, this.o.clock, this.o.trialMs);
    }
    return this.o.maxTrials > 0 ? wanted : [];
  }

  next(dut: Dut): boolean {
    if (!this.followUp?.wants(dut.id)) return false;
    if (this.spent >= this.o.maxTrials) {
      this.exhausted ??= 'max-trials';
      return false;
    }
    if (this.budget?.beforeTrial(dut, this.spent + 1)) {
      this.exhausted ??= 'max-minutes';
      return false;
    }
    this.spent++;
    return true;
  }

  /** Every finished trial of the run, planned or follow-up (the runner's onTrial). */
  trial(record: TrialRecord): void {
    if (!record.followUp) return;
    this.ran++;
    this.followUp?.add(record.dut, record.result);
  }

  summary(stopped: boolean): FollowUpSummary {
    const status = this.o.cutByBudget() ? 'cut' : (this.status ?? 'skipped');
    const units = this.followUp?.units ?? [];
    const undecided = units.some((u) => u.decision === 'undecided');
    const endedBy = stopped ? 'stopped' : (this.exhausted ?? (undecided ? (this.o.maxTrials === 0 ? 'max-trials' : 'stopped') : 'decided'));
    return { status, maxTrials: this.o.maxTrials, maxMinutes: this.o.maxMinutes, trials: this.ran, endedBy, units, poolDuts: [...(this.followUp?.poolDuts ?? [])] };
  }
}
