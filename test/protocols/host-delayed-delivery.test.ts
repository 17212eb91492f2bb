/**
 * A reply the host itself delivered late, on the simulated bench: the simulated world's timers (the wire's byte
 * deliveries, the emulator's own) held off for a while — as when the precise timer's wake-up thread is kept off a
 * core — while the event loop, the session and its host-lag probe run on time. The board did nothing wrong: the
 * trial is a harness error (host-busy), never `late`. A board slow by a planted fault stays `late`.
 */
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { expect } from 'chai';
import type { LoadedBench } from '../../harness/config/types.js';
import type { Clock } from '../../harness/core/clock.js';
import type { TrialRecord } from '../../harness/core/record.js';
import { VirtualClock } from '../../harness/core/virtual-clock.js';
import { runBench } from '../../harness/runner/run.js';
import { simulatedWorld } from '../../harness/sim/world.js';
import { cleanSimBench, simBenchWithFault } from '../runner/sim-bench-fixture.js';

/** A clock whose timers due before `until` fire at `until` once held: a host that does not get round to them. */
class HeldOffClock implements Clock {
  private until = Number.NEGATIVE_INFINITY;

  constructor(private readonly inner: Clock) {}

  /** From now, no timer of this clock fires for ms. */
  holdOff(ms: number): void {
    this.until = this.inner.now() + ms;
  }

  now(): number {
    return this.inner.now();
  }

  setTimer(ms: number, fn: () => void): () => void {
    const at = this.inner.now() + Math.max(0, ms);
    return this.inner.setTimer(Math.max(at, this.until) - this.inner.now(), fn);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(ms, resolve));
  }
}

/** One trial of `dut`, the simulated world's timers held off for holdMs when the host first writes `command`. */
async function trialHeldOff(bench: LoadedBench, dut: string, command: number, holdMs: number): Promise<TrialRecord> {
  const clock = new VirtualClock();
  const simClock = new HeldOffClock(clock);
  // The bench runs on the held-off clock; the runner, its link and its session on the clock itself.
  const world = { ...simulatedWorld(bench, { clock: simClock }), clock };
  holdOffAtWrite(world.binding, command, () => simClock.holdOff(holdMs));
  const summary = await runBench(bench, { world, trialsPerDut: 1, duts: [dut] });
  return summary.records[0]!;
}

/** Calls `hold` when the host first writes the one-byte command. */
function holdOffAtWrite(binding: BindingInterface, command: number, hold: () => void): void {
  const open = binding.open.bind(binding);
  let held = false;
  binding.open = async (options) => {
    const port = await open(options);
    const write = port.write.bind(port);
    port.write = async (buffer: Buffer) => {
      if (!held && buffer.length === 1 && buffer[0] === command) {
        held = true;
        hold();
      }
      return write(buffer);
    };
    return port;
  };
}

const GET_HW_CODE = 0xfd;
const SYNC = 0x7f;
// The STM32's first 0x7F is awaited for its 500 ms sync deadline and as long as any link may delay the ACK.
const PAST_SYNC_WINDOW_MS = 700;

describe('a reply the host delivered late on the simulated bench', function () {
  this.timeout(60_000);

  it('is a harness error (host-busy), not late, for a healthy MediaTek board (MT6580, reply 50 ms)', async () => {
    const r = await trialHeldOff(cleanSimBench(), 'd7', GET_HW_CODE, 110);
    expect(r.result, `${r.symptom ?? r.reason} ${r.detail}`).to.equal('error');
    expect(r.reason).to.equal('host-busy');
    expect(r.detail).to.match(/^GET_HW_CODE answered after [\d.]+ ms, deadline 50 ms, but the host was held up for [\d.]+ ms meanwhile/);
  });

  it('is a harness error (host-busy), not silent, when the held-off reply comes after every grace period', async () => {
    const r = await trialHeldOff(cleanSimBench(), 'd7', GET_HW_CODE, 400);
    expect(r.result, `${r.symptom ?? r.reason} ${r.detail}`).to.equal('error');
    expect(r.reason).to.equal('host-busy');
  });

  it('is a harness error (host-busy), not late, for a healthy STM32 board whose first ACK the host held off', async () => {
    const r = await trialHeldOff(cleanSimBench(), 'd1', SYNC, PAST_SYNC_WINDOW_MS);
    expect(r.result, `${r.symptom ?? r.reason} ${r.detail}`).to.equal('error');
    expect(r.reason).to.equal('host-busy');
  });

  it('passes when the world was held off for less than the reply could spare', async () => {
    const r = await trialHeldOff(cleanSimBench(), 'd7', GET_HW_CODE, 10);
    expect(r.result, `${r.symptom ?? r.reason} ${r.detail}`).to.equal('pass');
  });

  it('stays late for a board slow by a planted boot delay, the host on time', async () => {
    const r = await trialHeldOff(simBenchWithFault('duts', 'd1', { bootDelayMs: 300 }), 'd1', SYNC, 0);
    expect(r.result, `${r.symptom ?? r.reason} ${r.detail}`).to.equal('fail');
    expect(r.symptom).to.equal('late');
  });

  it('stays late for a board slow by a planted boot delay when the host was also a little late, for less than the board', async () => {
    const r = await trialHeldOff(simBenchWithFault('duts', 'd1', { bootDelayMs: 300 }), 'd1', SYNC, 20);
    expect(r.result, `${r.symptom ?? r.reason} ${r.detail}`).to.equal('fail');
    expect(r.symptom).to.equal('late');
  });
});
