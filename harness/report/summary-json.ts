/**
 * summary.json: the night in numbers for scripts. Its shape is documented field by field in
 * docs/report-format.md; every field is always present (null or empty when unknown), and any change to the
 * shape bumps SUMMARY_SCHEMA_VERSION. Numbers carry the digits they mean (round.ts): a rate four decimals, a time
 * from histogram bins two significant digits, a p-value two significant digits.
 */
import type { HarnessErrorReason, Symptom } from '../core/record.js';
import type { ComponentDiagnosis } from '../diagnose/types.js';
import { dutState, keyOf, outOfService, type Folds } from './folds.js';
import { spanMs } from '../core/format.js';
import { quantile } from './histogram.js';
import type { DutSummary, FollowUpSummary, NotRun, ReportInput, TimingHistogram } from './types.js';
import { overall, passRate, UNTRUSTWORTHY_ERROR_SHARE } from './verdict.js';
import { exactMs, rate, score, significant } from './round.js';

/**
 * 2: verdict may be `untrustworthy`; pass rates leave harness errors out; trustworthy, harnessErrors, notRun added.
 * 3: verdict may be `acknowledged`; components say what is new and what is set aside; fixed, outOfService and
 *    duts[].health added.
 * 4: followUp and duts[].followUpTrials added.
 */
export const SUMMARY_SCHEMA_VERSION = 4;

export function buildSummary(input: ReportInput) {
  const o = overall(input);
  const { run } = input;
  const duration = spanMs(run.startedAt, run.endedAt);
  const counts = buildRunCounts(input.perDut, input.notRun ?? []);
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    generator: 'shakedown',
    runId: run.runId,
    rig: run.rig,
    night: run.night,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    durationMs: Number.isFinite(duration) ? duration : null,
    status: run.status,
    host: run.host,
    hostComponent: run.hostComponent ?? null,
    maxMinutes: run.maxMinutes ?? null,
    nightRun: (input.nightRuns ?? []).find((r) => r.standsForNight)?.runId ?? run.runId,
    runs: (input.nightRuns ?? []).map((r) => ({
      runId: r.runId,
      command: r.command,
      status: r.status,
      startedAt: r.startedAt,
      endedAt: r.endedAt,
      trials: r.trials,
      standsForNight: r.standsForNight,
      report: `runs/${r.runId}/index.html`,
    })),
    verdict: o.level,
    headline: o.headline,
    trustworthy: o.level !== 'untrustworthy',
    totals: counts.totals,
    harnessErrors: {
      share: o.trials ? rate(o.errors / o.trials) : null,
      threshold: UNTRUSTWORTHY_ERROR_SHARE,
      reasons: countsOf(o.errorReasons),
    },
    notRun: counts.notRun,
    followUp: followUpEntry(input.followUp),
    duts: counts.duts.map((d) => {
      const verdict = (input.diagnosis?.components ?? []).find((c) => c.kind === 'dut' && c.id === d.id)?.verdict;
      return { ...d, health: dutState(input.rig, d.id, verdict) };
    }),
    components: (input.diagnosis?.components ?? []).map((c) => componentEntry(c, o.folds)),
    profiles: (input.diagnosis?.profiles ?? []).map((p) => ({ id: p.id, verdict: p.verdict, summary: p.summary, action: p.action })),
    fixed: [
      ...(input.diagnosis?.fixed ?? []).map((f) => ({ id: f.id, kind: f.kind, previousVerdict: f.previousVerdict, verdict: f.verdict, reason: 'verdict' })),
      ...o.setAside
        .filter((s) => s.why.reason === 'removed')
        .map(({ component: c }) => ({ id: c.id, kind: c.kind, previousVerdict: c.previousVerdict ?? c.verdict, verdict: c.verdict, reason: 'removed' })),
    ],
    outOfService: outOfService(input.rig).map((d) => ({ dut: d.dut, health: d.health, notes: d.notes ?? null })),
    diagnosis: {
      night: input.diagnosis?.night ?? null,
      previousNight: input.diagnosis?.previousNight ?? null,
      windowNights: [...(input.diagnosis?.windowNights ?? [])],
      trials: input.diagnosis?.trials ?? 0,
      failures: input.diagnosis?.failures ?? 0,
    },
    versions: { ...(run.versions ?? {}) },
    rigDigest: run.rigDigest,
    profileDigests: { ...(run.profileDigests ?? {}) },
  };
}

export type Summary = ReturnType<typeof buildSummary>;

