import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { cellsFromRecords } from '../../harness/diagnose/cells.js';
import { diagnoseCells } from '../../harness/diagnose/diagnose.js';
import { evaluate, replayEvaluation } from '../../bench/eval/evaluate.js';
import { syntheticExecutor } from '../../bench/eval/execute.js';
import { FIRST_NIGHT, followOnNights, runningSource } from '../../bench/eval/follow-on.js';
import { loadRun, saveRun, saveScenario } from '../../bench/eval/saved.js';
import { applyFault, generateScenario, type InjectedFault, type Scenario } from '../../bench/eval/scenario.js';
import { scoreDiagnosis } from '../../bench/eval/score.js';
import { carryOutSwaps, swapFlags } from '../../bench/eval/technician.js';

/** A clean seeded rig with one board that does not boot on 30 % of its trials: silent, like an open cable. */
async function deadBoardNight(seed: number) {
  const scenario: Scenario = generateScenario(seed, { faults: 0 });
  const fault: InjectedFault = { kind: 'dut', id: 'd2', key: 'deadRate', value: 0.3, targetRate: 0.3, baselineRate: 0.005 };
  applyFault(scenario.rig, fault);
  scenario.faults.push(fault);
  const records = await syntheticExecutor(scenario, { trialsPerDut: 100, night: FIRST_NIGHT });
  const diagnosis = diagnoseCells(cellsFromRecords(records), { rig: scenario.rig.id, rigConfig: scenario.rig });
  return { scenario, fault, records, diagnosis };
}

/** The next nights of a scenario, drawn by the synthetic generator on the changed rig. */
const nextNights = (s: Scenario) => runningSource(s, (changed, night) => syntheticExecutor(changed, { trialsPerDut: 100, night }));

