/**
 * Follow-up trials: when the planned trials of a night leave a component at `suspect` or `watch` (a confounded
 * group's members are `watch`), the DUTs whose trials go through it run more trials, and each is followed until the
 * sequential test (diagnose/sequential.ts) decides — flagged or cleared — or the budget runs out.
 * - Components that ran on exactly the same DUTs are one unit: their trials are the same, so is their decision.
 * - A part shared by several DUTs (a hub, a supply) is followed through its DUTs, each tested on its own: it is
 *   flagged when at least two of them are (a shared cause strikes its DUTs alike), cleared once they are all
 *   decided and fewer are flagged — one failing DUT under a hub is that DUT's parts, as the diagnosis' nesting says.
 * Counted over tonight's trials (harness errors left out), against the pool of tonight's other DUTs, less those of
 * parts flagged (suspect or bad after the planned trials, or flagged by their follow-up): their failures would make
 * the bench look worse than it is.
 * The pool keeps growing: up to `followUpPoolDuts` clean DUTs (in no followed or flagged part) per followed DUT run
 * trials too while any unit is undecided. Against a pool frozen at the planned trials, the flag's comparison (Fisher's
 * test) can never get sure enough however long the part fails, and an unlucky pool rate stays wrong.
 * Pure bookkeeping: the nightly runs the trials and feeds them in.
 */
import type { ComponentKind } from '../core/record.js';
import { sequentialDecision, type SequentialDecision, type SequentialOptions } from '../diagnose/sequential.js';
import { thresholdsWith, type Thresholds } from '../diagnose/thresholds.js';
import type { ComponentDiagnosis } from '../diagnose/types.js';
import type { FollowUpUnit } from '../report/types.js';

export type { FollowUpUnit };

/** Pass/fail trials and their failures. */
export interface Tally {
  trials: number;
  failures: number;
}

export interface FollowUpSetup {
  /** The diagnosis of the planned trials. */
  diagnosis: { components: readonly ComponentDiagnosis[] };
  /** Components tested by the diagnosis (the size of its multiple-comparison correction). */
  componentsTested: number;
  /** Component keys (`kind:id`) of each DUT's trials tonight. */
  componentsOf: ReadonlyMap<string, readonly string[]>;
  /** Tonight's pass/fail trials per DUT so far. */
  tallies: ReadonlyMap<string, Tally>;
  /**
   * DUTs that run at once (the rig's lanes; unbounded when absent). The pool takes only the lanes the followed DUTs
   * leave free: a pool DUT's lane runs until the last part is decided, and would keep a followed DUT waiting for one.
   */
  lanes?: number;
  thresholds?: Partial<Thresholds>;
}

/** The error rates and effect sizes of the follow-up's sequential test, from the diagnosis' thresholds. */
export function sequentialOptions(componentsTested: number, overrides?: Partial<Thresholds>): SequentialOptions {
  const t = thresholdsWith(overrides);
  // The level the first flag of a night must pass: the suspect level, Holm-corrected over every component tested.
  return { alpha: t.suspectP / Math.max(1, componentsTested), beta: t.missP, minRatio: t.minRatio, maxRatio: t.sequentialMaxRatio, minFailures: t.minFailures };
}

export class FollowUp {
  readonly units: FollowUpUnit[] = [];
  private readonly tallies = new Map<string, Tally>();
  /** DUTs of parts the diagnosis flagged: out of every pool. */
  private readonly flaggedDuts: Set<string>;
  private readonly options: SequentialOptions;
  private readonly sharedMinDuts: number;
  /** Clean DUTs that run beside the followed ones so that the pool grows. */
  readonly poolDuts: readonly string[];

