/** The lab page's data (lab.json): every rig's latest night, and what only a view across rigs can see. */
import type { ComponentKind, Symptom } from '../../core/record.js';
import type { Verdict } from '../../diagnose/types.js';
import type { OverallLevel } from '../verdict.js';

export interface LabFlag {
  kind: ComponentKind;
  id: string;
  verdict: Verdict;
  summary: string;
}

export interface LabRigSummary {
  rig: string;
  title: string | null;
  site: string | null;
  /** The bench PC that runs the rig. */
  host: string | null;
  /** The rig's latest night with trials. */
  night: string;
  runId: string | null;
  /** The run's status (completed, interrupted, running, failed). */
  status: string | null;
  verdict: OverallLevel;
  headline: string;
  trials: number;
  passes: number;
  failures: number;
  errors: number;
  /** passes / (passes + failures) of the latest night; null with neither. */
  passRate: number | null;
  /** The rig's latest night is older than the lab's: its bench did not run (or not report) since. */
  stale: boolean;
  /** Suspect and bad components and profiles of the rig's diagnosis, most suspicious first. */
  flags: LabFlag[];
  /** Pass rate per night over the window, oldest first. */
  trend: Array<{ night: string; trials: number; passRate: number }>;
  /** The night's report, relative to the lab page (null when it is not in the reports folder). */
  report: string | null;
}

/** One rig's numbers behind a lab-wide finding. */
export interface LabEvidence {
  rig: string;
  trials: number;
  failures: number;
  failureRate: number;
  /** Failure rate of the rig's other trials. */
  poolRate: number;
  /** DUTs of the rig that used it, and how many of them failed often (profiles). */
  duts: number;
  failingDuts: number;
  symptoms: Partial<Record<Symptom, number>>;
  /** Whether it failed well above the rest of this rig. */
  elevated: boolean;
}

export interface LabFinding {
  /** profile: the profile or its firmware, not hardware; component: the part itself, wherever it goes. */
  kind: 'profile' | 'component';
  component: { kind: ComponentKind; id: string };
  sentence: string;
  action: string;
  evidence: LabEvidence[];
}

export interface LabPage {
  generatedAt: string;
  /** Where the trials are (a password never appears). */
  store: string;
  windowNights: number;
  /** The newest night of any rig. */
  latestNight: string | null;
  rigs: LabRigSummary[];
  findings: LabFinding[];
}