describe("diagnosis evaluation: the nights after the report's swaps", () => {
  it('names a dead board that one night could only put in a group, once the swaps the report advises are made', async () => {
    const { scenario, fault, records, diagnosis } = await deadBoardNight(7);
    // Night one: a group flag that cannot tell the board from its cable, and says which swap would.
    const one = scoreDiagnosis(diagnosis, scenario.faults);
    expect(one.found).to.deep.equal([]);
    expect(one.unidentifiable).to.deep.equal([fault]);
    const group = swapFlags(diagnosis).find((f) => f.indistinguishableFrom?.includes('d2') || f.id === 'd2');
    expect(group?.indistinguishableFrom, 'a group flag on night one').to.not.equal(undefined);

    const after = await followOnNights(scenario, { records, diagnosis }, {}, nextNights(scenario));
    expect(after.nights.length).to.be.within(1, 2);
    // Diagnosed with night one as history, as a nightly diagnoses over its window.
    expect(after.reportNights).to.deep.equal([FIRST_NIGHT, ...after.nights.map((n) => n.night)]);
    expect(after.score.found).to.deep.equal([fault]);
    expect(after.score.falseFlags).to.deep.equal([]);
    expect(after.score.unidentifiable).to.deep.equal([]);
    // The faults moved with their parts: the follow-on nights' trials of board d2 ran on other cables and ports.
    const last = after.nights.at(-1)!;
    expect(last.records.every((r) => r.night === last.night && r.night > FIRST_NIGHT)).to.equal(true);
    expect(last.rig.duts.find((d) => d.id === 'd2')!.sim).to.deep.equal({ deadRate: 0.3 });
  });

  it("carries out the report's own swap, every move as worded, and nothing else; advice it cannot rebuild is left undone", async () => {
    const { scenario, diagnosis, records } = await deadBoardNight(8);
    const [flag] = swapFlags(diagnosis);
    expect(flag?.kind).to.equal('cable');
    const advice = flag!.separatingSwap!;
    const words = /^swap cable (\S+) with cable (\S+) \(on (\S+)\)/.exec(advice);
    expect(words, advice).to.not.equal(null);
    const [, mine, theirs] = words!;
    const ctx = { cells: cellsFromRecords(records), rig: scenario.rig };
    const { rig, swaps } = carryOutSwaps(diagnosis, ctx, scenario.rig);
    expect(swaps).to.deep.equal([{ flag: `cable ${mine}`, advice, applied: true }]);
    // Undo every move the sentence names (cables, ports, relay channels that traded boards): the rig is as it was.
    const undo = structuredClone(rig);
    const dut = (id: string) => undo.duts.find((d) => d.id === id)!;
    for (const [, a, b, partner] of advice.matchAll(/swap cable (\S+) with cable (\S+) \(on (\S+)\)/g)) {
      const home = undo.duts.find((d) => d.cable === b && d.id !== partner)!;
      [home.cable, dut(partner!).cable] = [a!, b!];
    }
    for (const [, home, partner, a, b] of advice.matchAll(/swap the ports of (\S+) and (\S+) \((\S+) ↔ (\S+)\)/g)) {
      [dut(home!).port, dut(partner!).port] = [a!, b!];
    }
    for (const [, a, home, pin, b, partner, partnerPin] of advice.matchAll(/swap relay channels (\S+) \((\S+)'s (\S+) pin\) and (\S+) \((\S+)'s (\S+) pin\)/g)) {
      dut(home!).pins[pin!]!.channel = a!;
      dut(partner!).pins[partnerPin!]!.channel = b!;
    }
    expect(rig).to.not.deep.equal(scenario.rig);
    expect(undo).to.deep.equal(scenario.rig);
    // A report whose words the diagnosis' own swap choice does not give back is not carried out.
    const reworded = { ...diagnosis, components: diagnosis.components.map((c) => (c === flag ? { ...c, separatingSwap: c.separatingSwap!.replace(theirs!, 'c999') } : c)) };
    const refused = carryOutSwaps(reworded, ctx, scenario.rig);
    expect(refused.swaps.map((s) => s.applied)).to.deep.equal([false]);
    expect(refused.rig).to.deep.equal(scenario.rig);
  });

  it('moves the board a flagged supply names to the supply it names, and no board that is not on that supply', async () => {
    const { scenario, diagnosis, records } = await deadBoardNight(9);
    const board = scenario.rig.duts.find((d) => d.id !== 'd2')!;
    const from = board.supply;
    const to = scenario.rig.supplies.find((s) => s.id !== from)!.id;
    const supplyFlag = (move: { dut: string; supply?: string }) => ({
      id: from,
      kind: 'supply' as const,
      verdict: 'suspect' as const,
      evidence: { trials: 100, failures: 30, failureRate: 0.3, poolRate: 0.005, pValue: 1e-9, ochiai: 0.5, symptoms: { silent: 30 }, symptomFit: 1, summary: '' },
      action: '',
      confirmingMove: move,
    });
    const ctx = { cells: cellsFromRecords(records), rig: scenario.rig };
    // The supply's flag alone: no swap of the same morning moves anything else.
    const withMove = { ...diagnosis, components: [supplyFlag({ dut: board.id, supply: to })] };
    const { rig, swaps } = carryOutSwaps(withMove, ctx, scenario.rig);
    expect(swaps).to.deep.equal([{ flag: `supply ${from}`, kind: 'move', advice: `move ${board.id} to supply ${to}`, applied: true }]);
    expect(rig.duts.find((d) => d.id === board.id)!.supply).to.equal(to);
    // Nothing else about the board moved.
    expect({ ...rig.duts.find((d) => d.id === board.id)!, supply: from }).to.deep.equal(board);

    const elsewhere = scenario.rig.duts.find((d) => d.supply !== from)!;
    const refused = carryOutSwaps({ ...diagnosis, components: [supplyFlag({ dut: elsewhere.id, supply: to })] }, ctx, scenario.rig);
    expect(refused.swaps.map((s) => [s.applied, s.why])).to.deep.equal([[false, `${elsewhere.id} is not on supply ${from}`]]);
    expect(refused.rig).to.deep.equal(scenario.rig);
    const nowhere = carryOutSwaps({ ...diagnosis, components: [supplyFlag({ dut: board.id })] }, ctx, scenario.rig);
    expect(nowhere.swaps.map((s) => s.why)).to.deep.equal(['it needs another supply the rig does not have']);
    expect(nowhere.rig.duts.find((d) => d.id === board.id)!.supply).to.equal(from);
  });

  it('saves the follow-on nights and replays them to the same figures; older records replay to one-night figures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-follow-on-'));
    try {
      let index = 0;
      const run = await evaluate({ faultScenarios: 6, faultFreeScenarios: 2, trialsPerDut: 60, seed: 3, execute: syntheticExecutor, onRecords: (s) => saveScenario(dir, index++, s) });
      saveRun(dir, { seed: 3, trialsPerDut: 60, profiles: [], synthetic: true, followOn: true });
      expect(run.afterSwaps, 'follow-on figures').to.not.equal(undefined);
      expect(run.afterSwaps!.nights, 'some scenario got a follow-on night').to.be.above(0);
      expect(run.afterSwaps!.faultFreeFlagged).to.equal(0);
      const { run: settings, scenarios } = loadRun(dir);
      expect(settings.followOn).to.equal(true);
      const saved = scenarios.flatMap((s) => s.followOn ?? []);
      expect(saved.length).to.equal(run.afterSwaps!.nights);
      expect(saved.every((n) => n.records.length > 0 && n.records.every((r) => r.transcript.length === 0))).to.equal(true);

      const replay = await replayEvaluation(scenarios, { trialsPerDut: 60 });
      expect(replay.afterSwaps).to.deep.equal(run.afterSwaps);
      expect(replay.faultScenarios.map((r) => r.afterSwaps!.score)).to.deep.equal(run.faultScenarios.map((r) => r.afterSwaps!.score));

      // A saved night run after other swaps than the current report advises is not used: the replay says so.
      const changed = scenarios.findIndex((s) => (s.followOn ?? []).length > 0);
      const moved = structuredClone(scenarios);
      const first = moved[changed]!.followOn![0]!;
      [first.rig.duts[0]!.cable, first.rig.duts[1]!.cable] = [first.rig.duts[1]!.cable, first.rig.duts[0]!.cable];
      const mismatched = await replayEvaluation(moved, { trialsPerDut: 60 });
      expect(mismatched.afterSwaps!.unreplayable).to.equal(1);
      expect(mismatched.faultScenarios[changed]?.afterSwaps?.nights ?? mismatched.faultFree[changed - run.faultScenarios.length]!.afterSwaps!.nights).to.deep.equal([]);

      // Records saved before follow-on nights were run: the same one-night figures, none after swaps.
      for (const file of readdirSync(dir).filter((f) => /^\d{4}-/.test(f))) {
        const { followOn: _followOn, ...old } = JSON.parse(readFileSync(join(dir, file), 'utf8'));
        writeFileSync(join(dir, file), JSON.stringify(old));
      }
      const older = await replayEvaluation(loadRun(dir).scenarios, { trialsPerDut: 60 });
      expect(older.afterSwaps).to.equal(undefined);
      expect([older.found, older.falseFlags, older.unidentifiable, older.recall]).to.deep.equal([run.found, run.falseFlags, run.unidentifiable, run.recall]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
