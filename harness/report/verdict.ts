/** The one-line answer to "is the bench healthy?", shared by the HTML top, summary.json and junit.xml. */
import { EXIT } from '../core/exit-codes.js';
import { plural } from '../core/plural.js';
import type { HarnessErrorReason, Symptom } from '../core/record.js';
import type { ComponentDiagnosis, DiagnosisResult } from '../diagnose/types.js';
import { foldsOf, keyOf, type Folds, type SetAside } from './folds.js';
import { dutsUsing, indexBench, type BenchIndex } from './rig-index.js';
import type { ReportInput } from './types.js';

/**
 * healthy: every trial passed and nothing is flagged; failures: trials failed but no component stands out; flagged:
 * components or profiles to act on; acknowledged: known problems only — every flag is set aside (acknowledged, its
 * DUT out of service, or no longer in the rig) and every failure is one of theirs; untrustworthy: too many trials were
 * harness errors for tonight's hardware verdicts to be believed (see UNTRUSTWORTHY_ERROR_SHARE).
 */
export type OverallLevel = 'healthy' | 'failures' | 'flagged' | 'acknowledged' | 'untrustworthy';

/**
 * A night whose harness errors are more than this share of its trials is not trustworthy: the harness itself
 * misbehaved, so what it says about the hardware is not believed (with fewer than 20 trials, one error is enough).
 */
export const UNTRUSTWORTHY_ERROR_SHARE = 0.05;

/** Whether harness errors are too many, among `trials`, to trust the night's hardware verdicts. */
export function untrustworthy(trials: number, errors: number): boolean {
  return trials > 0 && errors / trials > UNTRUSTWORTHY_ERROR_SHARE;
}

/** Pass rate over the trials that are evidence about the hardware (harness errors left out); null with none. */
export function passRate(passes: number, failures: number): number | null {
  return passes + failures > 0 ? passes / (passes + failures) : null;
}

/** The process exit code of a night with this verdict: 0 healthy or known problems only, 3 not trustworthy (the harness), 1 otherwise. */
export function exitCodeOf(level: OverallLevel): number {
  return level === 'healthy' || level === 'acknowledged' ? EXIT.ok : level === 'untrustworthy' ? EXIT.infrastructure : EXIT.failures;
}

export interface Overall {
  level: OverallLevel;
  headline: string;
  trials: number;
  passes: number;
  /** Trials the device failed (result fail). */
  failures: number;
  /** Trials the harness could not run as the profile says (result error). */
  errors: number;
  /** Harness errors per reason, over every DUT. */
  errorReasons: Partial<Record<HarnessErrorReason, number>>;
  /** Trials not attempted (a DUT's adapter missing). */
  notRun: number;
  /** passes / (passes + failures): harness errors are no evidence either way. */
  passRate: number | null;
  /** suspect and bad components not set aside, in the diagnosis order (new and worse first, then most suspicious). */
  flagged: ComponentDiagnosis[];
  /** Watched components not set aside. */
  watch: ComponentDiagnosis[];
  /** Flagged and watched components (profiles too) set aside for the night, and why. */
  setAside: Array<{ component: ComponentDiagnosis; why: SetAside }>;
  /** Profile findings that are not ok and not set aside. */
  profileFlags: DiagnosisResult['profiles'];
  /** Failures of trials whose DUT uses a set-aside component, with a symptom of that component: its known problem. */
  setAsideFailures: number;
  /** Flags (components and profiles) that are new or worse tonight, or went beyond their ack: what a lab is told of. */
  fresh: ComponentDiagnosis[];
  folds: Folds;
  index: BenchIndex;
  /** The run did not finish (interrupted, crashed): the numbers are partial. */
  incomplete: boolean;
}

/** Why trials are not run when the bench itself could not be driven (nightly: a relay board not found or lost). */
const BENCH_FAILURES = new Set<string>(['relay-not-answering', 'exception']);

const FINISHED = new Set(['completed', 'complete', 'done', 'finished', 'ok']);

export function isFlagged(c: { verdict: string }): boolean {
  return c.verdict === 'suspect' || c.verdict === 'bad';
}

