/** The benchmarks' helpers: statistics, the physical floor of a trial, generated rigs, the store synthesiser. */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { edgesAfterWait, timingErrors, trailingWaitMs } from '../../bench/b2-timing.js';
import { detectOnce } from '../../bench/b6-detection.js';
import { stm32Fleet, soloBench, stm32DutIds } from '../../bench/lib/rigs.js';
import { median, quantile } from '../../bench/lib/stats.js';
import { nightsFrom, synthesiseStore } from '../../bench/lib/synth-store.js';
import { trialFloorMs, wireBytes, wireMs } from '../../bench/lib/wire.js';
import type { TrialRecord } from '../../harness/core/record.js';
import { refsOf } from '../../harness/diagnose/cells.js';
import { runBench, componentsOf } from '../../harness/runner/run.js';
import { simulatedWorld } from '../../harness/sim/world.js';
import { openStore } from '../../harness/store/index.js';

function record(transcript: TrialRecord['transcript']): TrialRecord {
  return {
    runId: 'r', trialId: 'r/d1/1', rig: 'x', dut: 'd1', seq: 1, night: '2026-01-01',
    components: { dut: 'd1', cable: 'c1', port: 'p1', supply: 's1', relays: [], host: 'h' },
    profile: 'p', profileDigest: 'p', startedAt: '', resetToFirstByteMs: null, retries: 0, result: 'pass', symptom: 'ok', detail: '',
    phases: { enterMs: 0, handshakeMs: 0, identifyMs: 0, leaveMs: 0, totalMs: 0 },
    transcript,
  };
}

