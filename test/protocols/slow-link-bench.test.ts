/**
 * The engines behind slow USB links on the simulated bench (real emulators, relays, cables and ports): latency is
 * not a fault of the board, so the fault-free bench passes with an FTDI-like 16 ms latency timer on a hub plus 4 ms
 * on the port, and with 50 ms each way (50 + 50 on the simulated adapter, which delays one direction only).
 */
import { expect } from 'chai';
import { VirtualClock } from '../../harness/core/virtual-clock.js';
import { runBench } from '../../harness/runner/run.js';
import { simulatedWorld } from '../../harness/sim/world.js';
import { slowLinkBench } from '../../bench/lib/rigs.js';

const MEDIATEK = ['d6', 'd7', 'd8'];

describe('engines behind slow USB links on the simulated bench', function () {
  this.timeout(120_000);

  for (const [hubMs, portMs] of [
    [16, 4],
    [50, 50],
  ] as const) {
    it(`every MediaTek trial passes with ${hubMs} ms on the hub and ${portMs} ms on the port, its round trip recorded`, async () => {
      const bench = slowLinkBench(hubMs, portMs);
      const summary = await runBench(bench, { world: simulatedWorld(bench, { clock: new VirtualClock() }), trialsPerDut: 3, duts: MEDIATEK });
      expect(summary.records).to.have.length(MEDIATEK.length * 3);
      for (const r of summary.records) {
        expect(r.result, `${r.trialId} (${r.profile}): ${r.symptom} ${r.detail}`).to.equal('pass');
        expect(r.latencyMs, r.trialId).to.be.within(hubMs + portMs, hubMs + portMs + 1);
        expect(r.transcript.some((e) => e.kind === 'note' && e.text.startsWith('link round trip'))).to.equal(true);
      }
    });
  }

  it('every STM32 trial passes with 50 ms each way too', async () => {
    const duts = ['d1', 'd2', 'd3', 'd4', 'd5'];
    const bench = slowLinkBench(50, 50);
    const summary = await runBench(bench, { world: simulatedWorld(bench, { clock: new VirtualClock() }), trialsPerDut: 2, duts });
    for (const r of summary.records) {
      expect(r.result, `${r.trialId} (${r.profile}): ${r.symptom} ${r.detail}`).to.equal('pass');
      expect(r.latencyMs, r.trialId).to.be.within(100, 101);
    }
  });
});
