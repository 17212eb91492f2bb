/**
 * The diagnosis result: per-component verdicts with evidence. Written into summary.json and printed by
 * `shakedown diagnose --json`; scripts outside the code rely on `components[].id/kind/verdict/evidence`.
 */
import type { ComponentKind, Symptom } from '../core/record.js';

export type Verdict = 'ok' | 'watch' | 'suspect' | 'bad';

export interface ComponentEvidence {
  trials: number;
  failures: number;
  failureRate: number;
  /** Failure rate of the comparable pool (trials not using this component). */
  poolRate: number;
  /** Multiple-comparison-corrected p-value of "this component fails more than the pool". */
  pValue: number;
  /** Ochiai suspiciousness in [0, 1]. */
  ochiai: number;
  symptoms: Partial<Record<Symptom, number>>;
  /** How well the symptom mix fits this kind of component, in [0, 1]. */
  symptomFit: number;
  /** One sentence with the numbers. */
  summary: string;
}

export interface ComponentDiagnosis {
  id: string;
  kind: ComponentKind;
  verdict: Verdict;
  evidence: ComponentEvidence;
  /** One concrete thing to do next (empty for ok). */
  action: string;
  /** Other component ids that always appeared with this one in the window (cannot be told apart by rates). */
  confoundedWith?: string[];
  /**
   * Members of its confounded group whose kind explains its failures exactly as well (a dead board and an open
   * cable are both silent, on the same trials): nothing but a swap tells which one it is, and the flag says so.
   */
  indistinguishableFrom?: string[];
  /** Swap that would separate a confounded group, e.g. "swap cable c3 with cable c4 (on d4) tomorrow, …"; on every member. */
  separatingSwap?: string;
  /**
   * A flagged supply: the board to move off it for a night, whose failures the supply explains but its own parts
   * would show as well (no sibling reads a dip as it does), and the healthy supply to take it to (absent: none on the
   * rig). The action says it in words.
   */
  confirmingMove?: { dut: string; supply?: string };
  /** Nights of history: pass rate per night, oldest first. */
  history?: Array<{ night: string; trials: number; passRate: number }>;
  /** "failing since 2026-11-20, the first night with cable c7" */
  changedSince?: string;
  /**
   * Not-ok components, against the night before: `new` (ok or absent then, or the rig's first night), `worse` (a
   * higher verdict, a change that began tonight, or tonight failing clearly more than before) or `known`.
   */
  news?: News;
  /** Its verdict the night before (ok when it was not diagnosed then); absent on the first night. */
  previousVerdict?: Verdict;
}

export type News = 'new' | 'worse' | 'known';

export interface DiagnosisResult {
  rig: string;
  /** The night diagnosed and the window of history used. */
  night: string;
  windowNights: string[];
  trials: number;
  failures: number;
  /** Components flagged first, most suspicious first; then the rest. */
  components: ComponentDiagnosis[];
  /** Profile-level mistakes (every DUT of one profile failing the same way). */
  profiles: Array<{ id: string; verdict: Verdict; summary: string; action: string }>;
  /** The night before, which tonight is compared with; absent on a rig's first night. */
  previousNight?: string;
  /** Components suspect or bad the night before that are not tonight. */
  fixed?: Array<{ id: string; kind: ComponentKind; previousVerdict: Verdict; verdict: Verdict }>;
}
