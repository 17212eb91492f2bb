import { expect } from 'chai';
import { cellsFromRecords } from '../../harness/diagnose/cells.js';
import { diagnoseCells } from '../../harness/diagnose/diagnose.js';
import { evaluate } from '../../harness/eval/evaluate.js';
import { syntheticExecutor } from '../../harness/eval/execute.js';
import { generateScenario } from '../../harness/eval/scenario.js';
import { scoreDiagnosis } from '../../harness/eval/score.js';
import { sprtTrialsToDetect } from '../../harness/eval/sprt.js';
import { syntheticRecords } from '../../harness/eval/synthetic.js';

describe('diagnosis evaluation', () => {
  it('generates the same scenario from the same seed, within the stated shape', () => {
    const a = generateScenario(42, { faults: 3 });
    const b = generateScenario(42, { faults: 3 });
    expect(a).to.deep.equal(b);
    expect(a.rig.duts.length).to.be.within(8, 24);
    expect(a.faults).to.have.length(3);
    for (const hub of a.rig.hubs) expect(a.rig.ports.filter((p) => p.hub === hub.id).length).to.be.within(2, 7);
    for (const supply of a.rig.supplies) expect(a.rig.duts.filter((d) => d.supply === supply.id).length).to.be.within(2, 5);
    // Every cable carries the baseline; the faults are written into the rig's sim blocks.
    expect(a.rig.cables.every((c) => (c.sim?.bitErrorRate ?? 0) > 0)).to.equal(true);
    for (const f of a.faults) expect(f.targetRate).to.be.at.least(5 * a.baselineRate);
  });

  it('scores a fault found through the group a flag names, and counts other flags as false', () => {
    const scenario = generateScenario(7, { faults: 0 });
    const records = syntheticRecords(scenario.rig, { trialsPerDut: 100 }).map((r) =>
      r.dut === 'd2' && r.seq % 3 === 0 ? { ...r, symptom: 'corrupt' as const, result: 'fail' as const } : r,
    );
    const result = diagnoseCells(cellsFromRecords(records), { rig: scenario.rig.id });
    const cable = scenario.rig.duts.find((d) => d.id === 'd2')!.cable;
    const port = scenario.rig.duts.find((d) => d.id === 'd2')!.port;
    expect(scoreDiagnosis(result, [{ kind: 'cable', id: cable, key: 'bitErrorRate', value: 0.001, targetRate: 0.3 }]).found).to.have.length(1);
    const throughGroup = scoreDiagnosis(result, [{ kind: 'port', id: port, key: 'disconnectRate', value: 0.3, targetRate: 0.3 }]);
    expect(throughGroup.foundThroughGroup).to.equal(1);
    const wrong = scoreDiagnosis(result, [{ kind: 'supply', id: 'psu1', key: 'brownoutRate', value: 0.3, targetRate: 0.3 }]);
    expect(wrong.missed).to.have.length(1);
    expect(wrong.falseFlags).to.deep.equal([`cable ${cable}`]);
  });

  it('the SPRT decides sooner on a stronger fault and never on a clean run', () => {
    const o = { p0: 0.005, p1: 0.3, alpha: 1e-5, beta: 0.05 };
    const strong = Array.from({ length: 100 }, (_, i) => i % 2 === 0);
    const weak = Array.from({ length: 100 }, (_, i) => i % 5 === 0);
    expect(sprtTrialsToDetect(strong, o)).to.be.below(sprtTrialsToDetect(weak, o)!);
    expect(sprtTrialsToDetect(Array.from({ length: 100 }, () => false), o)).to.equal(undefined);
  });

  it('fast run on synthetic records: faults found, fault-free benches unflagged', async () => {
    const summary = await evaluate({ faultScenarios: 8, faultFreeScenarios: 4, trialsPerDut: 100, seed: 1, execute: syntheticExecutor });
    expect(summary.faults).to.be.at.least(8);
    expect(summary.recall).to.be.at.least(0.9);
    expect(summary.precision).to.be.at.least(0.9);
    expect(summary.faultFreeFlagged).to.equal(0);
    // Trials to the first flag are measured, and no test with the same error rates beats the SPRT by much.
    const timed = summary.faultScenarios.flatMap((r) => r.timings).filter((t) => t.ours !== undefined);
    expect(timed.length).to.be.at.least(summary.found - 1);
    expect(summary.medianSprt).to.be.a('number');
  });
});
