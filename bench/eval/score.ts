/**
 * Scoring a diagnosis against the faults injected. A fault is found when its component is flagged (suspect or bad)
 * — or when a flagged component names it in `confoundedWith`: components that always ran together cannot be told
 * apart by rates, and a report that flags the group and names the swap that separates it has done what can be done.
 * Any other flag is false.
 */
import type { DiagnosisResult } from '../../harness/diagnose/types.js';
import type { InjectedFault } from './scenario.js';

export interface ScenarioScore {
  faults: number;
  found: InjectedFault[];
  missed: InjectedFault[];
  /** Flags matching a fault directly or through the group they name. */
  trueFlags: string[];
  falseFlags: string[];
  /** Faults found only through a confounded group (not the exact component). */
  foundThroughGroup: number;
}

function flaggedOf(result: DiagnosisResult) {
  return result.components.filter((c) => c.verdict === 'suspect' || c.verdict === 'bad');
}

export function scoreDiagnosis(result: DiagnosisResult, faults: InjectedFault[]): ScenarioScore {
  const flagged = flaggedOf(result);
  const matches = (flag: (typeof flagged)[number], fault: InjectedFault) =>
    (flag.kind === fault.kind && flag.id === fault.id) || (flag.confoundedWith ?? []).includes(fault.id);
  const found: InjectedFault[] = [];
  const missed: InjectedFault[] = [];
  let foundThroughGroup = 0;
  for (const fault of faults) {
    const hit = flagged.find((f) => matches(f, fault));
    if (hit) {
      found.push(fault);
      if (!(hit.kind === fault.kind && hit.id === fault.id)) foundThroughGroup++;
    } else {
      missed.push(fault);
    }
  }
  const trueFlags: string[] = [];
  const falseFlags: string[] = [];
  for (const flag of flagged) (faults.some((fault) => matches(flag, fault)) ? trueFlags : falseFlags).push(`${flag.kind} ${flag.id}`);
  return { faults: faults.length, found, missed, trueFlags, falseFlags, foundThroughGroup };
}

/** Whether one fault is found in a diagnosis. */
export function isFound(result: DiagnosisResult, fault: InjectedFault): boolean {
  return scoreDiagnosis(result, [fault]).found.length === 1;
}
