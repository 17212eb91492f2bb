/**
 * The ESP32 boards of the shipped simulated bench through the real runner: d9 strapped by its adapter's DTR/RTS
 * through the board's auto-reset circuit, d10 (S3) and d11 (C3) by relays on EN and the strap. Clean boots pass;
 * each fault key of the simulation gives the symptom a lab engineer would expect, on the touched board only.
 */
import { expect } from 'chai';
import { runBench } from '../../../harness/runner/run.js';
import { simulatedWorld } from '../../../harness/sim/world.js';
import { checkFaultCase, cleanSimBench, type FaultCase } from '../../runner/sim-bench-fixture.js';

const CASES: FaultCase[] = [
  { key: 'cable bitErrorRate', on: ['cables', 'c10', { bitErrorRate: 0.004 }], duts: ['d10', 'd11'], expected: 'corrupt', allowed: ['corrupt', 'late'], trials: 6 },
  { key: 'cable dropRate', on: ['cables', 'c10', { dropRate: 0.03 }], duts: ['d10', 'd11'], expected: 'corrupt', allowed: ['corrupt', 'late'], trials: 5 },
  { key: 'cable openRate', on: ['cables', 'c11', { openRate: 1 }], duts: ['d11', 'd10'], expected: 'silent', allowed: ['silent'], trials: 2 },
  { key: 'port disconnectRate', on: ['ports', 'hub3.p2', { disconnectRate: 0.7, reenumerateMs: 200 }], duts: ['d10', 'd11'], expected: 'port-lost', allowed: ['port-lost'], trials: 4 },
  { key: 'port latencyMs', on: ['ports', 'hub3.p3', { latencyMs: 450 }], duts: ['d11', 'd10'], expected: 'late', allowed: ['late'], trials: 2 },
  { key: 'supply brownoutRate (DTR/RTS)', on: ['supplies', 'psu5', { brownoutRate: 1 }], duts: ['d9', 'd2'], expected: 'reset-mid', allowed: ['reset-mid'], trials: 3 },
  { key: 'supply slowStartMs', on: ['supplies', 'psu5', { slowStartMs: 500 }], duts: ['d11', 'd2'], expected: 'late', allowed: ['late'], trials: 2 },
  { key: 'relay stuckRate on the strap', on: ['channels', 'rb3.2', { stuckRate: 1 }], duts: ['d10', 'd11'], expected: 'wrong-mode', allowed: ['wrong-mode'], trials: 2 },
  { key: 'dut mode app (DTR/RTS)', on: ['duts', 'd9', { mode: 'app' }], duts: ['d9', 'd11'], expected: 'wrong-mode', allowed: ['wrong-mode'], trials: 2 },
  { key: 'dut bootloopRate', on: ['duts', 'd11', { bootloopRate: 1 }], duts: ['d11', 'd10'], expected: 'flood', allowed: ['flood'], trials: 2 },
  { key: 'dut deadRate', on: ['duts', 'd10', { deadRate: 1 }], duts: ['d10', 'd11'], expected: 'silent', allowed: ['silent'], trials: 2 },
  { key: 'dut bootDelayMs (DTR/RTS)', on: ['duts', 'd9', { bootDelayMs: 500 }], duts: ['d9', 'd11'], expected: 'late', allowed: ['late'], trials: 2 },
];

describe('esp32 boards on the simulated bench (runner, emulator, DTR/RTS circuit and relays)', function () {
  this.timeout(120_000);

  it('clean boots pass on all three, strapped both ways, with the identity each board reports', async () => {
    const bench = cleanSimBench();
    const summary = await runBench(bench, { world: simulatedWorld(bench), trialsPerDut: 3, duts: ['d9', 'd10', 'd11'] });
    for (const r of summary.records) expect(r.result, `${r.trialId}: ${r.symptom} ${r.detail}`).to.equal('pass');
    const identity = (dut: string) => summary.records.find((r) => r.dut === dut)!.identity;
    expect(identity('d9')).to.deep.equal({ magic: 0x00f01d83, mac: '24:0a:c4:5e:10:2c' });
    expect(identity('d10')).to.deep.equal({ chipId: 9, mac: '7c:df:a1:e2:4b:90' });
    expect(identity('d11')).to.deep.equal({ chipId: 5, mac: '58:cf:79:0a:31:e4' });
    // d9's reset went through its adapter's lines: EN (RTS) and GPIO0 (DTR) edges on a9.
    const edges = summary.records.find((r) => r.dut === 'd9')!.transcript.filter((e) => e.kind === 'edge');
    expect(edges.map((e) => (e as { channel: string }).channel)).to.include.members(['a9.rts', 'a9.dtr']);
  });

  for (const c of CASES) {
    it(`${c.key} → ${c.expected}`, () => checkFaultCase(c));
  }
});
