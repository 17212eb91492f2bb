/**
 * The harness never charges its own faults to the hardware: a wait counts from the edge that really happened, a
 * late edge or a silent relay controller or an exception makes the trial a harness error with a reason, and a
 * missing adapter costs one trial and a wait, not a night of failures.
 */
import { expect } from 'chai';
import type { LoadedBench } from '../../harness/config/types.js';
import type { Clock } from '../../harness/core/clock.js';
import type { TrialRecord } from '../../harness/core/record.js';
import type { ContactChange, RelayBackend } from '../../harness/pins/types.js';
import { runBench } from '../../harness/runner/run.js';
import type { World } from '../../harness/runner/world.js';
import { simulatedWorld } from '../../harness/sim/world.js';
import { cleanSimBench } from './sim-bench-fixture.js';

/** What a wrapped relay board does on a set(): call `inner` (to write), or never answer. */
type SetHook = (changes: ContactChange[], inner: () => Promise<void>, clock: Clock) => Promise<void>;

/** The simulated world of `bench`, with relay board `boardId`'s writes passed through `hook`. */
function withRelayHook(bench: LoadedBench, boardId: string, hook: SetHook): World {
  const world = simulatedWorld(bench);
  const inner = world.relays.get(boardId)!;
  const wrapped: RelayBackend = {
    board: inner.board,
    open: () => inner.open(),
    set: (changes) => hook(changes, () => inner.set(changes), world.clock),
    read: (channel) => inner.read(channel),
    safe: () => inner.safe(),
    close: () => inner.close(),
    onLost: (listener) => inner.onLost(listener),
    probe: () => inner.probe(),
  };
  world.relays.set(boardId, wrapped);
  return world;
}

/** The first time d6's power contact (rb2.1) closes — its enter sequence's power-on — the write takes `extraMs` longer. */
function slowPowerOn(extraMs: number): SetHook {
  let slowed = false;
  return async (changes, inner, clock) => {
    if (!slowed && changes.some((c) => c.channel.id === 'rb2.1' && c.closed)) {
      slowed = true;
      await clock.sleep(extraMs); // the bytes sit in the USB queue; the relay moves when they arrive
    }
    await inner();
  };
}

/** From d6's power-on edge (as recorded: when the write was confirmed) to the first byte sent to it, in ms. */
function bootWaitOf(record: TrialRecord): number {
  const powerOn = record.transcript.find((e) => e.kind === 'edge' && e.pin === 'power' && e.active)!;
  const firstTx = record.transcript.find((e) => e.kind === 'tx' && e.t > powerOn.t)!;
  return (firstTx.t - powerOn.t) / 1000;
}

describe('runner: the harness never charges its own faults to the hardware', function () {
  this.timeout(120_000);

  it('a power-on edge 100 ms late still leaves the board its full boot wait, and the trial passes', async () => {
    const bench = cleanSimBench();
    const summary = await runBench(bench, { trialsPerDut: 1, duts: ['d6'], world: withRelayHook(bench, 'rb2', slowPowerOn(100)) });
    const [record] = summary.records;
    expect(record!.result, `${record!.symptom ?? record!.reason}: ${record!.detail}`).to.equal('pass');
    const edge = record!.transcript.find((e) => e.kind === 'edge' && e.pin === 'power' && e.active);
    if (edge?.kind !== 'edge') throw new Error('no power-on edge');
    // (a timer may fire a fraction of a millisecond early against the monotonic clock)
    expect((edge.t - edge.planned!) / 1000, 'the edge was late').to.be.at.least(99);
    // mt6765 waits 170 ms after power-on: counted from the real edge, not the planned one.
    expect(bootWaitOf(record!)).to.be.at.least(170);
  });

  it('an edge later than the profile’s timing.edgeToleranceMs is a harness error with its lateness, not a symptom', async () => {
    const bench = cleanSimBench();
    // 60 ms: well under the planted 100 ms, well over what a heavily loaded host adds to an ordinary edge.
    bench.profiles.set('mt6765', { ...bench.profiles.get('mt6765')!, timing: { edgeToleranceMs: 60 } });
    const summary = await runBench(bench, { trialsPerDut: 2, duts: ['d6'], world: withRelayHook(bench, 'rb2', slowPowerOn(100)) });
    const [late, next] = summary.records;
    expect(late!.result).to.equal('error');
    expect(late!.reason).to.equal('edge-late');
    expect(late!.symptom).to.equal(null);
    const lateness = /power asserted left the host (\d+\.\d) ms after its planned time \(the profile allows 60 ms/.exec(late!.detail);
    expect(lateness, late!.detail).to.not.equal(null);
    expect(Number(lateness![1])).to.be.at.least(99);
    expect(next!.result, 'the next trial runs as usual').to.equal('pass');
  });

  it('a relay controller that does not confirm a write before the trial deadline is a harness error, not a silent board', async () => {
    let writes = 0;
    const stalled: SetHook = async (_changes, inner, clock) => {
      if (++writes === 2) await clock.sleep(4000); // the power-off of the enter sequence, well past the 3 s deadline
      await inner();
    };
    const bench = cleanSimBench();
    const summary = await runBench(bench, { trialsPerDut: 1, duts: ['d6'], trialTimeoutMs: 3000, world: withRelayHook(bench, 'rb2', stalled) });
    const [record] = summary.records;
    expect(record!.result).to.equal('error');
    expect(record!.reason).to.equal('relay-not-answering');
    expect(record!.symptom).to.equal(null);
  });

  it('an exception inside the trial is a harness error with its message, never "silent"', async () => {
    const broken: SetHook = async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'write')");
    };
    const bench = cleanSimBench();
    const summary = await runBench(bench, { trialsPerDut: 2, duts: ['d6', 'd8'], world: withRelayHook(bench, 'rb2', broken) });
    expect(summary.records).to.have.length(4);
    for (const r of summary.records) {
      expect(r.result).to.equal('error');
      expect(r.reason).to.equal('exception');
      expect(r.symptom).to.equal(null);
      expect(r.detail).to.match(/reading 'write'/);
    }
  });

  it('a missing adapter costs one trial and one wait: the rest of its trials are not run, and none names its relays', async () => {
    const bench = cleanSimBench();
    const missing = simulatedWorld(bench);
    const { portPathOf, portPresent } = missing;
    missing.portPathOf = async (dut) => (dut.id === 'd1' ? '/dev/sim/sim-bench/unplugged' : portPathOf(dut));
    missing.portPresent = async (dut) => (dut.id === 'd1' ? false : portPresent(dut));
    const summary = await runBench(bench, { trialsPerDut: 5, duts: ['d1', 'd2'], portReturnMs: 300, world: missing });
    const d1 = summary.records.filter((r) => r.dut === 'd1');
    expect(d1).to.have.length(1);
    expect(d1[0]!.symptom).to.equal('port-open-failed');
    expect(d1[0]!.components.relays, 'no relay was switched').to.deep.equal([]);
    expect(summary.notRun).to.have.length(1);
    expect(summary.notRun[0]).to.include({ dut: 'd1', trials: 4, reason: 'port-missing' });
    expect(summary.notRun[0]!.detail).to.match(/ENOENT.*not back within/);
    expect(summary.records.filter((r) => r.dut === 'd2').map((r) => r.result)).to.deep.equal(['pass', 'pass', 'pass', 'pass', 'pass']);
  });
});
