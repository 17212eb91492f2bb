/**
 * How long a night will take, said before it starts. Per DUT, a trial takes what its trials took in the rig's last
 * finished run (the store's history); a DUT without history is bounded by its profile: the enter and leave
 * sequences' floors (at least) up to every deadline reached (at most, never past the rig's trial timeout). Lanes run
 * `concurrency` at a time, in rig order, each DUT's trials one after another.
 */
import { deadlinesMs } from '../config/feasibility.js';
import { sequenceFloorMs } from '../config/steps.js';
import type { Dut, LoadedBench } from '../config/types.js';
import { fmtDuration } from '../core/format.js';
import { isFinished, type TrialStore } from '../store/index.js';

export interface TrialTime {
  /** Shortest and longest a trial of the DUT is expected to take, ms (equal when history says). */
  lowMs: number;
  highMs: number;
  fromHistory: boolean;
}

export interface NightEstimate {
  /** Per DUT id. */
  trialTimes: Map<string, TrialTime>;
  /** The whole run, ms. */
  lowMs: number;
  highMs: number;
  /** The run whose trial times were used, if any. */
  historyRun?: string;
}

export interface NightPlan {
  duts: readonly Dut[];
  trialsPerDut: number;
  /** Trials already stored per DUT (a resumed night). */
  doneTrials?: ReadonlyMap<string, number>;
  concurrency: number;
  /** Follow-up trials the night may add after the planned ones, where a part is in doubt (absent: none). */
  followUp?: { maxTrials: number; maxMinutes: number };
}

/** A trial of `dut` from its profile alone: sequence floors to every deadline reached. */
export function trialTimeFromProfile(bench: LoadedBench, dut: Dut): TrialTime {
  const profile = bench.profiles.get(dut.board);
  if (!profile) return { lowMs: 0, highMs: bench.rig.nightly.trialTimeoutMs, fromHistory: false };
  const floors = sequenceFloorMs(profile.enter) + sequenceFloorMs(profile.leave);
  return { lowMs: floors, highMs: Math.min(floors + deadlinesMs(profile), bench.rig.nightly.trialTimeoutMs), fromHistory: false };
}

/** Mean trial time per DUT in the rig's latest finished run that has trials, read from the store. */
async function trialTimesFromHistory(store: TrialStore, rig: string): Promise<{ runId: string; meanMs: Map<string, number> } | undefined> {
  const runs = (await store.runs({ rig })).filter((r) => isFinished(r) && r.trials > 0);
  const last = runs[runs.length - 1];
  if (!last) return undefined;
  const sums = new Map<string, { ms: number; n: number }>();
  for await (const record of store.trialsFor({ rig, runId: last.id })) {
    const sum = sums.get(record.dut) ?? { ms: 0, n: 0 };
    const ms = record.phases?.totalMs;
    if (typeof ms === 'number' && Number.isFinite(ms)) {
      sum.ms += ms;
      sum.n++;
    }
    sums.set(record.dut, sum);
  }
  const meanMs = new Map([...sums].filter(([, s]) => s.n > 0).map(([dut, s]) => [dut, s.ms / s.n]));
  return { runId: last.id, meanMs };
}

export async function estimateNight(store: TrialStore, bench: LoadedBench, plan: NightPlan): Promise<NightEstimate> {
  const history = await trialTimesFromHistory(store, bench.rig.id);
  const trialTimes = new Map<string, TrialTime>();
  for (const dut of plan.duts) {
    const mean = history?.meanMs.get(dut.id);
    trialTimes.set(dut.id, mean === undefined ? trialTimeFromProfile(bench, dut) : { lowMs: mean, highMs: mean, fromHistory: true });
  }
  const left = (dut: Dut) => Math.max(0, plan.trialsPerDut - (plan.doneTrials?.get(dut.id) ?? 0));
  const span = (pick: (t: TrialTime) => number) => lanesSpanMs(plan.duts.map((d) => left(d) * pick(trialTimes.get(d.id)!)), plan.concurrency);
  const usedHistory = [...trialTimes.values()].some((t) => t.fromHistory);
  return { trialTimes, lowMs: span((t) => t.lowMs), highMs: span((t) => t.highMs), historyRun: usedHistory ? history?.runId : undefined };
}

/** How long lanes of these lengths take, `concurrency` at a time, each started in order on the first free slot. */
export function lanesSpanMs(laneMs: readonly number[], concurrency: number): number {
  const slots = new Array<number>(Math.max(1, Math.min(concurrency, laneMs.length))).fill(0);
  for (const ms of laneMs) {
    const first = slots.indexOf(Math.min(...slots));
    slots[first]! += ms;
  }
  return Math.max(0, ...slots);
}

/** "about 14 min" or "3 min 10 s to 12 min", the follow-up trials that may come after, and what the figure rests on. */
export function describeEstimate(estimate: NightEstimate, plan: NightPlan): string {
  const duration =
    Math.abs(estimate.highMs - estimate.lowMs) < 1000 ? `about ${fmtDuration(estimate.highMs)}` : `${fmtDuration(estimate.lowMs)} to ${fmtDuration(estimate.highMs)}`;
  const fromHistory = [...estimate.trialTimes.values()].filter((t) => t.fromHistory).length;
  const basis =
    fromHistory === estimate.trialTimes.size
      ? `trial times of run ${estimate.historyRun}`
      : fromHistory > 0
        ? `trial times of run ${estimate.historyRun}; ${estimate.trialTimes.size - fromHistory} DUTs from their profiles' sequences and deadlines`
        : `no history yet: from the profiles' sequences (at least) to every deadline reached (at most)`;
  // Follow-up trials run only where the planned ones leave a part in doubt: said apart, as an upper bound.
  const followUp = plan.followUp && plan.followUp.maxTrials > 0 ? `, then up to ${plan.followUp.maxTrials} follow-up trials or ${plan.followUp.maxMinutes} min if a part is in doubt` : '';
  return `${duration}${followUp} (${plan.duts.length} DUTs × ${plan.trialsPerDut} trials, ${Math.min(plan.concurrency, plan.duts.length)} at a time; ${basis})`;
}
