/**
 * Each fault key of the simulation, injected on one component of the shipped sim bench: the trials it touches
 * show the symptom a lab engineer would expect, and every other DUT passes.
 */
import { expect } from 'chai';
import type { Symptom } from '../../harness/core/record.js';
import { runBench } from '../../harness/runner/run.js';
import { simBenchWithFault } from './sim-bench-fixture.js';

interface FaultCase {
  key: string;
  on: Parameters<typeof simBenchWithFault>;
  /** The touched DUT, and one neighbour that must not suffer. */
  duts: [string, string];
  /** At least one touched trial shows this symptom… */
  expected: Symptom;
  /** …and every failing touched trial shows one of these. */
  allowed: Symptom[];
  trials: number;
}

const CASES: FaultCase[] = [
  { key: 'cable bitErrorRate', on: ['cables', 'c1', { bitErrorRate: 0.006 }], duts: ['d1', 'd2'], expected: 'corrupt', allowed: ['corrupt', 'unexpected-reply', 'late', 'silent'], trials: 6 },
  { key: 'cable dropRate', on: ['cables', 'c1', { dropRate: 0.05 }], duts: ['d1', 'd2'], expected: 'corrupt', allowed: ['corrupt', 'unexpected-reply', 'late', 'silent'], trials: 4 },
  { key: 'cable openRate', on: ['cables', 'c1', { openRate: 1 }], duts: ['d1', 'd2'], expected: 'silent', allowed: ['silent'], trials: 2 },
  { key: 'port disconnectRate', on: ['ports', 'hub1.p1', { disconnectRate: 0.6, reenumerateMs: 200 }], duts: ['d1', 'd2'], expected: 'port-lost', allowed: ['port-lost'], trials: 6 },
  { key: 'hub disconnectRate', on: ['hubs', 'hub1', { disconnectRate: 0.6, reenumerateMs: 200 }], duts: ['d1', 'd5'], expected: 'port-lost', allowed: ['port-lost'], trials: 6 },
  { key: 'supply brownoutRate', on: ['supplies', 'psu1', { brownoutRate: 0.8 }], duts: ['d1', 'd5'], expected: 'reset-mid', allowed: ['reset-mid'], trials: 5 },
  { key: 'supply brownoutRate on a MediaTek board', on: ['supplies', 'psu3', { brownoutRate: 0.8 }], duts: ['d6', 'd8'], expected: 'reset-mid', allowed: ['reset-mid', 'silent'], trials: 4 },
  { key: 'supply slowStartMs', on: ['supplies', 'psu1', { slowStartMs: 400 }], duts: ['d1', 'd5'], expected: 'late', allowed: ['late', 'silent'], trials: 3 },
  { key: 'relay stuckRate', on: ['channels', 'rb1.2', { stuckRate: 1 }], duts: ['d1', 'd2'], expected: 'wrong-mode', allowed: ['wrong-mode', 'silent'], trials: 3 },
  { key: 'dut mode app', on: ['duts', 'd1', { mode: 'app' }], duts: ['d1', 'd2'], expected: 'wrong-mode', allowed: ['wrong-mode'], trials: 2 },
  { key: 'dut mode preloader', on: ['duts', 'd7', { mode: 'preloader' }], duts: ['d7', 'd8'], expected: 'wrong-mode', allowed: ['wrong-mode'], trials: 2 },
  { key: 'dut bootloopRate', on: ['duts', 'd1', { bootloopRate: 1 }], duts: ['d1', 'd2'], expected: 'flood', allowed: ['flood'], trials: 3 },
  { key: 'dut deadRate', on: ['duts', 'd1', { deadRate: 1 }], duts: ['d1', 'd2'], expected: 'silent', allowed: ['silent'], trials: 2 },
  { key: 'dut bootDelayMs', on: ['duts', 'd1', { bootDelayMs: 300 }], duts: ['d1', 'd2'], expected: 'late', allowed: ['late'], trials: 3 },
];

describe('runner: each simulated fault gives its symptom, and only where it is', function () {
  this.timeout(120_000);

  for (const c of CASES) {
    it(`${c.key} → ${c.expected}`, async () => {
      const [touched, neighbour] = c.duts;
      const summary = await runBench(simBenchWithFault(...c.on), { trialsPerDut: c.trials, duts: c.duts, portReturnMs: 3000 });
      const mine = summary.records.filter((r) => r.dut === touched);
      const others = summary.records.filter((r) => r.dut === neighbour);
      expect(mine).to.have.length(c.trials);
      expect(others).to.have.length(c.trials);
      expect(mine.map((r) => r.symptom), 'symptoms of the touched DUT').to.include(c.expected);
      for (const r of mine.filter((r) => r.result !== 'pass')) {
        expect(c.allowed, `${r.trialId}: ${r.detail}`).to.include(r.symptom);
        expect(r.detail, 'a failing trial says why').to.not.equal('');
      }
      for (const r of others) expect(r.result, `${r.trialId}: ${r.symptom} ${r.detail}`).to.equal('pass');
    });
  }
});
