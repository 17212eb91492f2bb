/**
 * Which components explain the failures: a pure function over cells (see cells.ts), used by `diagnose` on the
 * store's aggregates, by the tests, and by the evaluation. It puts together the three parts of the diagnosis:
 * the numbers (round-stats.ts, stats.ts), the verdicts decided from them (verdicts.ts), and the sentences a person
 * reads (sentences.ts), with every threshold from thresholds.ts.
 */
import type { Rig } from '../config/types.js';
import type { ComponentKind } from '../core/record.js';
import type { Cell } from './cells.js';
import { rate } from './round-stats.js';
import { actionFor, alwaysRanWith, carriedAction, componentSummary, profileAction, profileSummary, swapSentence, undecidedAction } from './sentences.js';
import type { PhysicsTable } from './physics.js';
import type { ProfileFacts } from './swaps.js';
import { thresholdsWith, type Thresholds } from './thresholds.js';
import type { ComponentDiagnosis, DiagnosisResult } from './types.js';
import { decide, type ComponentVerdict, type ProfileVerdict } from './verdicts.js';

export interface AttributeOptions {
  thresholds?: Partial<Thresholds>;
  /** The rig, for swaps: its spares, the DUTs' wired pins, the relay channels. */
  rig?: Rig;
  /** Board profiles by id (family and pins), for swaps: which boards can trade places. */
  profiles?: ReadonlyMap<string, ProfileFacts>;
  /** Symptom physics per chip family (physics.ts), handed in by the caller. */
  physics?: PhysicsTable;
  maxRounds?: number;
}

/** A component's diagnosis with what the shared result type leaves out. */
export interface ComponentReport extends ComponentDiagnosis {
  /** Failures of this component's trials that a flagged component explains. */
  explainedBy?: Array<{ id: string; kind: ComponentKind; failures: number }>;
  /** The round of the analysis that flagged it (1 = first). */
  round?: number;
  /** Natural log of the corrected p-value (p-values of a month of trials underflow a double). */
  logPValue: number;
}

export interface Attribution {
  trials: number;
  failures: number;
  components: ComponentReport[];
  profiles: DiagnosisResult['profiles'];
}

export function attribute(cells: Cell[], options: AttributeOptions = {}): Attribution {
  const t = thresholdsWith(options.thresholds);
  const decided = decide(cells, { thresholds: t, rig: options.rig, profiles: options.profiles, physics: options.physics, maxRounds: options.maxRounds });
  const reports = decided.components.map((v) => componentReport(v, decided.tested, cells, t));
  const profiles = decided.profiles.map(profileResult);
  reports.push(...decided.profiles.map((p, i) => profileComponent(p, profiles[i]!)));
  reports.sort((a, b) => orderOf(a) - orderOf(b) || (a.round ?? 99) - (b.round ?? 99) || a.logPValue - b.logPValue || b.evidence.ochiai - a.evidence.ochiai || a.id.localeCompare(b.id));
  return { trials: decided.total.trials, failures: decided.total.failures, components: reports, profiles };
}

function componentReport(v: ComponentVerdict, tested: number, cells: Cell[], t: Thresholds): ComponentReport {
  const { raw, stats } = v;
  const pool = { trials: stats.poolTrials, failures: stats.poolFailures };
  const report: ComponentReport = {
    id: v.ref.id,
    kind: v.ref.kind,
    verdict: v.verdict,
    evidence: {
      trials: raw.trials,
      failures: raw.failures,
      failureRate: rate(raw),
      poolRate: v.verdict !== 'ok' ? rate(pool) : rate(v.poolRaw),
      pValue: Math.exp(stats.logPAdjusted),
      ochiai: round4(v.ochiai),
      symptoms: raw.symptoms,
      symptomFit: round4(v.fit),
      summary: '',
    },
    action: '',
    logPValue: stats.logPAdjusted,
  };
  if (v.round !== undefined) report.round = v.round;
  if (v.group.length > 0) report.confoundedWith = v.group.map((g) => g.id);
  if (v.explainedBy.length > 0) report.explainedBy = v.explainedBy;
  if (v.alike) report.indistinguishableFrom = v.alike.map((a) => a.id);
  report.evidence.summary = componentSummary({ report, pool, tested, carrier: v.carrier, alike: v.alike, slowLink: v.slowLink }, t);
  if (v.verdict === 'ok') return report;
  const swap = v.swap ? swapSentence(v.swap) : undefined;
  if (swap) report.separatingSwap = swap;
  if (v.carrier) {
    // The group's swap is stated once, with the flag that carries it; the other members point there.
    report.action = carriedAction(v.carrier);
  } else if (v.alike && swap) {
    report.action = undecidedAction(v.ref, v.alike, swap);
  } else {
    report.action = actionFor(v.ref, raw.symptoms, cells, v.slowLink, v.confirmBy);
    // The move is data where the action says it in words.
    if (v.confirmBy) report.confirmingMove = { dut: v.confirmBy.dut, ...(v.confirmBy.supply ? { supply: v.confirmBy.supply } : {}) };
    if (swap) report.action += alwaysRanWith(report.confoundedWith!, swap);
  }
  return report;
}

function profileResult(p: ProfileVerdict): DiagnosisResult['profiles'][number] {
  return { id: p.mistake.profile, verdict: 'bad', summary: profileSummary(p.mistake, p.tally.trials, p.pool), action: profileAction(p.mistake.profile, p.mistake.symptom) };
}

function profileComponent(p: ProfileVerdict, result: DiagnosisResult['profiles'][number]): ComponentReport {
  const report: ComponentReport = {
    id: p.mistake.profile,
    kind: 'profile',
    verdict: 'bad',
    evidence: {
      trials: p.tally.trials,
      failures: p.tally.failures,
      failureRate: rate(p.tally),
      poolRate: rate(p.pool),
      pValue: Math.exp(p.logP),
      ochiai: round4(p.ochiai),
      symptoms: p.tally.symptoms,
      symptomFit: round4(p.fit),
      summary: result.summary,
    },
    action: result.action,
    logPValue: p.logP,
  };
  if (p.mistake.confoundedWith.length > 0) report.confoundedWith = p.mistake.confoundedWith;
  return report;
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

function orderOf(r: ComponentReport): number {
  return r.verdict === 'bad' || r.verdict === 'suspect' ? (r.kind === 'profile' ? 0 : 1) : r.verdict === 'watch' ? 2 : 3;
}
