/**
 * Scoring a diagnosis against the faults injected, the way a user reads the report: a fault is found only when its
 * own component is flagged (suspect or bad) — the part the engineer will replace tomorrow morning. A flag on another
 * member of the fault's confounded group (components that always ran together) names the group and the swap that
 * separates it, which helps, but it sends the engineer to the wrong part first: it is counted apart
 * (`foundThroughGroup`, `groupFlags`), never as recall, and such a flag is not a true flag. Any other flag is false.
 *
 * A flag that says its group cannot be told apart (`indistinguishableFrom`: a dead board and an open cable, both
 * silent on the same trials) sends the engineer to a swap, not to a part. When the fault is in that group, it is
 * neither found nor a false flag: the fault is `unidentifiable` without a swap and the flag an `undecidedFlag`, both
 * reported on their own line. Recall stays strict (found / injected); such a flag with no fault in its group is false.
 */
import type { DiagnosisResult } from '../../harness/diagnose/types.js';
import type { InjectedFault } from './scenario.js';

export interface ScenarioScore {
  faults: number;
  /** Faults whose own component is flagged. */
  found: InjectedFault[];
  /** Faults whose own component is not flagged (including those found only through a group, or unidentifiable). */
  missed: InjectedFault[];
  /** Missed faults inside a group a flag says no night can tell apart (a swap must). */
  unidentifiable: InjectedFault[];
  /** Flags that say their group cannot be told apart, with a fault in the group. */
  undecidedFlags: string[];
  /** Flags on a faulty component. */
  trueFlags: string[];
  /** Flags on a healthy component (including flags on a healthy member of a faulty component's group). */
  falseFlags: string[];
  /** Missed faults whose confounded group a flag names (the report pointed near them). */
  foundThroughGroup: number;
  /** False flags that name a faulty component in their confounded group. */
  groupFlags: string[];
}

function flaggedOf(result: DiagnosisResult) {
  return result.components.filter((c) => c.verdict === 'suspect' || c.verdict === 'bad');
}

export function scoreDiagnosis(result: DiagnosisResult, faults: InjectedFault[]): ScenarioScore {
  const flagged = flaggedOf(result);
  const exact = (flag: (typeof flagged)[number], fault: InjectedFault) => flag.kind === fault.kind && flag.id === fault.id;
  const near = (flag: (typeof flagged)[number], fault: InjectedFault) => (flag.confoundedWith ?? []).includes(fault.id);
  const undecided = (flag: (typeof flagged)[number]) => (flag.indistinguishableFrom ?? []).length > 0;
  const inUndecided = (flag: (typeof flagged)[number], fault: InjectedFault) =>
    undecided(flag) && (exact(flag, fault) || flag.indistinguishableFrom!.includes(fault.id));
  const found: InjectedFault[] = [];
  const missed: InjectedFault[] = [];
  const unidentifiable: InjectedFault[] = [];
  let foundThroughGroup = 0;
  for (const fault of faults) {
    if (flagged.some((f) => exact(f, fault) && !undecided(f))) {
      found.push(fault);
      continue;
    }
    missed.push(fault);
    if (flagged.some((f) => inUndecided(f, fault))) unidentifiable.push(fault);
    else if (flagged.some((f) => near(f, fault))) foundThroughGroup++;
  }
  const trueFlags: string[] = [];
  const falseFlags: string[] = [];
  const groupFlags: string[] = [];
  const undecidedFlags: string[] = [];
  for (const flag of flagged) {
    const name = `${flag.kind} ${flag.id}`;
    if (faults.some((fault) => inUndecided(flag, fault))) undecidedFlags.push(name);
    else if (faults.some((fault) => exact(flag, fault))) trueFlags.push(name);
    else {
      falseFlags.push(name);
      if (faults.some((fault) => near(flag, fault))) groupFlags.push(name);
    }
  }
  return { faults: faults.length, found, missed, unidentifiable, trueFlags, falseFlags, foundThroughGroup, groupFlags, undecidedFlags };
}

/** Whether one fault is found (its own component flagged) in a diagnosis. */
export function isFound(result: DiagnosisResult, fault: InjectedFault): boolean {
  return scoreDiagnosis(result, [fault]).found.length === 1;
}