/** The run's follow-up trials: null when it had none planned. */
function followUpEntry(f: FollowUpSummary | undefined) {
  if (!f) return null;
  return {
    status: f.status,
    maxTrials: f.maxTrials,
    maxMinutes: f.maxMinutes,
    trials: f.trials,
    endedBy: f.endedBy,
    poolDuts: [...(f.poolDuts ?? [])],
    components: f.units.map((u) => ({
      components: u.components.map((c) => ({ kind: c.kind, id: c.id, verdict: c.verdict })),
      duts: [...u.duts],
      trials: u.trials,
      tonight: { trials: u.tally.trials, failures: u.tally.failures },
      decision: u.decision,
    })),
  };
}

/** A run's trial counts — summary.json's `totals`, `notRun` and `duts`, which `run --json` prints as well. */
export function buildRunCounts(perDut: readonly DutSummary[], notRun: readonly NotRun[]) {
  const sum = (pick: (d: DutSummary) => number) => perDut.reduce((n, d) => n + pick(d), 0);
  const passes = sum((d) => d.passes);
  const failures = sum((d) => d.failures);
  return {
    totals: {
      trials: sum((d) => d.trials),
      passes,
      failures,
      errors: sum((d) => d.errors),
      notRun: notRun.reduce((n, x) => n + x.trials, 0),
      passRate: rate(passRate(passes, failures)),
    },
    notRun: notRun.map((n) => ({ dut: n.dut, trials: n.trials, reason: n.reason, detail: n.detail })),
    duts: perDut.map(dutEntry),
  };
}

export function renderSummaryJson(input: ReportInput): string {
  // Non-finite numbers (a p-value of NaN) become null rather than invalid JSON.
  return JSON.stringify(buildSummary(input), (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

function dutEntry(d: DutSummary) {
  const c = d.components;
  return {
    id: d.dut,
    profile: d.profile,
    components: {
      dut: c?.dut ?? d.dut,
      cable: c?.cable ?? null,
      port: c?.port ?? null,
      hub: c?.hub ?? null,
      supply: c?.supply ?? null,
      relays: [...(c?.relays ?? [])],
      host: c?.host ?? null,
    },
    trials: d.trials,
    passes: d.passes,
    failures: d.failures,
    errors: d.errors,
    followUpTrials: d.followUps,
    passRate: rate(passRate(d.passes, d.failures)),
    symptoms: countsOf(d.symptoms),
    errorReasons: countsOf(d.errorReasons ?? {}),
    timing: { resetToFirstByteMs: timing(d.resetToFirstByteMs), handshakeMs: timing(d.handshakeMs), linkRoundTripMs: timing(d.linkRoundTripMs) },
  };
}

function componentEntry(c: ComponentDiagnosis, folds: Folds) {
  const e = c.evidence;
  const aside = folds.setAside.get(keyOf(c));
  const ack = aside?.reason === 'acknowledged' ? aside.ack : folds.exceeded.get(keyOf(c))?.ack;
  return {
    id: c.id,
    kind: c.kind,
    verdict: c.verdict,
    evidence: {
      trials: e?.trials ?? 0,
      failures: e?.failures ?? 0,
      failureRate: rate(e?.failureRate),
      poolRate: rate(e?.poolRate),
      pValue: significant(e?.pValue, 2),
      ochiai: score(e?.ochiai),
      symptoms: countsOf(e?.symptoms ?? {}),
      symptomFit: score(e?.symptomFit),
      summary: e?.summary ?? '',
    },
    action: c.action ?? '',
    confoundedWith: [...(c.confoundedWith ?? [])],
    indistinguishableFrom: [...(c.indistinguishableFrom ?? [])],
    separatingSwap: c.separatingSwap ?? null,
    confirmingMove: c.confirmingMove ? { dut: c.confirmingMove.dut, supply: c.confirmingMove.supply ?? null } : null,
    changedSince: c.changedSince ?? null,
    history: (c.history ?? []).map((h) => ({ night: h.night, trials: h.trials, passRate: rate(h.passRate) ?? 0 })),
    news: c.news ?? null,
    previousVerdict: c.previousVerdict ?? null,
    setAside: aside?.reason ?? null,
    ack: ack ? { by: ack.by, note: ack.note, since: ack.since, until: ack.until, covers: aside?.reason === 'acknowledged', beyond: folds.exceeded.get(keyOf(c))?.why ?? null } : null,
  };
}

/** A map of counts with the zero entries left out. */
function countsOf(counts: Partial<Record<Symptom | HarnessErrorReason, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [s, n] of Object.entries(counts)) if (typeof n === 'number' && n > 0) out[s] = n;
  return out;
}

function timing(h: TimingHistogram) {
  // Quantiles come from log-spaced bins (about ±12 % wide): two significant digits; min and max are exact to the µs.
  return { count: h.count, median: significant(quantile(h, 0.5), 2), p95: significant(quantile(h, 0.95), 2), min: exactMs(h.min), max: exactMs(h.max) };
}
