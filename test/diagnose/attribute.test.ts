import { expect } from 'chai';
import type { TrialRecord } from '../../harness/core/record.js';
import { cellsFromRecords } from '../../harness/diagnose/cells.js';
import { diagnoseCells, hasFlags } from '../../harness/diagnose/diagnose.js';
import { baseline, trials, twelveDuts, type DutSpec } from './bench-data.js';

const NIGHT = '2026-11-20';

function diagnoseRecords(records: TrialRecord[]) {
  return diagnoseCells(cellsFromRecords(records), { rig: 'bench' });
}

function flagged(records: TrialRecord[]) {
  return diagnoseRecords(records).components.filter((c) => c.verdict === 'suspect' || c.verdict === 'bad');
}

describe('attribution', () => {
  it('a healthy bench with an even, low baseline flags nothing', () => {
    const records = twelveDuts().flatMap((d) => trials(d, NIGHT, 200, baseline(200)));
    const result = diagnoseRecords(records);
    expect(hasFlags(result)).to.equal(false);
    expect(result.components.filter((c) => c.verdict === 'suspect' || c.verdict === 'bad')).to.deep.equal([]);
    expect(result.trials).to.equal(2400);
    expect(result.failures).to.equal(24);
  });

  it('a corrupting cable is flagged, its group named, and a separating swap proposed', () => {
    const records = twelveDuts().flatMap((d) => trials(d, NIGHT, 100, d.id === 'd3' ? { corrupt: 30 } : baseline(100)));
    const flags = flagged(records);
    expect(flags.map((f) => `${f.kind} ${f.id}`)).to.deep.equal(['cable c-d3']);
    const cable = flags[0]!;
    expect(cable.confoundedWith).to.have.members(['d3', 'h1.p3', 'rb-d3']);
    expect(cable.separatingSwap).to.match(/swap cable c-d3 with cable c-d\d+/);
    expect(cable.evidence.failures).to.equal(30);
    expect(cable.evidence.symptomFit).to.equal(1);
    expect(cable.evidence.pValue).to.be.below(1e-6);
    expect(cable.evidence.summary).to.match(/30 of 100 trials failed/);
    expect(cable.action).to.match(/Replace cable c-d3/);
    // Its partners are watched, not flagged: rates cannot tell them apart.
    const dut = diagnoseRecords(records).components.find((c) => c.id === 'd3')!;
    expect(dut.verdict).to.equal('watch');
  });

  it('four DUTs on one supply all resetting mid-handshake: the supply, not four boards', () => {
    const records = twelveDuts().flatMap((d) => trials(d, NIGHT, 100, d.supply === 's2' ? { 'reset-mid': 20 } : baseline(100)));
    const result = diagnoseRecords(records);
    const flags = result.components.filter((c) => c.verdict === 'suspect' || c.verdict === 'bad');
    expect(flags.map((f) => `${f.kind} ${f.id}`)).to.deep.equal(['supply s2']);
    const d5 = result.components.find((c) => c.id === 'd5')!;
    expect(d5.verdict).to.equal('ok');
    expect(d5.explainedBy).to.deep.equal([{ id: 's2', kind: 'supply', failures: 20 }]);
  });

  it('one board failing under a shared supply is the board, not the supply', () => {
    // d6 is stuck in its application: every trial in the wrong mode.
    const records = twelveDuts().flatMap((d) => trials(d, NIGHT, 100, d.id === 'd6' ? { 'wrong-mode': 100 } : baseline(100)));
    const flags = flagged(records);
    expect(flags.map((f) => `${f.kind} ${f.id}`)).to.deep.equal(['dut d6']);
    expect(flags[0]!.action).to.match(/boot strapping/);
  });

  it('a supply whose only unexplained DUT fails is that DUT\'s part, not the supply', () => {
    // s9 feeds d1 (late in most trials: its own board, flagged first) and d2, whose port drops it.
    const duts: DutSpec[] = Array.from({ length: 8 }, (_, i) => ({ id: `d${i + 1}`, supply: i < 2 ? 's9' : `s${i}` }));
    const records = duts.flatMap((d) => trials(d, NIGHT, 100, d.id === 'd1' ? { late: 90, 'port-lost': 2 } : d.id === 'd2' ? { 'port-lost': 12 } : baseline(100)));
    expect(flagged(records).map((f) => `${f.kind} ${f.id}`)).to.have.members(['dut d1', 'port p-d2']);
  });

  it('a shared cause and a local one together are both found (explaining away)', () => {
    const records = twelveDuts().flatMap((d) => {
      // d1 is stuck in the wrong mode in every trial its hub did not drop.
      if (d.id === 'd1') return trials(d, NIGHT, 100, { 'port-lost': 25, 'wrong-mode': 75 });
      if (d.hub === 'h1') return trials(d, NIGHT, 100, { 'port-lost': 25 });
      return trials(d, NIGHT, 100, baseline(100));
    });
    const flags = flagged(records).map((f) => `${f.kind} ${f.id}`);
    expect(flags).to.have.members(['hub h1', 'dut d1']);
  });

  it('two boards of one profile both in the wrong mode: the profile', () => {
    const duts: DutSpec[] = [
      ...twelveDuts().slice(0, 10),
      { id: 'm1', supply: 's1', hub: 'h1', profile: 'mt6765' },
      { id: 'm2', supply: 's3', hub: 'h2', profile: 'mt6765' },
    ];
    const records = duts.flatMap((d) => trials(d, NIGHT, 100, d.profile === 'mt6765' ? { 'wrong-mode': 95 } : baseline(100)));
    const result = diagnoseRecords(records);
    expect(result.profiles.map((p) => p.id)).to.deep.equal(['mt6765']);
    expect(result.profiles[0]!.summary).to.match(/all 2 DUTs \(m1, m2\)/);
    const flags = result.components.filter((c) => c.verdict === 'suspect' || c.verdict === 'bad');
    expect(flags.map((f) => `${f.kind} ${f.id}`)).to.deep.equal(['profile mt6765']);
  });

  it('history: pass rate per night and the night it changed, with the cable that came that night', () => {
    const nights = ['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21'];
    const records = nights.flatMap((night) =>
      twelveDuts().flatMap((d) => {
        if (d.id !== 'd4') return trials(d, night, 60, night === '2026-11-18' ? { corrupt: 1 } : {});
        const swapped = night >= '2026-11-20';
        return trials({ ...d, cable: swapped ? 'c7' : 'c4' }, night, 60, swapped ? { corrupt: 20 } : {});
      }),
    );
    const result = diagnoseRecords(records);
    const cable = result.components.find((c) => c.id === 'c7')!;
    expect(cable.verdict).to.be.oneOf(['suspect', 'bad']);
    expect(cable.changedSince).to.equal('failing since 2026-11-20, the first night with cable c7');
    const dut = result.components.find((c) => c.id === 'd4')!;
    expect(dut.history!.map((h) => Math.round(h.passRate * 60))).to.deep.equal([60, 60, 60, 40, 40]);
    expect(dut.changedSince).to.equal('failing since 2026-11-20, the first night with cable c7');
    // The old cable has a clean record: history separates it from the new one.
    expect(result.components.find((c) => c.id === 'c4')!.verdict).to.equal('ok');
  });
});
