/**
 * Turns trial records into the per-DUT aggregates the report draws, in one streaming pass: memory stays bounded
 * whatever the number of trials (strip cells merge, detail lines are capped, timings go into fixed bins).
 * Records are expected per DUT in trial order (the store yields them by seq); the strip follows arrival order.
 */
import type { HarnessErrorReason, Symptom, TrialRecord } from '../core/record.js';
import { addSample, emptyHistogram } from './histogram.js';
import type { DutSummary, StripCell } from './types.js';

/** Cells in a DUT's strip; beyond this, neighbouring cells merge two by two. */
export const STRIP_CELLS = 80;
/** Distinct detail lines kept per symptom of one DUT. */
export const DETAILS_PER_SYMPTOM = 8;
const DETAIL_CHARS = 300;
/** Non-passing trials of a DUT listed with their detail line; the rest are listed without (memory stays small). */
export const NON_PASSING_DETAILS = 1000;

export interface CollectOptions {
  /** Failing trials kept with their transcripts per DUT (the first ones of the night). */
  failingPerDut?: number;
}

export interface CollectedReportData {
  perDut: DutSummary[];
  failingTrials: TrialRecord[];
  sampleTrial: Record<string, TrialRecord>;
}

export function summarizeDuts(records: Iterable<TrialRecord>): DutSummary[] {
  return collectReportData(records, { failingPerDut: 0 }).perDut;
}

/** summarizeDuts plus the capped samples the report shows in detail, in the same single pass. */
export function collectReportData(records: Iterable<TrialRecord>, options: CollectOptions = {}): CollectedReportData {
  const collector = new ReportDataCollector(options);
  for (const record of records) collector.add(record);
  return collector.finish();
}

/** The same pass a record at a time, for records that arrive one by one (streamed from the store). */
export class ReportDataCollector {
  private readonly failingPerDut: number;
  private readonly byDut = new Map<string, DutAccumulator>();
  private readonly failing: TrialRecord[] = [];
  private readonly failingCount = new Map<string, number>();
  private readonly sampleTrial: Record<string, TrialRecord> = {};

  constructor(options: CollectOptions = {}) {
    this.failingPerDut = options.failingPerDut ?? 5;
  }

  add(record: TrialRecord): void {
    let acc = this.byDut.get(record.dut);
    if (!acc) this.byDut.set(record.dut, (acc = new DutAccumulator(record)));
    acc.add(record);
    if (record.result === 'pass') {
      if (!Object.prototype.hasOwnProperty.call(this.sampleTrial, record.dut)) this.sampleTrial[record.dut] = record;
    } else if ((this.failingCount.get(record.dut) ?? 0) < this.failingPerDut) {
      this.failingCount.set(record.dut, (this.failingCount.get(record.dut) ?? 0) + 1);
      this.failing.push(record);
    }
  }

  finish(): CollectedReportData {
    return { perDut: [...this.byDut.values()].map((a) => a.finish()), failingTrials: this.failing, sampleTrial: this.sampleTrial };
  }
}

class DutAccumulator {
  readonly summary: DutSummary;
  private cellSize = 1;
  /** Per symptom (or harness error reason): normalised detail → first wording seen and count. */
  private readonly detailCounts = new Map<Symptom, Map<string, { text: string; count: number }>>();
  private readonly errorDetailCounts = new Map<HarnessErrorReason, Map<string, { text: string; count: number }>>();

  constructor(first: TrialRecord) {
    this.summary = {
      dut: first.dut,
      profile: first.profile,
      components: first.components,
      trials: 0,
      passes: 0,
      failures: 0,
      errors: 0,
      followUps: 0,
      symptoms: {},
      details: {},
      errorReasons: {},
      errorDetails: {},
      nonPassing: [],
      strip: [],
      resetToFirstByteMs: emptyHistogram(),
      handshakeMs: emptyHistogram(),
      linkRoundTripMs: emptyHistogram(),
      totalMs: 0,
      retries: 0,
      firstStartedAt: null,
      lastStartedAt: null,
    };
  }

