import { expect } from 'chai';
import type { TrialRecord } from '../../harness/core/record.js';
import { addSample, emptyHistogram, quantile } from '../../harness/report/histogram.js';
import { collectReportData, STRIP_CELLS, summarizeDuts } from '../../harness/report/summarize.js';
import { EVIL, syntheticRecords } from './synthetic.js';

function record(dut: string, seq: number, over: Partial<TrialRecord> = {}): TrialRecord {
  return {
    runId: 'r',
    trialId: `r/${dut}/${seq}`,
    rig: 'rig',
    dut,
    seq,
    night: '2026-11-21',
    components: { dut, cable: 'c1', port: 'p1', supply: 's1', relays: [], host: 'h' },
    profile: 'prof',
    profileDigest: 'd',
    startedAt: '2026-11-21T00:00:00.000Z',
    phases: { enterMs: 1, handshakeMs: 2, identifyMs: 1, leaveMs: 1, totalMs: 5 },
    resetToFirstByteMs: 10,
    retries: 0,
    transcript: [],
    result: 'pass',
    symptom: 'ok',
    detail: '',
    ...over,
  };
}

describe('report: summarizeDuts', () => {
  it('counts passes, failures, errors and symptoms per DUT; a harness error is counted by its reason, never as a symptom', () => {
    const records = [
      record('a', 1),
      record('a', 2, { result: 'fail', symptom: 'corrupt', detail: 'expected 79, got F9', latencyMs: 16.5 }),
      record('a', 3, { result: 'error', symptom: null, reason: 'edge-late', detail: 'edge late by 120 ms', resetToFirstByteMs: null }),
      record('b', 1),
    ];
    const [a, b] = summarizeDuts(records);
    expect(a!.dut).to.equal('a');
    expect([a!.trials, a!.passes, a!.failures, a!.errors]).to.deep.equal([3, 1, 1, 1]);
    expect(a!.symptoms).to.deep.equal({ corrupt: 1 });
    expect(a!.errorReasons).to.deep.equal({ 'edge-late': 1 });
    expect(a!.errorDetails['edge-late']).to.deep.equal([{ text: 'edge late by 120 ms', count: 1 }]);
    expect(a!.strip.map((c) => [c.failures, c.errors])).to.deep.equal([[0, 0], [1, 0], [0, 1]]);
    expect(a!.details.corrupt).to.deep.equal([{ text: 'expected 79, got F9', count: 1 }]);
    expect(a!.resetToFirstByteMs.count).to.equal(2);
    expect(a!.handshakeMs.count, 'handshake time only of passing trials').to.equal(1);
    expect([a!.linkRoundTripMs.count, a!.linkRoundTripMs.max], 'the link round trip of every trial that measured one').to.deep.equal([1, 16.5]);
    expect(b!.trials).to.equal(1);
  });

  it('groups detail lines that differ only in numbers and caps the distinct ones', () => {
    const records = Array.from({ length: 30 }, (_, i) =>
      record('a', i + 1, { result: 'fail', symptom: i < 20 ? 'late' : 'flood', detail: i < 20 ? `late by ${i}.5 ms` : `flood kind ${String.fromCharCode(65 + i)}` }),
    );
    const [a] = summarizeDuts(records);
    expect(a!.details.late).to.deep.equal([{ text: 'late by 0.5 ms', count: 20 }]);
    const flood = a!.details.flood!;
    expect(flood.length).to.be.at.most(9);
    expect(flood.reduce((n, d) => n + d.count, 0)).to.equal(10);
    expect(flood.some((d) => d.text === '(other details)')).to.equal(true);
  });

  it('keeps the strip within its cap and the failures in it, in order', () => {
    const n = 10_000;
    const records = (function* () {
      for (let seq = 1; seq <= n; seq++) yield seq === 7777 ? record('a', seq, { result: 'fail', symptom: 'reset-mid' }) : record('a', seq);
    })();
    const [a] = summarizeDuts(records);
    expect(a!.strip.length).to.be.at.most(STRIP_CELLS);
    expect(a!.strip.length).to.be.greaterThan(STRIP_CELLS / 2);
    expect(a!.strip.reduce((t, c) => t + c.trials, 0)).to.equal(n);
    const failing = a!.strip.filter((c) => c.failures > 0);
    expect(failing).to.have.length(1);
    const cell = failing[0]!;
    expect(cell.symptom).to.equal('reset-mid');
    expect(cell.firstSeq).to.be.at.most(7777);
    expect(cell.firstSeq + cell.trials - 1).to.be.at.least(7777);
    const seqs = a!.strip.map((c) => c.firstSeq);
    expect(seqs).to.deep.equal([...seqs].sort((x, y) => x - y));
  });

  it('estimates quantiles from the log bins within one bin width', () => {
    const h = emptyHistogram();
    for (let i = 1; i <= 1000; i++) addSample(h, i / 10); // 0.1 … 100 ms
    const median = quantile(h, 0.5)!;
    expect(median).to.be.within(50 / 1.26, 50 * 1.26);
    expect(quantile(h, 1)).to.be.at.most(100);
    expect(h.min).to.equal(0.1);
    expect(h.max).to.equal(100);
    expect(quantile(emptyHistogram(), 0.5)).to.equal(null);
  });

  it('collects at most N failing trials per DUT and one passing sample', () => {
    const data = collectReportData(syntheticRecords(200), { failingPerDut: 3 });
    const perDut = new Map<string, number>();
    for (const t of data.failingTrials) perDut.set(t.dut, (perDut.get(t.dut) ?? 0) + 1);
    for (const n of perDut.values()) expect(n).to.be.at.most(3);
    expect(perDut.get('f103-b')).to.equal(3);
    expect(data.failingTrials.every((t) => t.result !== 'pass')).to.equal(true);
    expect(data.sampleTrial[EVIL]?.result).to.equal('pass');
    expect(Object.keys(data.sampleTrial)).to.have.length(6);
  });

  it('survives records with missing or odd fields', () => {
    const odd = record('x', 1, { result: 'fail', symptom: 'ok', phases: undefined as never, resetToFirstByteMs: Number.NaN, detail: undefined as never });
    const [x] = summarizeDuts([odd]);
    expect(x!.failures).to.equal(1);
    expect(x!.symptoms.silent, 'a failing trial without a symptom counts as silent').to.equal(1);
    expect(x!.resetToFirstByteMs.count).to.equal(0);
  });
});
