/**
 * The engines behind slow USB links on the simulated bench (real emulators, relays, cables and ports): latency is
 * not a fault of the board, so the fault-free bench passes with an FTDI-like 16 ms latency timer on a hub plus 4 ms
 * on the port, and with 50 ms each way (50 + 50 on the simulated adapter, which delays one direction only).
 */
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { expect } from 'chai';
import type { TrialRecord } from '../../harness/core/record.js';
import { VirtualClock } from '../../harness/core/virtual-clock.js';
import { runBench } from '../../harness/runner/run.js';
import { simulatedWorld } from '../../harness/sim/world.js';
import { slowLinkBench } from '../../bench/lib/rigs.js';
import { busyFor } from '../link/busy-loop.js';

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

/**
 * The MT6580 (watchdog 1.5 s) behind 50 ms each way, on the real clock, with the host held up (a synchronous busy
 * loop, as on a loaded machine) just before the first request after GET_BL_VER leaves: the SoC's watchdog runs on
 * meanwhile, as it would on silicon, and only what the host does after the stall can still disable it.
 */
describe('a slow-linked MediaTek board on a host held up after GET_BL_VER', function () {
  this.timeout(60_000);

  async function trialHeldUpFor(stallMs: number): Promise<TrialRecord> {
    const bench = slowLinkBench(50, 50);
    const world = simulatedWorld(bench);
    holdUpAfter(world.binding, Uint8Array.of(0xfe), stallMs);
    const summary = await runBench(bench, { world, trialsPerDut: 1, duts: ['d7'] });
    return summary.records[0]!;
  }

  it('is no failure when the watchdog is still running after the stall: it is disabled before anything else is asked', async () => {
    // 0.85 s of 1.5 s gone: the watchdog's WRITE32 takes three round trips more, the four identity exchanges seven.
    // A pass — or host-busy, should a loaded machine hold the host up further — but never a symptom of the board.
    const r = await trialHeldUpFor(850);
    expect(r.result, `${r.symptom ?? r.reason} ${r.detail}`).to.not.equal('fail');
  });

  it('is a harness error (host-busy), not reset-mid, when the watchdog ran out while the host was held up', async () => {
    const r = await trialHeldUpFor(1600);
    expect(r.result, `${r.symptom ?? r.reason} ${r.detail}`).to.equal('error');
    expect(r.reason).to.equal('host-busy');
    // The restart is judged by the watchdog's timeout, or (when the probe saw the stall reach into the unanswered
    // request's window) by that request's miss: either way the host's, with the restart named.
    expect(r.detail).to.match(
      /^(the watchdog \(1500 ms\) ran out after [\d.]+ ms, the host having been held up for [\d.]+ ms of them: the restart seen \(.*the target restarted mid-session.*\) —|an answer awaited for [\d.]+ ms never came, but the host was held up for [\d.]+ ms of that time — what followed \(.*the target restarted mid-session.*\) is) the host's doing/,
    );
  });
});

/** Holds the event loop up for ms right before the write that follows one of `after`'s bytes. */
function holdUpAfter(binding: BindingInterface, after: Uint8Array, ms: number): void {
  const open = binding.open.bind(binding);
  binding.open = async (options) => {
    const port = await open(options);
    const write = port.write.bind(port);
    let previous: Buffer | null = null;
    port.write = async (buffer: Buffer) => {
      if (previous && Buffer.compare(previous, Buffer.from(after)) === 0) busyFor(ms);
      previous = buffer;
      return write(buffer);
    };
    return port;
  };
}