  add(r: TrialRecord): void {
    const s = this.summary;
    s.trials++;
    if (r.followUp) s.followUps++;
    s.components = r.components;
    s.profile = r.profile;
    s.firstStartedAt ??= r.startedAt;
    s.lastStartedAt = r.startedAt;
    s.totalMs += finite(r.phases?.totalMs);
    s.retries += finite(r.retries);
    const passed = r.result === 'pass';
    if (passed) s.passes++;
    else if (r.result === 'error') {
      // A harness error says nothing about the hardware: counted by its reason, never as a symptom.
      s.errors++;
      const reason = r.reason ?? 'exception';
      s.errorReasons[reason] = (s.errorReasons[reason] ?? 0) + 1;
      addDetail(this.errorDetailCounts, reason, r.detail);
    } else {
      s.failures++;
      const symptom = failingSymptom(r);
      s.symptoms[symptom] = (s.symptoms[symptom] ?? 0) + 1;
      addDetail(this.detailCounts, symptom, r.detail);
    }
    if (!passed) {
      s.nonPassing.push({
        seq: r.seq,
        trialId: r.trialId,
        result: r.result === 'error' ? 'error' : 'fail',
        kind: r.result === 'error' ? (r.reason ?? 'exception') : failingSymptom(r),
        detail: s.nonPassing.length < NON_PASSING_DETAILS ? String(r.detail ?? '').slice(0, DETAIL_CHARS) : '',
        totalMs: finite(r.phases?.totalMs),
      });
    }
    if (r.resetToFirstByteMs !== null && r.resetToFirstByteMs !== undefined) addSample(s.resetToFirstByteMs, r.resetToFirstByteMs);
    if (passed) addSample(s.handshakeMs, finite(r.phases?.handshakeMs));
    if (typeof r.latencyMs === 'number' && Number.isFinite(r.latencyMs)) addSample(s.linkRoundTripMs, r.latencyMs);
    this.addToStrip(r, passed);
  }

  private addToStrip(r: TrialRecord, passed: boolean): void {
    const strip = this.summary.strip;
    const last = strip[strip.length - 1];
    const failed = r.result === 'fail' ? 1 : 0;
    const errored = r.result === 'error' ? 1 : 0;
    const symptom: Symptom = failed ? failingSymptom(r) : 'ok';
    if (last && last.trials < this.cellSize) {
      last.trials++;
      last.failures += failed;
      last.errors += errored;
      if (last.symptom === 'ok') last.symptom = symptom;
    } else {
      strip.push({ trials: 1, failures: failed, errors: errored, symptom, firstSeq: r.seq });
    }
    if (strip.length > STRIP_CELLS) {
      this.summary.strip = mergePairs(strip);
      this.cellSize *= 2;
    }
  }

  finish(): DutSummary {
    for (const [symptom, map] of this.detailCounts) this.summary.details[symptom] = byCount(map);
    for (const [reason, map] of this.errorDetailCounts) this.summary.errorDetails[reason] = byCount(map);
    return this.summary;
  }
}

/** The symptom a failed trial is shown with (a fail recorded without one counts as silent). */
function failingSymptom(r: TrialRecord): Exclude<Symptom, 'ok'> {
  return r.symptom === null || r.symptom === 'ok' ? 'silent' : r.symptom;
}

/** Counts a detail line under `key`, grouping wordings that differ only in numbers; at most DETAILS_PER_SYMPTOM kept. */
function addDetail<K>(counts: Map<K, Map<string, { text: string; count: number }>>, key: K, detail: string): void {
  let map = counts.get(key);
  if (!map) counts.set(key, (map = new Map()));
  const text = String(detail ?? '').slice(0, DETAIL_CHARS);
  // Numbers vary from trial to trial ("late by 12.3 ms"); group the wording, keep the first example.
  const wording = text.replace(/\d+(\.\d+)?/g, '#');
  const entry = map.get(wording);
  if (entry) entry.count++;
  else if (map.size < DETAILS_PER_SYMPTOM) map.set(wording, { text, count: 1 });
  else {
    const other = map.get('\u0000other') ?? { text: '(other details)', count: 0 };
    other.count++;
    map.set('\u0000other', other);
  }
}

function byCount(map: Map<string, { text: string; count: number }>): Array<{ text: string; count: number }> {
  return [...map.values()].sort((a, b) => b.count - a.count);
}

function mergePairs(cells: StripCell[]): StripCell[] {
  const out: StripCell[] = [];
  for (let i = 0; i < cells.length; i += 2) {
    const a = cells[i]!;
    const b = cells[i + 1];
    if (!b) {
      out.push(a);
      continue;
    }
    out.push({
      trials: a.trials + b.trials,
      failures: a.failures + b.failures,
      errors: a.errors + b.errors,
      symptom: b.failures > a.failures ? b.symptom : a.symptom === 'ok' ? b.symptom : a.symptom,
      firstSeq: a.firstSeq,
    });
  }
  return out;
}

function finite(n: number | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) ? n : 0;
}