  constructor(setup: FollowUpSetup) {
    this.options = sequentialOptions(setup.componentsTested, setup.thresholds);
    this.sharedMinDuts = thresholdsWith(setup.thresholds).sharedMinDuts;
    for (const [dut, tally] of setup.tallies) this.tallies.set(dut, { ...tally });
    const dutsOf = new Map<string, Set<string>>();
    for (const [dut, keys] of setup.componentsOf) for (const key of keys) dutsOf.set(key, (dutsOf.get(key) ?? new Set()).add(dut));
    const dutSet = (c: { kind: string; id: string }) => [...(dutsOf.get(`${c.kind}:${c.id}`) ?? [])].sort();
    const allDuts = setup.componentsOf.size;
    const flaggedDuts = new Set<string>();
    const byDuts = new Map<string, FollowUpUnit>();
    const unitOf = (duts: string[]) => {
      const key = duts.join('\u0000');
      let unit = byDuts.get(key);
      if (!unit) byDuts.set(key, (unit = { components: [], duts, trials: 0, tally: { trials: 0, failures: 0 }, pool: { trials: 0, failures: 0 }, decision: 'undecided' }));
      return unit;
    };
    const bad = new Set<string>();
    for (const c of setup.diagnosis.components) {
      if (c.kind === 'profile' || c.verdict === 'ok') continue;
      const duts = dutSet(c);
      if (c.verdict === 'suspect' || c.verdict === 'bad') for (const dut of duts) flaggedDuts.add(dut);
      // Bad needs no more evidence; a part on every DUT (the host) has no pool to be compared with.
      if (c.verdict === 'bad') bad.add(duts.join('\u0000'));
      if (duts.length === 0 || duts.length === allDuts) continue;
      unitOf(duts).components.push({ kind: c.kind, id: c.id, verdict: c.verdict });
    }
    for (const key of bad) byDuts.delete(key);
    // Each DUT of a shared unit is followed on its own: its own parts (those on no other DUT) form its unit.
    for (const unit of [...byDuts.values()]) {
      if (unit.duts.length < 2) continue;
      for (const dut of unit.duts) {
        if (bad.has(dut)) continue;
        const own = unitOf([dut]);
        if (own.components.length > 0) continue;
        for (const c of setup.diagnosis.components) if (c.kind !== 'profile' && dutSet(c).join('\u0000') === dut) own.components.push({ kind: c.kind, id: c.id, verdict: c.verdict });
        if (own.components.length === 0) own.components.push({ kind: 'dut', id: dut, verdict: 'ok' });
      }
    }
    this.flaggedDuts = flaggedDuts;
    // Single DUTs first: a shared unit's decision reads theirs.
    this.units.push(...[...byDuts.values()].sort((a, b) => a.duts.length - b.duts.length));
    this.decideAll();
    // Chosen by name, not by how clean they look: a pool of the cleanest DUTs would make every part look worse.
    const followed = new Set(this.units.flatMap((u) => u.duts));
    const clean = [...this.tallies.keys()].filter((d) => !followed.has(d) && !flaggedDuts.has(d)).sort();
    const open = this.followed().length;
    const free = Math.max(0, (setup.lanes ?? Infinity) - open);
    this.poolDuts = clean.slice(0, Math.min(free, thresholdsWith(setup.thresholds).followUpPoolDuts * open));
  }

  /** The DUTs of undecided parts (a shared part's are its own DUTs' units). */
  private followed(): string[] {
    return [...new Set(this.units.filter((u) => u.duts.length === 1 && u.decision === 'undecided').map((u) => u.duts[0]!))];
  }

  /** The DUTs that still have an undecided unit to run trials for, and while there are, the pool's. */
  wanted(): string[] {
    const followed = this.followed();
    return [...followed, ...(followed.length > 0 ? this.poolDuts : [])].sort();
  }

  /** Whether `dut` should run another follow-up trial. */
  wants(dut: string): boolean {
    return this.wanted().includes(dut);
  }

  /** One more finished follow-up trial of `dut` (a harness error counts in no tally). */
  add(dut: string, outcome: 'pass' | 'fail' | 'error'): void {
    for (const unit of this.units) if (unit.duts.includes(dut)) unit.trials++;
    if (outcome === 'error') return;
    const tally = this.tallies.get(dut) ?? { trials: 0, failures: 0 };
    tally.trials++;
    if (outcome === 'fail') tally.failures++;
    this.tallies.set(dut, tally);
    this.decideAll();
  }

  private decideAll(): void {
    for (const unit of this.units) if (unit.decision === 'undecided') this.decide(unit);
  }

  private decide(unit: FollowUpUnit): void {
    unit.tally = this.sum(unit.duts);
    if (unit.duts.length > 1) {
      const mine = this.units.filter((u) => u.duts.length === 1 && unit.duts.includes(u.duts[0]!));
      const flagged = mine.filter((u) => u.decision === 'flagged').length;
      if (flagged >= this.sharedMinDuts) unit.decision = 'flagged';
      else if (mine.every((u) => u.decision !== 'undecided')) unit.decision = 'cleared';
      return;
    }
    const flagged = new Set([...this.flaggedDuts, ...this.units.filter((u) => u.duts.length === 1 && u.decision === 'flagged').map((u) => u.duts[0]!)]);
    const outside = [...this.tallies.keys()].filter((d) => !unit.duts.includes(d));
    const clean = outside.filter((d) => !flagged.has(d));
    unit.pool = this.sum(clean.length > 0 ? clean : outside);
    unit.decision = sequentialDecision(unit.tally.failures, unit.tally.trials, unit.pool.failures, unit.pool.trials, this.options);
  }

  private sum(duts: readonly string[]): Tally {
    const out = { trials: 0, failures: 0 };
    for (const dut of duts) {
      const t = this.tallies.get(dut);
      if (t) {
        out.trials += t.trials;
        out.failures += t.failures;
      }
    }
    return out;
  }
}
