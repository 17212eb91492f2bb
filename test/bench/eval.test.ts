import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { cellsFromRecords } from '../../harness/diagnose/cells.js';
import { diagnoseCells } from '../../harness/diagnose/diagnose.js';
import { calibrate, calibrationRig, curveRateAt, strengthsFromCalibration, type Calibration, type KeyCurve } from '../../bench/eval/calibrate.js';
import { evaluate, replayEvaluation } from '../../bench/eval/evaluate.js';
import { loadRun, saveRun, saveScenario } from '../../bench/eval/saved.js';
import { loadRealRunner, runnerExecutor, syntheticExecutor, type RealRunner } from '../../bench/eval/execute.js';
import { patternScenario } from '../../bench/eval/patterns.js';
import { dutsOf, generateScenario } from '../../bench/eval/scenario.js';
import { scoreDiagnosis } from '../../bench/eval/score.js';
import { sprtTrialsToDetect } from '../../bench/eval/sprt.js';
import { FAMILY_PHYSICS } from '../../harness/families/index.js';
import { perTrial, syntheticStrengths, valueForRate } from '../../bench/eval/strengths.js';
import { syntheticRecords } from '../../bench/eval/synthetic.js';

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
    for (const f of a.faults) expect(f.targetRate).to.be.at.least(5 * f.baselineRate);
  });

  it('puts the dying board of its pattern on an STM32 the STM32 engine runs, never on a script-run one', () => {
    const sketches = [
      { id: 'stm32f103c8', pins: ['reset', 'boot0'], wrongMode: 'app', family: 'stm32', engine: 'stm32' },
      { id: 'stm32-sync-only', pins: ['reset', 'boot0'], wrongMode: 'app', family: 'stm32', engine: 'script' },
      { id: 'mt6765', pins: ['power', 'kcol0'], wrongMode: 'preloader', family: 'mediatek', engine: 'mediatek' },
    ];
    let scriptBoardsBeside = 0;
    let scenarios = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const scenario = patternScenario(seed, 'dying-board', sketches, syntheticStrengths(), 100);
      if (!scenario) continue;
      scenarios++;
      const dead = scenario.faults.find((f) => f.kind === 'dut')!;
      const supply = scenario.faults.find((f) => f.kind === 'supply')!;
      expect(scenario.rig.duts.find((d) => d.id === dead.id)!.board).to.equal('stm32f103c8');
      expect(scenario.rig.duts.find((d) => d.id === dead.id)!.supply).to.equal(supply.id);
      if (dutsOf(scenario.rig, 'supply', supply.id).some((d) => d.board === 'stm32-sync-only')) scriptBoardsBeside++;
    }
    expect(scenarios).to.be.at.least(30);
    // The rule was put to the test: script-run boards shared the dying board's supply.
    expect(scriptBoardsBeside).to.be.greaterThan(0);
  });

  it('scores strictly: only the faulty component itself is found; a flag on its group is counted apart and is false', () => {
    const scenario = generateScenario(7, { faults: 0 });
    const records = syntheticRecords(scenario.rig, { trialsPerDut: 100 }).map((r) =>
      r.dut === 'd2' && r.seq % 3 === 0 ? { ...r, symptom: 'corrupt' as const, result: 'fail' as const } : r,
    );
    const result = diagnoseCells(cellsFromRecords(records), { rig: scenario.rig.id });
    const cable = scenario.rig.duts.find((d) => d.id === 'd2')!.cable;
    const port = scenario.rig.duts.find((d) => d.id === 'd2')!.port;
    const fault = { value: 0.3, targetRate: 0.3, baselineRate: 0.005 };
    expect(scoreDiagnosis(result, [{ ...fault, kind: 'cable', id: cable, key: 'bitErrorRate' }]).found).to.have.length(1);
    const throughGroup = scoreDiagnosis(result, [{ ...fault, kind: 'port', id: port, key: 'disconnectRate' }]);
    expect(throughGroup.found).to.have.length(0);
    expect(throughGroup.missed).to.have.length(1);
    expect(throughGroup.foundThroughGroup).to.equal(1);
    expect(throughGroup.falseFlags).to.deep.equal([`cable ${cable}`]);
    expect(throughGroup.groupFlags).to.deep.equal([`cable ${cable}`]);
    const wrong = scoreDiagnosis(result, [{ ...fault, kind: 'supply', id: 'psu1', key: 'brownoutRate' }]);
    expect(wrong.missed).to.have.length(1);
    expect(wrong.falseFlags).to.deep.equal([`cable ${cable}`]);
  });

  it('counts a fault inside a group the diagnosis says no night can split as unidentifiable, neither found nor a false flag', () => {
    const scenario = generateScenario(7, { faults: 0 });
    // d2 silent on every third trial: a dead board and an open cable look the same on the same trials.
    const records = syntheticRecords(scenario.rig, { trialsPerDut: 100 }).map((r) =>
      r.dut === 'd2' && r.seq % 3 === 0 ? { ...r, symptom: 'silent' as const, result: 'fail' as const } : r,
    );
    const result = diagnoseCells(cellsFromRecords(records), { rig: scenario.rig.id });
    const d2 = scenario.rig.duts.find((d) => d.id === 'd2')!;
    const fault = { value: 0.3, targetRate: 0.3, baselineRate: 0.005 };
    for (const injected of [{ ...fault, kind: 'cable' as const, id: d2.cable, key: 'openRate' }, { ...fault, kind: 'dut' as const, id: 'd2', key: 'deadRate' }]) {
      const score = scoreDiagnosis(result, [injected]);
      expect(score.found).to.have.length(0);
      expect(score.unidentifiable).to.deep.equal([injected]);
      expect(score.falseFlags).to.deep.equal([]);
      expect(score.undecidedFlags).to.have.length(1);
    }
    // With no fault in its group, the same flag is false.
    const elsewhere = scoreDiagnosis(result, [{ ...fault, kind: 'supply', id: 'psu1', key: 'brownoutRate' }]);
    expect(elsewhere.unidentifiable).to.deep.equal([]);
    expect(elsewhere.falseFlags).to.have.length(1);
  });

  it('the SPRT decides sooner on a stronger fault and never on a clean run', () => {
    const o = { p0: 0.005, p1: 0.3, alpha: 1e-5, beta: 0.05 };
    const strong = Array.from({ length: 100 }, (_, i) => i % 2 === 0);
    const weak = Array.from({ length: 100 }, (_, i) => i % 5 === 0);
    expect(sprtTrialsToDetect(strong, o)).to.be.below(sprtTrialsToDetect(weak, o)!);
    expect(sprtTrialsToDetect(Array.from({ length: 100 }, () => false), o)).to.equal(undefined);
  });

  it('reads measured curves both ways, and says when a rate is out of reach', () => {
    // A per-bit key over an exposure of 300 bits, measured exactly at each grid value.
    const points = [1e-5, 1e-4, 1e-3, 3e-3].map((value) => ({ value, trials: 1000, failures: Math.round(1000 * perTrial(value, 300)) }));
    const curve: KeyCurve = { profile: 'p', kind: 'cable', key: 'bitErrorRate', points };
    const calibration: Calibration = { curves: [curve], baselines: [{ profile: 'p', bitErrorRate: 1e-5, trials: 1000, failures: 3 }], baselineBitErrorRate: 1e-5, trials: 4000 };
    const strengths = strengthsFromCalibration(calibration);
    const value = valueForRate(strengths, ['p'], curve, 0.3)!;
    expect(value).to.be.closeTo(1 - Math.pow(0.7, 1 / 300), 2e-4);
    expect(curveRateAt(curve, value)).to.be.closeTo(0.3, 0.01);
    expect(strengths.baselineRate('p')).to.be.closeTo(0.0035, 1e-4);
    // The highest measured point fails 59 %: 90 % is out of reach, as is anything for a key that never failed.
    expect(valueForRate(strengths, ['p'], curve, 0.9)).to.equal(undefined);
    const flat: KeyCurve = { profile: 'p', kind: 'relay', key: 'stuckRate', pin: 'boot1', points: [{ value: 0.9, trials: 100, failures: 0 }] };
    expect(valueForRate(strengthsFromCalibration({ ...calibration, curves: [flat] }), ['p'], flat, 0.1)).to.equal(undefined);
  });

  it('gives every calibration slot components of its own, with only its own fault', () => {
    const profile = { id: 'stm32f103c8', pins: ['reset', 'boot0'], wrongMode: 'app' as const };
    const rig = calibrationRig('cal', profile, [
      { probe: { kind: 'supply', key: 'brownoutRate' }, value: 0.4 },
      { probe: { kind: 'relay', key: 'stuckRate', pin: 'boot0' }, value: 0.2 },
      { value: 1e-5 },
    ]);
    expect(new Set(rig.duts.map((d) => d.supply)).size).to.equal(3);
    expect(new Set(rig.duts.flatMap((d) => Object.values(d.pins).map((p) => p.channel))).size).to.equal(6);
    expect(rig.supplies[0]!.sim).to.deep.equal({ brownoutRate: 0.4 });
    expect(rig.supplies[1]!.sim).to.equal(undefined);
    const boot0 = rig.duts[1]!.pins['boot0']!.channel;
    expect(rig.relays.flatMap((b) => b.channels).filter((c) => c.sim).map((c) => c.id)).to.deep.equal([boot0]);
    expect(rig.cables.map((c) => c.sim)).to.deep.equal([undefined, undefined, { bitErrorRate: 1e-5 }]);
  });

  it('takes every emulated family into the runner, each with the mode its boards can be stuck in', async () => {
    const runner = await loadRealRunner(['stm32f103c8', 'mt6765', 'esp32-devkitc']);
    expect(Object.fromEntries(runner.sketches.map((s) => [s.id, s.wrongMode]))).to.deep.equal({ 'esp32-devkitc': 'app', mt6765: 'preloader', 'stm32f103c8': 'app' });
    // An ESP32 stuck in its application is a wrong-mode trial, as the `dut.mode` fault of a scenario means it.
    const esp32 = runner.sketches.find((s) => s.id === 'esp32-devkitc')!;
    const rig = calibrationRig('esp32-mode', esp32, [{ value: 0 }]);
    rig.duts[0]!.sim = { mode: esp32.wrongMode };
    const records = await runner.run(rig, { trialsPerDut: 3, night: '2026-01-01', seed: 1 });
    expect(records.map((r) => r.symptom)).to.deep.equal(['wrong-mode', 'wrong-mode', 'wrong-mode']);
  });

  it('fast run on synthetic records: faults found, fault-free benches unflagged', async () => {
    const summary = await evaluate({ faultScenarios: 8, faultFreeScenarios: 4, trialsPerDut: 100, seed: 1, execute: syntheticExecutor });
    expect(summary.faults).to.be.at.least(8);
    // Scored strictly (the faulty part itself): what is left is a board silent on some trials — a dead board, an
    // open cable or a reset relay that did not move, which nothing in one night's trials tells apart; the diagnosis
    // says so, and the score counts them apart.
    expect(summary.identifiableRecall).to.be.at.least(0.8);
    expect(summary.precision).to.be.at.least(0.8);
    for (const r of summary.faultScenarios) for (const m of r.score.missed) expect(r.score.unidentifiable, `${m.kind}.${m.key}`).to.include(m);
    expect(summary.faultFreeFlagged).to.equal(0);
    const timed = summary.faultScenarios.flatMap((r) => r.timings).filter((t) => t.ours !== undefined);
    expect(timed.length).to.be.at.least(summary.found - 1);
    expect(summary.medianSprt).to.be.a('number');
  });

  it('saves every scenario of a run and replays it to the same summary, without running anything again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-saved-'));
    try {
      let index = 0;
      const options = { faultScenarios: 3, faultFreeScenarios: 2, trialsPerDut: 40, seed: 5, execute: syntheticExecutor };
      const run = await evaluate({ ...options, onRecords: (saved) => saveScenario(dir, index++, saved) });
      saveRun(dir, { seed: 5, trialsPerDut: 40, profiles: [], synthetic: true });
      const { run: settings, scenarios } = loadRun(dir);
      expect(settings.trialsPerDut).to.equal(40);
      expect(scenarios.map((s) => s.role)).to.deep.equal(['fault', 'fault', 'fault', 'fault-free', 'fault-free']);
      expect(scenarios.every((s) => s.records.every((r) => r.transcript.length === 0))).to.equal(true);
      const replay = await replayEvaluation(scenarios, { trialsPerDut: 40 });
      const figures = (s: typeof run) => ({ ...s, faultScenarios: s.faultScenarios.map((r) => r.score), faultFree: s.faultFree.map((r) => r.score), patterns: [] });
      expect(JSON.parse(JSON.stringify(figures(replay)))).to.deep.equal(JSON.parse(JSON.stringify(figures(run))));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('on the real runner (simulated time)', () => {
    let runner: RealRunner;
    let calibration: Calibration;

    before(async () => {
      setMaxListeners(200);
      runner = await loadRealRunner(['stm32f030r8', 'mt6765']);
      calibration = await calibrate((rig, o) => runner.run(rig, o), runner.sketches, { trialsPerValue: 30, baselineTrials: 200, seed: 3 });
    });

    it('calibrates every fault key of every profile from real trials', () => {
      expect(calibration.curves.length).to.equal(2 * 7 + 2 + 2);
      for (const curve of calibration.curves) {
        const strongest = curve.points.reduce((a, b) => (b.value > a.value ? b : a));
        // Every key can make its component fail: the strongest value tried fails a good share of the trials.
        expect(strongest.failures / strongest.trials, `${curve.profile} ${curve.kind}.${curve.key} ${curve.pin ?? ''}`).to.be.above(0.2);
      }
      // A real, non-zero baseline from the cables' bit errors, far below the faults.
      const base = calibration.baselines.reduce((n, b) => n + b.failures, 0) / calibration.baselines.reduce((n, b) => n + b.trials, 0);
      expect(base).to.be.above(0).and.below(0.02);
    });

    it('finds the faults of a few scenarios and flags nothing on clean benches', async () => {
      const strengths = strengthsFromCalibration(calibration);
      const summary = await evaluate({
        faultScenarios: 3,
        faultFreeScenarios: 2,
        trialsPerDut: 100,
        seed: 1,
        execute: runnerExecutor(runner),
        profiles: runner.sketches,
        strengths,
        boards: { physics: FAMILY_PHYSICS, profiles: runner.profiles },
        // The scenarios' own nights: the nights after the swaps are tested on synthetic trials (eval-follow-on).
        followOnNights: 0,
      });
      for (const r of summary.faultScenarios) {
        // The faults were injected at a strength the calibration says gives ≥ 5× the baseline.
        for (const f of r.scenario.faults) {
          if (typeof f.value !== 'number') continue;
          const duts = dutsOf(r.scenario.rig, f.kind, f.id);
          const boards = duts.map((d) => d.board);
          const pin = Object.entries(duts[0]!.pins).find(([, w]) => w.channel === f.id)?.[0];
          const probe = { kind: f.kind === 'hub' ? ('port' as const) : (f.kind as 'cable'), key: f.key, ...(f.kind === 'relay' ? { pin } : {}) };
          const rate = boards.reduce((s, b) => s + strengths.rateAt(b, probe, f.value as number), 0) / boards.length;
          expect(rate).to.be.closeTo(f.targetRate, 0.01);
          expect(rate).to.be.at.least(5 * f.baselineRate);
        }
        expect(r.trials).to.equal(r.scenario.rig.duts.length * 100);
      }
      expect(summary.faults).to.equal(6);
      // Scored strictly: a fault no night can tell from its group (an open cable, silent like a dead board) is not
      // found, and the diagnosis says so; at most one other fault is missed.
      const plainMisses = summary.faultScenarios.flatMap((r) => r.score.missed.filter((m) => !r.score.unidentifiable.includes(m)));
      expect(plainMisses.length, plainMisses.map((m) => `${m.kind} ${m.id}`).join(', ')).to.be.at.most(1);
      expect(summary.falseFlags).to.be.at.most(plainMisses.length);
      expect(summary.faultFreeFlagged).to.equal(0);
      expect(summary.measuredBaselineRate).to.be.above(0);
    });
  });

  it('the synthetic model inverts exactly', () => {
    const strengths = syntheticStrengths();
    for (const key of ['bitErrorRate', 'dropRate', 'openRate']) {
      const v = valueForRate(strengths, ['x'], { kind: 'cable', key }, 0.25)!;
      expect(strengths.rateAt('x', { kind: 'cable', key }, v)).to.be.closeTo(0.25, 1e-6);
    }
  });
});