export function overall(input: ReportInput): Overall {
  let trials = 0;
  let passes = 0;
  let failures = 0;
  let errors = 0;
  const errorReasons: Partial<Record<HarnessErrorReason, number>> = {};
  for (const d of input.perDut) {
    trials += d.trials;
    passes += d.passes;
    failures += d.failures;
    errors += d.errors;
    for (const [reason, n] of Object.entries(d.errorReasons ?? {}) as Array<[HarnessErrorReason, number]>) {
      errorReasons[reason] = (errorReasons[reason] ?? 0) + n;
    }
  }
  const notRunList = input.notRun ?? [];
  const notRun = notRunList.reduce((n, x) => n + x.trials, 0);
  const components = input.diagnosis?.components ?? [];
  const index = indexBench(input.rig, input.perDut, components);
  const folds = foldsOf(input, index);
  for (const key of folds.setAside.keys()) index.setAside.add(key.slice(key.indexOf(':') + 1));
  const open = (c: { kind: ComponentDiagnosis['kind']; id: string }) => !folds.setAside.has(keyOf(c));
  // Profiles are listed once, as profile findings; their entries among the components are not counted twice.
  const flagged = components.filter((c) => isFlagged(c) && c.kind !== 'profile' && open(c));
  const watch = components.filter((c) => c.verdict === 'watch' && c.kind !== 'profile' && open(c));
  const setAside = components.filter((c) => c.verdict !== 'ok' && !open(c)).map((c) => ({ component: c, why: folds.setAside.get(keyOf(c))! }));
  const profileFlags = (input.diagnosis?.profiles ?? []).filter((p) => p.verdict !== 'ok' && open({ kind: 'profile', id: p.id }));
  const setAsideFailures = knownFailures(input, index, setAside.map((s) => s.component));
  const incomplete = !FINISHED.has(String(input.run.status).toLowerCase());
  const setAsideFlags = setAside.filter((s) => isFlagged(s.component)).length;
  const fresh = components.filter((c) => isFlagged(c) && open(c) && (c.news === 'new' || c.news === 'worse' || folds.exceeded.has(keyOf(c))));

  let level: OverallLevel;
  let headline: string;
  const undriven = trials === 0 ? notRunList.find((x) => x.trials > 0 && BENCH_FAILURES.has(x.reason)) : undefined;
  if (undriven) {
    // Not one trial ran because the bench could not be driven (a relay board not found): nothing can be trusted tonight.
    level = 'untrustworthy';
    headline = `Bench could not be driven tonight — ${undriven.detail}`;
  } else if (untrustworthy(trials, errors)) {
    level = 'untrustworthy';
    const top = (Object.entries(errorReasons) as Array<[string, number]>).sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`);
    headline = `Bench not trustworthy tonight — ${errors} of ${trials} trials were harness errors (${top.join(', ')}); no hardware is blamed for them`;
  } else if (flagged.length > 0 || profileFlags.some(isFlagged)) {
    level = 'flagged';
    const parts = [] as string[];
    if (flagged.length) parts.push(`${plural(flagged.length, 'component')} flagged`);
    const pf = profileFlags.filter(isFlagged).length;
    if (pf) parts.push(`${plural(pf, 'profile')} flagged`);
    if (setAsideFlags) parts.push(`${setAsideFlags} more set aside`);
    headline = `${parts.join(', ')} — ${failures} of ${trials} trials failed`;
  } else if (failures > setAsideFailures || trials === 0) {
    level = 'failures';
    headline = trials === 0 ? 'No trials ran' : `${failures} of ${trials} trials failed — no single component stands out`;
    if (setAsideFlags) headline += ` (${plural(setAsideFlags, 'known problem')} set aside)`;
  } else if (setAsideFlags > 0 || failures > 0) {
    level = 'acknowledged';
    const aside = `${plural(setAsideFlags, 'flag')} set aside (${reasonsOf(setAside.map((s) => s.why))})`;
    headline = failures ? `Known problems only — ${failures} of ${trials} trials failed, all on ${aside}` : `Known problems only — ${trials === 1 ? 'the trial' : `all ${trials} trials`} passed; ${aside}`;
  } else {
    level = 'healthy';
    headline = errors > 0 ? `Healthy — ${passes} of ${trials} trials passed, the others were harness errors` : `Healthy — ${trials === 1 ? 'the trial' : `all ${trials} trials`} passed`;
  }
  if (level !== 'untrustworthy' && errors > 0 && failures > 0) headline += ` (and ${plural(errors, 'harness error')})`;
  if (notRun > 0 && !undriven) {
    const duts = notRunList.filter((x) => x.trials > 0).map((x) => x.dut);
    headline += `; ${plural(notRun, 'trial')} of ${duts.join(', ')} not run (${notRunList[0]!.reason})`;
  }
  if (incomplete) headline += ` (run ${input.run.status}: partial results)`;
  return {
    level,
    headline,
    trials,
    passes,
    failures,
    errors,
    errorReasons,
    notRun,
    passRate: passRate(passes, failures),
    flagged,
    watch,
    setAside,
    profileFlags,
    setAsideFailures,
    fresh,
    folds,
    index,
    incomplete,
  };
}

/** "acknowledged, DUT in maintenance": the distinct reasons, in words. */
function reasonsOf(whys: SetAside[]): string {
  const words = { acknowledged: 'acknowledged', 'out-of-service': 'DUT out of service', removed: 'no longer in the rig' } as const;
  return [...new Set(whys.map((w) => words[w.reason]))].join(', ');
}

/**
 * Tonight's failures that set-aside components account for: on each DUT that uses one, the failures with a symptom
 * of that component's failures (an acknowledged corrupting cable covers its DUT's corrupt trials, not its late ones).
 */
function knownFailures(input: ReportInput, index: BenchIndex, known: ComponentDiagnosis[]): number {
  const covered = new Map<string, Set<Symptom>>();
  for (const c of known) {
    const duts = c.kind === 'profile' ? input.perDut.filter((d) => d.profile === c.id).map((d) => d.dut) : dutsUsing(index, c.kind, c.id);
    const symptoms = Object.keys(c.evidence?.symptoms ?? {}) as Symptom[];
    for (const dut of duts) {
      const set = covered.get(dut) ?? new Set<Symptom>();
      for (const s of symptoms) set.add(s);
      covered.set(dut, set);
    }
  }
  let n = 0;
  for (const d of input.perDut) {
    const set = covered.get(d.dut);
    if (!set) continue;
    for (const [s, count] of Object.entries(d.symptoms) as Array<[Symptom, number]>) if (set.has(s)) n += count;
  }
  return n;
}
