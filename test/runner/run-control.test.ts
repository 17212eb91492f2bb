/** How a run stops: before it starts, when its store fails, and on a DUT whose adapter lines are its relays. */
import { expect } from 'chai';
import type { LoadedBench } from '../../harness/config/types.js';
import type { RelayBackend } from '../../harness/pins/types.js';
import { runBench } from '../../harness/runner/run.js';
import { simulatedWorld } from '../../harness/sim/world.js';
import { cleanSimBench } from './sim-bench-fixture.js';

/** d1's reset and boot0 driven by its own adapter's RTS and DTR lines (active low), its hub port flaky. */
function d1OnItsAdapterLines(disconnectRate: number): LoadedBench {
  const bench = cleanSimBench();
  bench.rig.relays.push({
    id: 'a2',
    driver: 'dtr-rts',
    dut: 'd1',
    polarity: 'active-low',
    channels: [
      { id: 'a2.dtr', board: 'a2', channel: 'dtr', safe: 'open' },
      { id: 'a2.rts', board: 'a2', channel: 'rts', safe: 'open' },
    ],
  });
  const d1 = bench.rig.duts.find((d) => d.id === 'd1')!;
  d1.pins.reset = { channel: 'a2.rts', closed: 'active' };
  d1.pins.boot0 = { channel: 'a2.dtr', closed: 'active' };
  bench.rig.ports.find((p) => p.id === d1.port)!.sim = { disconnectRate, reenumerateMs: 200 };
  return bench;
}

describe('runner: stopping and failing', function () {
  this.timeout(60_000);

  it('a run whose signal is already aborted runs no trial and says it was interrupted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('SIGINT before the start'));
    const bench = cleanSimBench();
    const summary = await runBench(bench, { world: simulatedWorld(bench), trialsPerDut: 3, signal: controller.signal });
    expect(summary.trials).to.equal(0);
    expect(summary.interrupted).to.equal(true);
  });

  it('a store that fails stops every lane and the run rejects with its error', async () => {
    let stored = 0;
    let seenAfterFailure = 0;
    let failed = false;
    const sink = {
      addTrial() {
        if (failed) seenAfterFailure++;
        if (++stored === 5) {
          failed = true;
          throw new Error('SQLITE_FULL: database or disk is full');
        }
      },
    };
    let error: unknown;
    try {
      const bench = cleanSimBench();
      await runBench(bench, { world: simulatedWorld(bench), trialsPerDut: 50, sink });
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/SQLITE_FULL/);
    // Lanes in flight may each finish the trial they had started, but none starts another.
    expect(seenAfterFailure).to.be.at.most(cleanSimBench().rig.duts.length);
  });

  it('a DUT on its adapter’s DTR/RTS lines passes, and a vanished port is a port-lost trial, not the end of the night', async () => {
    const steady = d1OnItsAdapterLines(0);
    const clean = await runBench(steady, { world: simulatedWorld(steady), trialsPerDut: 3, duts: ['d1'] });
    expect(clean.records.map((r) => r.result)).to.deep.equal(['pass', 'pass', 'pass']);
    expect(clean.records[0]!.components.relays).to.include.members(['a2.rts', 'a2.dtr']);

    const unsteady = d1OnItsAdapterLines(0.7);
    const flaky = await runBench(unsteady, { world: simulatedWorld(unsteady), trialsPerDut: 6, duts: ['d1', 'd2'], portReturnMs: 2000 });
    const d1 = flaky.records.filter((r) => r.dut === 'd1');
    expect(d1).to.have.length(6);
    expect(d1.map((r) => r.symptom)).to.include('port-lost');
    for (const r of d1) expect(['ok', 'port-lost'], r.detail).to.include(r.symptom);
    for (const r of flaky.records.filter((r) => r.dut === 'd2')) expect(r.result).to.equal('pass');
  });

  it('a backend that declares the DUT\'s link, whatever its class, is handed the open link for each trial and loses it before it closes', async () => {
    const bench = d1OnItsAdapterLines(0);
    const world = simulatedWorld(bench);
    const lines = world.relays.get('a2')!;
    const attached: string[] = [];
    // Not the DTR/RTS class: an object that only declares what it needs, and passes the link on.
    const declared: RelayBackend = {
      board: lines.board,
      dutLink: {
        dut: 'd1',
        attach: async (port) => {
          attached.push(port ? 'link' : 'none');
          await lines.dutLink!.attach(port);
        },
      },
      open: () => lines.open(),
      set: (changes) => lines.set(changes),
      read: (channel) => lines.read(channel),
      probe: () => lines.probe(),
      safe: () => lines.safe(),
      close: () => lines.close(),
      onLost: (listener) => lines.onLost(listener),
    };
    world.relays.set('a2', declared);
    const summary = await runBench(bench, { world, trialsPerDut: 3, duts: ['d1'] });
    expect(summary.records.map((r) => `${r.result} ${r.detail}`)).to.deep.equal(summary.records.map((r) => `pass ${r.detail}`));
    expect(attached).to.deep.equal(['link', 'none', 'link', 'none', 'link', 'none']);
  });
});
