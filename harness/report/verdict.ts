/** The one-line answer to "is the bench healthy?", shared by the HTML top, summary.json and junit.xml. */
import { EXIT } from '../core/exit-codes.js';
import type { HarnessErrorReason } from '../core/record.js';
import type { ComponentDiagnosis, DiagnosisResult } from '../diagnose/types.js';
import type { ReportInput } from './types.js';

/**
 * healthy: every trial passed and nothing is flagged; failures: trials failed but no component stands out; flagged:
 * components or profiles to act on; untrustworthy: too many trials were harness errors for tonight's hardware
 * verdicts to be believed (see UNTRUSTWORTHY_ERROR_SHARE).
 */
export type OverallLevel = 'healthy' | 'failures' | 'flagged' | 'untrustworthy';

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

/** The process exit code of a night with this verdict: 0 healthy, 3 not trustworthy (the harness), 1 otherwise. */
export function exitCodeOf(level: OverallLevel): number {
  return level === 'healthy' ? EXIT.ok : level === 'untrustworthy' ? EXIT.infrastructure : EXIT.failures;
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
  /** suspect and bad components, in the diagnosis order (most suspicious first). */
  flagged: ComponentDiagnosis[];
  watch: ComponentDiagnosis[];
  profileFlags: DiagnosisResult['profiles'];
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
  const flagged = components.filter(isFlagged);
  const watch = components.filter((c) => c.verdict === 'watch');
  const profileFlags = (input.diagnosis?.profiles ?? []).filter((p) => p.verdict !== 'ok');
  const incomplete = !FINISHED.has(String(input.run.status).toLowerCase());

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
    if (flagged.length) parts.push(`${flagged.length} component${flagged.length === 1 ? '' : 's'} flagged`);
    const pf = profileFlags.filter(isFlagged).length;
    if (pf) parts.push(`${pf} profile${pf === 1 ? '' : 's'} flagged`);
    headline = `${parts.join(', ')} — ${failures} of ${trials} trials failed`;
  } else if (failures > 0 || trials === 0) {
    level = 'failures';
    headline = trials === 0 ? 'No trials ran' : `${failures} of ${trials} trials failed — no single component stands out`;
  } else {
    level = 'healthy';
    headline = errors > 0 ? `Healthy — ${passes} of ${trials} trials passed, the others were harness errors` : `Healthy — all ${trials} trials passed`;
  }
  if (level !== 'untrustworthy' && errors > 0 && failures > 0) headline += ` (and ${errors} harness error${errors === 1 ? '' : 's'})`;
  if (notRun > 0 && !undriven) {
    const duts = notRunList.filter((x) => x.trials > 0).map((x) => x.dut);
    headline += `; ${notRun} trial${notRun === 1 ? '' : 's'} of ${duts.join(', ')} not run (${notRunList[0]!.reason})`;
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
    profileFlags,
    incomplete,
  };
}
