/** The one-line answer to "is the bench healthy?", shared by the HTML top, summary.json and junit.xml. */
import type { ComponentDiagnosis, DiagnosisResult } from '../diagnose/types.js';
import type { ReportInput } from './types.js';

/** healthy: every trial passed and nothing is flagged; failures: trials failed but no component stands out; flagged: components or profiles to act on. */
export type OverallLevel = 'healthy' | 'failures' | 'flagged';

export interface Overall {
  level: OverallLevel;
  headline: string;
  trials: number;
  passes: number;
  /** Trials that did not pass (result fail or error). */
  failures: number;
  errors: number;
  passRate: number | null;
  /** suspect and bad components, in the diagnosis order (most suspicious first). */
  flagged: ComponentDiagnosis[];
  watch: ComponentDiagnosis[];
  profileFlags: DiagnosisResult['profiles'];
  /** The run did not finish (interrupted, crashed): the numbers are partial. */
  incomplete: boolean;
}

const FINISHED = new Set(['completed', 'complete', 'done', 'finished', 'ok']);

export function isFlagged(c: { verdict: string }): boolean {
  return c.verdict === 'suspect' || c.verdict === 'bad';
}

export function overall(input: ReportInput): Overall {
  let trials = 0;
  let passes = 0;
  let errors = 0;
  for (const d of input.perDut) {
    trials += d.trials;
    passes += d.passes;
    errors += d.errors;
  }
  const failures = trials - passes;
  const components = input.diagnosis?.components ?? [];
  const flagged = components.filter(isFlagged);
  const watch = components.filter((c) => c.verdict === 'watch');
  const profileFlags = (input.diagnosis?.profiles ?? []).filter((p) => p.verdict !== 'ok');
  const incomplete = !FINISHED.has(String(input.run.status).toLowerCase());

  let level: OverallLevel;
  let headline: string;
  if (flagged.length > 0 || profileFlags.some(isFlagged)) {
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
    headline = `Healthy — all ${trials} trials passed`;
  }
  if (incomplete) headline += ` (run ${input.run.status}: partial results)`;
  return {
    level,
    headline,
    trials,
    passes,
    failures,
    errors,
    passRate: trials ? passes / trials : null,
    flagged,
    watch,
    profileFlags,
    incomplete,
  };
}
