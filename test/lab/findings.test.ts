/** The lab-wide findings over rigs' cells: profiles failing on several rigs, parts failing wherever they go. */
import { expect } from 'chai';
import { CellBuilder, diagnoseCells } from '../../harness/diagnose/index.js';
import type { Symptom, TrialComponents } from '../../harness/core/record.js';
import { labFindings, type RigCells } from '../../harness/report/lab/findings.js';

interface Line {
  dut: string;
  cable: string;
  supply?: string;
  profile?: string;
  trials: number;
  fails?: number;
  symptom?: Symptom;
}

/** A rig's cells over one night, one line per DUT, diagnosed as the lab page does. */
function rig(id: string, lines: Line[]): RigCells {
  const builder = new CellBuilder();
  for (const l of lines) {
    const c: TrialComponents = { dut: l.dut, cable: l.cable, port: `${id}.p-${l.dut}`, supply: l.supply ?? `${id}-psu-${l.dut}`, relays: [`${id}.rb.${l.dut}`], host: id };
    const fails = l.fails ?? 0;
    if (l.trials - fails > 0) builder.add('2026-11-20', l.profile ?? 'stm32f1', c, 'ok', l.trials - fails);
    if (fails > 0) builder.add('2026-11-20', l.profile ?? 'stm32f1', c, l.symptom ?? 'corrupt', fails);
  }
  const cells = builder.build();
  return { rig: id, cells, diagnosis: diagnoseCells(cells, { rig: id }) };
}

const healthy = (prefix: string, n: number, profile?: string): Line[] =>
  Array.from({ length: n }, (_, i) => ({ dut: `${prefix}${i}`, cable: `${prefix}c${i}`, trials: 400, fails: i === 0 ? 1 : 0, profile }));

describe('lab: findings across rigs', () => {
  it('a cable that fails on every bench it visited is the cable itself', () => {
    const a = rig('bench-a', [...healthy('a', 8), { dut: 'a-x', cable: 'C-17', trials: 400, fails: 40 }]);
    const b = rig('bench-b', [...healthy('b', 8), { dut: 'b-x', cable: 'C-17', trials: 400, fails: 36 }]);
    const findings = labFindings([a, b]);
    expect(findings.map((f) => [f.kind, f.component.kind, f.component.id])).to.deep.equal([['component', 'cable', 'C-17']]);
    expect(findings[0]!.sentence).to.match(/^Cable C-17 fails on every bench it visited \(2 rigs, mostly corrupt\): bench-a 10\.0% of 400 .*It is the cable itself/);
    expect(findings[0]!.evidence.map((e) => [e.rig, e.elevated])).to.deep.equal([['bench-a', true], ['bench-b', true]]);
  });

  it('a board its rigs cannot tell from its cable there (one flag naming both) is the board, once it fails on every bench', () => {
    // Silent on both benches, each time with another cable: no rig alone can part board and cable, the lab can.
    const a = rig('bench-a', [...healthy('a', 8), { dut: 'D-9', cable: 'a-c9', trials: 400, fails: 40, symptom: 'silent' }]);
    const b = rig('bench-b', [...healthy('b', 8), { dut: 'D-9', cable: 'b-c9', trials: 400, fails: 36, symptom: 'silent' }]);
    const named = a.diagnosis.components.filter((c) => (c.verdict === 'suspect' || c.verdict === 'bad') && (c.id === 'D-9' || c.indistinguishableFrom?.includes('D-9')));
    expect(named, 'the rig flags the board or a group naming it').to.have.length(1);
    expect(labFindings([a, b]).map((f) => [f.component.kind, f.component.id])).to.deep.equal([['dut', 'D-9']]);
  });

  it('a cable that fails on one bench only is that bench’s problem: no lab-wide finding', () => {
    const a = rig('bench-a', [...healthy('a', 8), { dut: 'a-x', cable: 'C-17', trials: 400, fails: 40 }]);
    const b = rig('bench-b', [...healthy('b', 8), { dut: 'b-x', cable: 'C-17', trials: 400, fails: 0 }]);
    expect(labFindings([a, b])).to.deep.equal([]);
  });

  it('a short visit clears nothing: failing on two benches and barely tried on a third is still the cable', () => {
    const a = rig('bench-a', [...healthy('a', 8), { dut: 'a-x', cable: 'C-17', trials: 400, fails: 40 }]);
    const b = rig('bench-b', [...healthy('b', 8), { dut: 'b-x', cable: 'C-17', trials: 400, fails: 36 }]);
    const c = rig('bench-c', [...healthy('c', 8), { dut: 'c-x', cable: 'C-17', trials: 3, fails: 0 }]);
    expect(labFindings([a, b, c]).map((f) => f.component.id)).to.deep.equal(['C-17']);
    const cleared = rig('bench-c', [...healthy('c', 8), { dut: 'c-x', cable: 'C-17', trials: 400, fails: 0 }]);
    expect(labFindings([a, b, cleared])).to.deep.equal([]);
  });

  it('a profile whose boards fail broadly on several rigs is the profile or its firmware, not hardware', () => {
    const failing = (prefix: string): Line[] =>
      Array.from({ length: 4 }, (_, i) => ({ dut: `${prefix}f${i}`, cable: `${prefix}fc${i}`, profile: 'mt6580', trials: 200, fails: 30 + i, symptom: 'wrong-mode' as Symptom }));
    const a = rig('bench-a', [...healthy('a', 6), ...failing('a')]);
    const b = rig('bench-b', [...healthy('b', 6), ...failing('b')]);
    const c = rig('bench-c', [...healthy('c', 6), ...healthy('cm', 4, 'mt6580')]);
    const findings = labFindings([a, b, c]).filter((f) => f.kind === 'profile');
    expect(findings.map((f) => f.component.id)).to.deep.equal(['mt6580']);
    expect(findings[0]!.sentence).to.match(/^Profile mt6580 fails on 2 of the 3 rigs that run it \(mostly wrong-mode\)/);
    expect(findings[0]!.evidence.map((e) => [e.rig, e.elevated, e.failingDuts, e.duts])).to.deep.equal([
      ['bench-a', true, 4, 4],
      ['bench-b', true, 4, 4],
      ['bench-c', false, 0, 4],
    ]);
  });

  it('one bad board of a profile on each of two rigs is no profile finding', () => {
    const mixed = (prefix: string): Line[] => [
      { dut: `${prefix}m0`, cable: `${prefix}mc0`, profile: 'mt6580', trials: 200, fails: 60, symptom: 'wrong-mode' },
      ...healthy(`${prefix}m`, 3, 'mt6580').map((l) => ({ ...l, dut: `${l.dut}x`, cable: `${l.cable}x` })),
    ];
    const findings = labFindings([rig('bench-a', [...healthy('a', 6), ...mixed('a')]), rig('bench-b', [...healthy('b', 6), ...mixed('b')])]);
    expect(findings.filter((f) => f.kind === 'profile')).to.deep.equal([]);
  });
});
