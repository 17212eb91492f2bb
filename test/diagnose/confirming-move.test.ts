import { expect } from 'chai';
import { loadBench } from '../../harness/config/load.js';
import { cellsFromRecords } from '../../harness/diagnose/cells.js';
import { diagnoseCells } from '../../harness/diagnose/diagnose.js';
import { FAMILY_PHYSICS } from '../../harness/families/index.js';
import { recordsOn, type Faults } from './bench-data.js';

/**
 * sim-bench.yaml: psu1 feeds d1 (stm32f103c8, read by the STM32 engine) and d2 (stm32-sync-only, a script that only
 * syncs); psu2 feeds d3 and d4 (STM32 engine); psu3 d5 (STM32) and d6 (MediaTek).
 */
describe('a browning supply: which board to move off it to confirm', () => {
  const sim = loadBench('rigs/sim-bench.yaml');

  function actionOf(faults: Faults, id: string): { verdict: string; action: string } {
    const result = diagnoseCells(cellsFromRecords(recordsOn(sim, faults)), { rig: sim.rig.id, rigConfig: sim.rig, profiles: sim.profiles, physics: FAMILY_PHYSICS });
    const c = result.components.find((x) => x.id === id)!;
    return { verdict: c.verdict, action: c.action };
  }

  it('names the board whose silence the dips and its own parts would show alike, and a healthy supply to move it to', () => {
    // d1 restarts mid-exchange (a dip's face on the STM32 engine, and not a dead board's); d2's script reads a dip as
    // silence, which is also how a dead board or an open cable shows: no sibling on psu1 reads a dip as d2 does.
    const { verdict, action } = actionOf({ d1: { 'reset-mid': 25 }, d2: { silent: 30 } }, 'psu1');
    expect(verdict).to.be.oneOf(['suspect', 'bad']);
    expect(action).to.include('move d2 to supply psu2 for a night to confirm');
    expect(action).to.include('no other board on psu1 reads a dip as d2 does, and its 30 failures (silent 30)');
  });

  it('never moves the board onto a supply that is flagged itself', () => {
    const { action } = actionOf({ d1: { 'reset-mid': 25 }, d2: { silent: 30 }, d3: { 'reset-mid': 12 }, d4: { 'reset-mid': 12 } }, 'psu1');
    expect(action).to.include('move d2 to supply psu3 for a night to confirm');
  });

  it('prefers a supply that already feeds boards to one the rig lists but nothing runs on', () => {
    // psu0 feeds no board: nothing says it works, nor that it gives what these boards need.
    const spare = structuredClone(sim);
    spare.rig.supplies.unshift({ id: 'psu0' });
    const result = diagnoseCells(cellsFromRecords(recordsOn(spare, { d1: { 'reset-mid': 25 }, d2: { silent: 30 } })), { rig: spare.rig.id, rigConfig: spare.rig, profiles: spare.profiles, physics: FAMILY_PHYSICS });
    expect(result.components.find((c) => c.id === 'psu1')!.confirmingMove).to.deep.equal({ dut: 'd2', supply: 'psu2' });
  });

  it('takes a restart on one board and silence on the other for one supply\'s dips, not for two local faults, beside another browning supply', () => {
    // d2's silence stands out most on its own; psu2's dips (d3, d4) raise hub1, which holds d1–d4, as well. One cause
    // whose usual face shows on both of psu1's boards is simpler than a dead d2 and a failing d1.
    const faults: Faults = { d1: { 'reset-mid': 25 }, d2: { silent: 30 }, d3: { 'reset-mid': 12 }, d4: { 'reset-mid': 12 } };
    const result = diagnoseCells(cellsFromRecords(recordsOn(sim, faults)), { rig: sim.rig.id, rigConfig: sim.rig, profiles: sim.profiles, physics: FAMILY_PHYSICS });
    const flagged = result.components.filter((c) => c.verdict === 'suspect' || c.verdict === 'bad').map((c) => `${c.kind} ${c.id}`);
    expect(flagged.sort()).to.deep.equal(['supply psu1', 'supply psu2']);
  });

  it('reads a board late on every trial and a sibling silent now and then as one supply, a slow ramp and dips (a known limit)', () => {
    // No one way of failing shows on both (lateness is a slow ramp's face, silence a dip's), so the way up does not
    // prefer psu3; it is still the most significant shared part, and d5's own parts fit lateness less than well.
    // They may be two local faults: the next step moves the silent MediaTek board, with no sibling of its reading.
    const result = diagnoseCells(cellsFromRecords(recordsOn(sim, { d5: { late: 100 }, d6: { silent: 30 } })), { rig: sim.rig.id, rigConfig: sim.rig, profiles: sim.profiles, physics: FAMILY_PHYSICS });
    const flagged = result.components.filter((c) => c.verdict === 'suspect' || c.verdict === 'bad');
    expect(flagged.map((c) => `${c.kind} ${c.id}`)).to.deep.equal(['supply psu3']);
    expect(flagged[0]!.confirmingMove).to.deep.equal({ dut: 'd6', supply: 'psu1' });
    expect(flagged[0]!.action).to.equal(
      "Measure supply psu3's rise time at the boards; a slow ramp delays every boot. Then move d6 to supply psu1 for a night to confirm: no other board on psu3 reads the supply's fault as d6 does, and its 30 failures (silent 30) could as well come from its own parts; if they stay with d6, they are its own.",
    );
  });

  it('names no board that is no longer on the supply: once moved, the advice is carried out', () => {
    // Night one as above; on the next night d2 runs on psu3 and passes, while psu1's dips go on restarting d1.
    const moved = structuredClone(sim);
    moved.rig.duts.find((d) => d.id === 'd2')!.supply = 'psu3';
    const records = [...recordsOn(sim, { d1: { 'reset-mid': 25 }, d2: { silent: 30 } }, '2026-11-20'), ...recordsOn(moved, { d1: { 'reset-mid': 25 } }, '2026-11-21')];
    // With the rig, which puts d2 on psu3; without it, d2's latest trials, which ran on psu3.
    for (const rigConfig of [moved.rig, undefined]) {
      const result = diagnoseCells(cellsFromRecords(records), { rig: sim.rig.id, ...(rigConfig ? { rigConfig } : {}), profiles: sim.profiles, physics: FAMILY_PHYSICS });
      const psu1 = result.components.find((c) => c.id === 'psu1')!;
      expect(psu1.verdict).to.be.oneOf(['suspect', 'bad']);
      expect(psu1.confirmingMove).to.equal(undefined);
      expect(psu1.action).to.not.include('move d2');
    }
    // Night one alone, without the rig: d2 is named, with no supply to take it to.
    const first = diagnoseCells(cellsFromRecords(records.filter((r) => r.night === '2026-11-20')), { rig: sim.rig.id, profiles: sim.profiles, physics: FAMILY_PHYSICS });
    expect(first.components.find((c) => c.id === 'psu1')!.confirmingMove).to.deep.equal({ dut: 'd2' });
  });

  it('names no board when the boards no sibling vouches for show a face of the dips their own parts would not', () => {
    // psu3: d5 (STM32 engine) and d6 (MediaTek) read a dip each its own way, so neither vouches for the other; both
    // restart mid-exchange, which a dip does and a dead board, an open cable or a relay does not.
    const { verdict, action } = actionOf({ d5: { 'reset-mid': 20 }, d6: { 'reset-mid': 25 } }, 'psu3');
    expect(verdict).to.be.oneOf(['suspect', 'bad']);
    expect(action).to.equal('Measure supply psu3 at the boards during the reset pulse (brown-out); move one of its DUTs to another supply to confirm.');
  });
});
