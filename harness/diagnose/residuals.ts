/**
 * Explaining a flag away, cell by cell, and leaving the residuals for the next round. A flagged component explains
 * only the failures its cause produces on each board's family (a supply dip silences a MediaTek BROM but resets an
 * STM32 bootloader), and on a board that shows its usual face, only that face (an STM32 both resetting and silent
 * under a browning supply keeps its silence); a shared component explains on each of its DUTs no more than its
 * siblings that read it alike show: a DUT failing clearly more than its siblings keeps the excess (its own part's,
 * added to the shared cause's), so it is retested on what the shared cause does not account for.
 */
import type { Symptom } from '../core/record.js';
import type { Physics } from './physics.js';
import { cellsByDut, inExcess, servesTogether, type Component, type SymptomCounts, type Unexplained } from './round-stats.js';
import { logFisherGreater } from './stats.js';
import type { Thresholds } from './thresholds.js';

export interface ExplainContext {
  state: Unexplained;
  physics: Physics;
  t: Thresholds;
}

/**
 * A board of a shared flag that no sibling reads the cause alike (the only MediaTek board on a supply, a board whose
 * script cannot read a restart), failing clearly above the bench's baseline: the flag explains its failures, but
 * nothing on the night checks how many of them are the cause's.
 */
export interface Unvouched {
  dut: string;
  cells: number[];
  /** Its failures the flag explained, by symptom. */
  symptoms: SymptomCounts;
}

/** Explains what the flag's cause can on each of its boards; returns the boards no sibling vouches for. */
export function explainFlag(carrier: Component, symptoms: Set<Symptom>, ctx: ExplainContext): Unvouched[] {
  const { state, physics, t } = ctx;
  const kind = carrier.ref.kind;
  // Each cell is read as the board it ran on that night: a relay channel's pin there (a swap may have moved it).
  const seenAt = (i: number) => state.cells[i]!;
  // A flag whose symptoms fit its kind nowhere explains what it was flagged for, everywhere (something must be).
  const fitsSomewhere = [...symptoms].some((s) => carrier.cells.some((i) => physics.affinity(kind, s, seenAt(i), carrier.ref.id) >= t.fits));
  const explains = (s: Symptom, i: number) => !fitsSomewhere || physics.affinity(kind, s, seenAt(i), carrier.ref.id) >= t.fits;

  const byDut = cellsByDut(carrier, state);

  // What each DUT may have explained: no more than its siblings show, when it shows clearly more. The siblings'
  // rate is that of the DUTs of its own family (there must be some: another family may not feel the cause at all),
  // or of all its siblings when that is higher (a sibling of its family may be failing in another way).
  const budget = new Map<string, number>();
  const unvouched: Unvouched[] = [];
  if (byDut.size >= 2 && servesTogether(carrier, state)) {
    const explainable = (cells: number[]) => {
      let n = 0;
      let trials = 0;
      for (const i of cells) {
        trials += state.activeTrials[i]!;
        for (const s of symptoms) if (explains(s, i)) n += state.activeSymptoms[i]![s] ?? 0;
      }
      return { n, trials };
    };
    // A board that shows the cause's usual face (a dip resets an STM32 bootloader that goes on talking) has only that
    // explained: one profile shows one face of a shared cause, and its lesser faces (the silence of a profile that
    // only syncs) on top of the usual one are something else — whatever its siblings show. Shown: clearly above the
    // bench's robust baseline (the pool may hold other faults showing the same face).
    const baseline = state.baseline();
    const usualFaceCount = (cells: number[]) => {
      const trials = cells.reduce((sum, i) => sum + state.activeTrials[i]!, 0);
      let usual = 0;
      for (const s of symptoms) {
        usual += cells.reduce((sum, i) => sum + (physics.affinity(kind, s, seenAt(i), carrier.ref.id) >= t.fitsWell ? (state.activeSymptoms[i]![s] ?? 0) : 0), 0);
      }
      return inExcess(usual, baseline * trials, t) ? usual : undefined;
    };
    const counts = new Map([...byDut].map(([dut, cells]) => [dut, explainable(cells)]));
    // Siblings that read the cause alike: the same family, and the same traits (Physics.readingOf); of those, the
    // boards of its own profile when there are any, whose exchange is as long and as exposed as its own (a flaky hub
    // loses a board with a longer exchange more often than its sibling of the same family).
    const profileOfDut = (dut: string) => seenAt(byDut.get(dut)![0]!).profile;
    const readingOfDut = (dut: string) => physics.readingOf(profileOfDut(dut));
    for (const [dut, mine] of counts) {
      const others = [...counts].filter(([d]) => d !== dut);
      const alike = others.filter(([d]) => readingOfDut(d) === readingOfDut(dut));
      const sameProfile = alike.filter(([d]) => profileOfDut(d) === profileOfDut(dut));
      const kin = sameProfile.length > 0 ? sameProfile : alike;
      const usual = usualFaceCount(byDut.get(dut)!);
      if (usual !== undefined) budget.set(dut, usual);
      if (kin.length === 0) {
        if (inExcess(mine.n, baseline * mine.trials, t)) unvouched.push({ dut, cells: byDut.get(dut)!, symptoms: {} });
        continue;
      }
      const pooled = (list: typeof others) => list.reduce((a, [, c]) => ({ n: a.n + c.n, trials: a.trials + c.trials }), { n: 0, trials: 0 });
      const [k, all] = [pooled(kin), pooled(others)];
      const ref = k.n / Math.max(1, k.trials) >= all.n / Math.max(1, all.trials) ? k : all;
      const expected = (ref.n / Math.max(1, ref.trials)) * mine.trials;
      // Two independent causes add their failures (a weak port under a flaky hub fails at the hub's rate plus its
      // own): what the DUT shows beyond its siblings is its own part's, and must be clearly more than the bench's
      // baseline gives a healthy part — not twice the siblings' rate, which a strong shared cause never lets it reach.
      // Each of the flag's DUTs is tested: Bonferroni over them.
      const own = mine.n - expected;
      const clearlyAbove = own >= t.minFailures && own > t.excessFactor * baseline * mine.trials + t.excessMargin;
      const significant = logFisherGreater(mine.n, mine.trials, ref.n, ref.trials) <= Math.log(t.nestingP / byDut.size);
      if (clearlyAbove && significant) budget.set(dut, Math.min(Math.round(expected), usual ?? Number.POSITIVE_INFINITY));
    }
  }

  // A DUT's budget goes to the cause's usual face first: a dip explains an STM32's resets before its silence.
  const byFace = (i: number) =>
    [...symptoms].sort((a, b) => physics.affinity(kind, b, seenAt(i), carrier.ref.id) - physics.affinity(kind, a, seenAt(i), carrier.ref.id));
  for (const [dut, cells] of byDut) {
    let left = budget.get(dut) ?? Number.POSITIVE_INFINITY;
    const explained = unvouched.find((u) => u.dut === dut)?.symptoms;
    for (const i of cells) {
      for (const s of byFace(i)) {
        if (!explains(s, i) || left <= 0) continue;
        const n = state.explainSome(i, s, Math.min(left, Number.MAX_SAFE_INTEGER), carrier.ref.key);
        left -= n;
        if (explained && n > 0) explained[s] = (explained[s] ?? 0) + n;
      }
    }
  }
  return unvouched;
}
