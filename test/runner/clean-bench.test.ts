/** The shipped sim bench with its planted faults removed: every trial of every shipped profile passes. */
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { runBench } from '../../harness/runner/run.js';
import { simulatedWorld } from '../../harness/sim/world.js';
import { cleanSimBench } from './sim-bench-fixture.js';

describe('runner: a fault-free simulated bench', function () {
  this.timeout(120_000);

  it('covers every shipped board profile', () => {
    const shipped = readdirSync('boards').filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
    const used = new Set(cleanSimBench().rig.duts.map((d) => d.board));
    expect([...used].sort()).to.deep.equal(shipped.sort());
  });

  it('passes every trial of every DUT, with identity, timings and a transcript', async () => {
    const bench = cleanSimBench();
    const summary = await runBench(bench, { world: simulatedWorld(bench), trialsPerDut: 3 });
    expect(summary.records).to.have.length(bench.rig.duts.length * 3);
    for (const r of summary.records) {
      expect(r.result, `${r.trialId}: ${r.symptom} ${r.detail}`).to.equal('pass');
      expect(r.symptom).to.equal('ok');
      expect(r.identity, r.trialId).to.be.an('object');
      expect(r.phases.totalMs).to.be.greaterThan(r.phases.enterMs);
      expect(r.resetToFirstByteMs, r.trialId).to.be.a('number');
      const kinds = new Set(r.transcript.map((e) => e.kind));
      expect([...kinds]).to.include.members(['edge', 'tx', 'rx']);
      const times = r.transcript.map((e) => e.t);
      expect(times, 'transcript in time order').to.deep.equal([...times].sort((a, b) => a - b));
      const components = r.components;
      const dut = bench.rig.duts.find((d) => d.id === r.dut)!;
      expect(components).to.include({ dut: dut.id, cable: dut.cable, port: dut.port, supply: dut.supply, host: bench.rig.host });
      expect(components.relays).to.have.length(Object.keys(dut.pins).length);
    }
  });

  it('records each planned edge next to when it happened', async () => {
    const bench = cleanSimBench();
    const summary = await runBench(bench, { world: simulatedWorld(bench), trialsPerDut: 1, duts: ['d1'] });
    const edges = summary.records[0]!.transcript.filter((e) => e.kind === 'edge');
    expect(edges.length).to.be.greaterThan(3);
    for (const e of edges) {
      if (e.kind !== 'edge') continue;
      expect(e.planned).to.be.a('number');
      expect(e.t).to.be.at.least(e.planned!);
    }
  });
});