describe('bench helpers', () => {
  it('quantile is nearest-rank, median averages the middle pair', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(quantile(values, 0.99)).to.equal(99);
    expect(quantile(values, 1)).to.equal(100);
    expect(quantile([5], 0.5)).to.equal(5);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
    expect(Number.isNaN(quantile([], 0.5))).to.equal(true);
  });

  it('counts wire bytes of tx and rx events only, and times them by the frame', () => {
    const r = record([
      { t: 0, kind: 'edge', pin: 'reset', active: true, planned: 0 },
      { t: 1, kind: 'tx', data: '7F' },
      { t: 2, kind: 'rx', data: '79 0B 22' },
      { t: 3, kind: 'note', text: '79 79' },
    ]);
    expect(wireBytes(r)).to.equal(4);
    // 8E1 is 11 bits: 4 bytes at 115200 baud.
    expect(wireMs(4, { baudRate: 115200, dataBits: 8, parity: 'even', stopBits: 1 })).to.be.closeTo((44 * 1000) / 115200, 1e-9);
    const bench = soloBench('d1');
    const profile = bench.profiles.get('stm32f103c8')!;
    // enter: pulse 10 + wait 120; leave: pulse 10.
    expect(trialFloorMs(r, profile, profile.protocol.serial)).to.be.closeTo(140 + (44 * 1000) / 115200, 1e-9);
  });

  it('measures each edge against its own plan and the first send from the real last enter edge', () => {
    const bench = soloBench('d1');
    const profile = bench.profiles.get('stm32f103c8')!;
    expect(trailingWaitMs(profile.enter)).to.equal(120);
    // enter: set boot0 + boot1, pulse reset (10 ms), wait 120; leave: set boot0, pulse reset (10 ms).
    expect(edgesAfterWait(profile.enter)).to.deep.equal([false, false, false, true]);
    expect(edgesAfterWait(profile.leave)).to.deep.equal([false, false, true]);
    const r = record([
      { t: 1_000, kind: 'edge', pin: 'boot0', active: true, planned: 1_000 },
      { t: 1_000, kind: 'edge', pin: 'boot1', active: false, planned: 1_000 },
      { t: 1_500, kind: 'edge', pin: 'reset', active: true, planned: 1_000 },
      // The reset release left 0.4 ms late; the 120 ms wait counts from there, so the send was due at 131.4 ms.
      { t: 11_400, kind: 'edge', pin: 'reset', active: false, planned: 11_000 },
      { t: 131_900, kind: 'tx', data: '7F' },
      { t: 140_000, kind: 'edge', pin: 'boot0', active: false, planned: 140_000 },
      { t: 140_100, kind: 'edge', pin: 'reset', active: true, planned: 140_000 },
      { t: 152_100, kind: 'edge', pin: 'reset', active: false, planned: 150_100 },
    ]);
    const errors = timingErrors(r, profile);
    expect(errors.edges).to.deep.equal([0, 0, 0.5, 0.4, 0, 0.1, 2]);
    expect(errors.timed).to.deep.equal([0.4, 2]);
    expect(errors.send).to.be.closeTo(0.5, 1e-9);
  });

  it('leaves out which edges a timer released when a trial stopped mid-sequence', () => {
    const profile = soloBench('d1').profiles.get('stm32f103c8')!;
    const r = record([
      { t: 1_000, kind: 'edge', pin: 'boot0', active: true, planned: 1_000 },
      { t: 300_000, kind: 'edge', pin: 'reset', active: true, planned: 1_000 },
    ]);
    const errors = timingErrors(r, profile);
    expect(errors.edges).to.deep.equal([0, 299]);
    expect(errors.timed).to.deep.equal([]);
    expect(errors.send).to.equal(undefined);
  });

  it('builds fleets of STM32 DUTs with their own cables, ports and relay channels, that run', async function () {
    this.timeout(20_000);
    const fleet = stm32Fleet(16);
    const { rig } = fleet;
    expect(rig.duts).to.have.length(16);
    const channels = rig.duts.flatMap((d) => Object.values(d.pins).map((p) => p.channel));
    expect(new Set(channels).size).to.equal(channels.length);
    const known = new Set(rig.relays.flatMap((b) => b.channels.map((c) => c.id)));
    for (const c of channels) expect(known.has(c), c).to.equal(true);
    expect(new Set(rig.duts.map((d) => d.cable)).size).to.equal(16);
    expect(new Set(rig.duts.map((d) => d.port)).size).to.equal(16);
    expect(rig.nightly.concurrency).to.equal(16);
    const small = stm32Fleet(3);
    const summary = await runBench(small, { world: simulatedWorld(small), trialsPerDut: 1 });
    expect(summary.records.map((r) => r.symptom)).to.deep.equal(['ok', 'ok', 'ok']);
    expect(stm32DutIds()).to.include.members(['d1', 'd2']);
    expect(soloBench('d3').rig.duts.map((d) => d.id)).to.deep.equal(['d3']);
  });

  it('synthesises a store of the asked size over the asked nights, with the planted faults flagged', async function () {
    this.timeout(20_000);
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-bench-test-'));
    try {
      const file = join(dir, 'trials.db');
      const bench = stm32Fleet(24);
      const result = await synthesiseStore({ file, bench, nights: 3, records: 24 * 3 * 40 });
      expect(result.records).to.equal(2880);
      expect(result.nights).to.deep.equal(nightsFrom('2026-01-01', 3));
      const store = await openStore(file);
      try {
        expect(await store.nights(bench.rig.id)).to.deep.equal(result.nights);
        const counts = await store.symptomCounts({ rig: bench.rig.id });
        expect(counts.reduce((n, c) => n + c.count, 0)).to.equal(2880);
        const c5 = counts.filter((c) => c.cable === 'c5');
        expect(c5.some((c) => c.symptom === 'corrupt')).to.equal(true);
        const run = await store.findRun({ rig: bench.rig.id, night: '2026-01-03' });
        expect(run?.status).to.equal('completed');
        let events = 0;
        for await (const r of store.trialsFor({ rig: bench.rig.id, runId: run!.id, transcripts: true })) {
          events = r.transcript.length;
          break;
        }
        expect(events).to.be.greaterThan(5);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('times the first correct flag of a bad cable and the SPRT on the same outcomes', () => {
    const full = stm32Fleet(8);
    const components = new Map(full.rig.duts.map((d) => [d.id, componentsOf(full, d, Object.values(d.pins).map((p) => p.channel))] as const));
    const count = new Set([...components.values()].flatMap((c) => refsOf(c).map((r) => r.key))).size;
    const run = detectOnce(3, full.rig, components, count);
    expect(full.rig.cables.map((c) => c.id)).to.include(run.badCable);
    expect(run.ours).to.be.a('number');
    expect(run.sprt).to.be.a('number');
    expect(run.ours!).to.be.greaterThan(0);
  });
});
