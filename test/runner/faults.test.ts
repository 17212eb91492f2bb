/**
 * Each fault key of the simulation, injected on one component of the shipped sim bench: the trials it touches
 * show the symptom a lab engineer would expect, and every other DUT passes.
 */
import { checkFaultCase, type FaultCase } from './sim-bench-fixture.js';

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
  // A Preloader whose window closes before the handshake is through boots on and floods its log: the same wrong mode.
  { key: 'dut mode preloader', on: ['duts', 'd7', { mode: 'preloader' }], duts: ['d7', 'd8'], expected: 'wrong-mode', allowed: ['wrong-mode', 'flood'], trials: 2 },
  { key: 'dut bootloopRate', on: ['duts', 'd1', { bootloopRate: 1 }], duts: ['d1', 'd2'], expected: 'flood', allowed: ['flood'], trials: 3 },
  { key: 'dut deadRate', on: ['duts', 'd1', { deadRate: 1 }], duts: ['d1', 'd2'], expected: 'silent', allowed: ['silent'], trials: 2 },
  { key: 'dut bootDelayMs', on: ['duts', 'd1', { bootDelayMs: 300 }], duts: ['d1', 'd2'], expected: 'late', allowed: ['late'], trials: 3 },
];

describe('runner: each simulated fault gives its symptom, and only where it is', function () {
  this.timeout(120_000);

  for (const c of CASES) {
    it(`${c.key} → ${c.expected}`, () => checkFaultCase(c));
  }
});
