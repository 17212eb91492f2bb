/** The precise scheduler: one wake-up for every pending deadline, order, cancellation; and its thread on the real clock. */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ManualClock, realClock } from '../../harness/core/clock.js';
import { MAX_SPIN_MS, PreciseScheduler, clockWakeup, preciseClock, preciseTimer } from '../../harness/core/precise-timer.js';
import { NEAR_MS, ThreadWakeup, type Wakeup } from '../../harness/core/wake-thread.js';

function manual(): { clock: ManualClock; scheduler: PreciseScheduler; fired: string[] } {
  const clock = new ManualClock();
  return { clock, scheduler: new PreciseScheduler(clock, clockWakeup(clock)), fired: [] };
}

/** A wake-up that only records what it was asked, and runs the scheduler when told. */
function recordingWakeup(leadMs = 0): { make: (run: () => void) => Wakeup; armedAt: () => number | null; wake: () => void; arms: number[] } {
  let armed: number | null = null;
  let run: () => void = () => undefined;
  const arms: number[] = [];
  return {
    make: (r) => {
      run = r;
      return {
        leadMs,
        arm: (at) => {
          armed = at;
          arms.push(at);
        },
        disarm: () => {
          armed = null;
        },
      };
    },
    armedAt: () => armed,
    wake: () => run(),
    arms,
  };
}

/**
 * A scheduler with a recording wake-up on a clock that moves 0.001 ms each time it is read, as a busy-wait sees it;
 * `time.now` is the clock's reading, which a test may also set.
 */
function busyWaitScheduler(lead: number): { time: { now: number }; wakeup: ReturnType<typeof recordingWakeup>; scheduler: PreciseScheduler } {
  const time = { now: 0 };
  const wakeup = recordingWakeup(lead);
  const clock = { now: () => (time.now += 0.001), setTimer: () => () => undefined, sleep: async () => undefined };
  return { time, wakeup, scheduler: new PreciseScheduler(clock, wakeup.make) };
}

describe('precise scheduler (ManualClock)', () => {
  it('fires deadlines in time order whatever order they were scheduled in, equal times in scheduling order', () => {
    const { clock, scheduler, fired } = manual();
    for (const [name, at] of [['c', 30], ['a', 10], ['d', 30], ['b', 20], ['e', 30], ['z', 5]] as const) {
      scheduler.schedule(at, () => fired.push(`${name}@${clock.now()}`));
    }
    clock.advance(100);
    expect(fired).to.deep.equal(['z@5', 'a@10', 'b@20', 'c@30', 'd@30', 'e@30']);
    expect(scheduler.pending).to.equal(0);
  });

  it('never fires a deadline before its time', () => {
    const { clock, scheduler, fired } = manual();
    scheduler.schedule(10.5, () => fired.push('x'));
    clock.advance(10.4);
    expect(fired).to.deep.equal([]);
    clock.advance(0.1);
    expect(fired).to.deep.equal(['x']);
  });

  it('a cancelled deadline never fires, even when cancelled by a callback due at the same time', () => {
    const { clock, scheduler, fired } = manual();
    const cancelB = scheduler.schedule(10, () => fired.push('b'));
    scheduler.schedule(5, () => {
      fired.push('a');
      cancelC();
    });
    const cancelC = scheduler.schedule(5, () => fired.push('c'));
    scheduler.schedule(20, () => fired.push('d'));
    cancelB();
    cancelB(); // twice is harmless
    expect(scheduler.pending).to.equal(3);
    clock.advance(100);
    expect(fired).to.deep.equal(['a', 'd']);
    expect(scheduler.pending).to.equal(0);
  });

  it('cancelling after the deadline fired changes nothing', () => {
    const { clock, scheduler, fired } = manual();
    const cancel = scheduler.schedule(1, () => fired.push('a'));
    scheduler.schedule(2, () => fired.push('b'));
    clock.advance(1);
    cancel();
    expect(scheduler.pending).to.equal(1);
    clock.advance(1);
    expect(fired).to.deep.equal(['a', 'b']);
  });

  it('a deadline scheduled by a callback fires in turn, in the same pass when it is already due', () => {
    const { clock, scheduler, fired } = manual();
    scheduler.schedule(10, () => {
      fired.push(`a@${clock.now()}`);
      scheduler.schedule(clock.now(), () => fired.push(`now@${clock.now()}`));
      scheduler.schedule(clock.now() + 5, () => fired.push(`later@${clock.now()}`));
    });
    scheduler.schedule(10, () => fired.push(`b@${clock.now()}`));
    clock.advance(10);
    expect(fired).to.deep.equal(['a@10', 'b@10', 'now@10']);
    clock.advance(10);
    expect(fired).to.deep.equal(['a@10', 'b@10', 'now@10', 'later@15']);
  });

  it('a callback that throws does not stop the deadlines after it', () => {
    const { clock, scheduler, fired } = manual();
    scheduler.schedule(1, () => {
      throw new Error('boom');
    });
    scheduler.schedule(1, () => fired.push('same time'));
    scheduler.schedule(3, () => fired.push('later'));
    expect(() => clock.advance(1)).to.throw('boom');
    clock.advance(2);
    expect(fired).to.deep.equal(['same time', 'later']);
  });

  it('keeps one wake-up armed for the earliest pending deadline, and none when nothing is pending', () => {
    const wakeup = recordingWakeup();
    let now = 0;
    const clock = { now: () => now, setTimer: () => () => undefined, sleep: async () => undefined };
    const scheduler = new PreciseScheduler(clock, wakeup.make);
    const cancels = [50, 20, 80, 20, 10].map((at) => scheduler.schedule(at, () => undefined));
    // Armed when a deadline came before the armed one, not for the later ones.
    expect(wakeup.arms).to.deep.equal([50, 20, 10]);
    cancels[4]!();
    now = 10;
    wakeup.wake(); // the cancelled deadline's wake-up: nothing fires, the next one is armed
    expect(wakeup.armedAt()).to.equal(20);
    now = 20;
    wakeup.wake();
    expect(scheduler.pending).to.equal(2);
    expect(wakeup.armedAt()).to.equal(50);
    cancels[0]!();
    cancels[2]!();
    expect(scheduler.pending).to.equal(0);
    expect(wakeup.armedAt()).to.equal(null);
  });

  it('arms a wake-up with a lead that much early, and busy-waits only for deadlines nearer than the lead, MAX_SPIN_MS in all', async () => {
    const lead = 0.1;
    const { time, wakeup, scheduler } = busyWaitScheduler(lead);
    const fired: Array<{ at: number; when: number }> = [];
    // Deadlines half a lead apart, for longer than the bound; then one far off.
    const times = Array.from({ length: 8 }, (_, i) => 1 + (i * lead) / 2);
    for (const at of [...times, 3]) scheduler.schedule(at, () => fired.push({ at, when: time.now }));
    expect(wakeup.armedAt()).to.be.closeTo(1 - lead, 1e-9);
    time.now = 1 - lead;
    wakeup.wake();
    // The first is waited out from the wake-up; each pass then stops for what it fired and resumes on the next turn.
    expect(fired.map((f) => f.at)).to.deep.equal([1]);
    while (fired.length < times.length && scheduler.pending > 1) await new Promise((resolve) => setImmediate(resolve));
    expect(fired.map((f) => f.at)).to.deep.equal(times);
    for (const f of fired) expect(f.when).to.be.at.least(f.at - 1e-6);
    // Each was waited out to its time, not slept past: a pass busy-waits for one deadline, never MAX_SPIN_MS in all.
    for (const f of fired) expect(f.when - f.at).to.be.below(0.01);
    expect(lead / 2).to.be.below(MAX_SPIN_MS);
    // The wait for the far deadline is left to the wake-up.
    expect(wakeup.armedAt()).to.be.closeTo(3 - lead, 1e-9);
    expect(fired).to.have.length(times.length);
  });

  it('lets a fired deadline\'s continuation run before it busy-waits for the next one', async () => {
    const lead = 0.1;
    const { time, wakeup, scheduler } = busyWaitScheduler(lead);
    const order: string[] = [];
    // An edge released by a wait: its write runs in the promise's continuation, a few hops after the deadline.
    const edge = new Promise<void>((resolve) => scheduler.schedule(1, resolve)).then(async () => {
      await Promise.resolve();
      order.push(`edge written at ${time.now.toFixed(3)}`);
    });
    scheduler.schedule(1.05, () => order.push('next deadline'));
    time.now = 1 - lead;
    wakeup.wake();
    await edge;
    while (scheduler.pending > 0) await new Promise((resolve) => setImmediate(resolve));
    expect(order).to.have.length(2);
    expect(order[1]).to.equal('next deadline');
    expect(Number(order[0]!.split(' ').pop())).to.be.below(1.05);
  });

  it('rejects NaN for a time', () => {
    const { scheduler } = manual();
    expect(() => scheduler.schedule(Number.NaN, () => undefined)).to.throw(RangeError);
  });
});

describe('precise timers on the real clock (wake-up thread)', () => {
  it('fire every deadline in order and none before its time; cancelled ones never', async () => {
    const start = realClock.now();
    const fired: Array<{ at: number; when: number }> = [];
    const cancelledFired: number[] = [];
    const offsets = Array.from({ length: 40 }, (_, i) => ((i * 7919) % 40) * 0.5 + 1); // 1–20.5 ms, shuffled
    for (const offset of offsets) {
      const at = start + offset;
      preciseTimer(realClock, at, () => fired.push({ at, when: realClock.now() }));
      const cancel = preciseTimer(realClock, at + 0.25, () => cancelledFired.push(at));
      cancel();
    }
    // Not waitUntil: it resolves at once if a busy machine held this test past the time; a deadline after all the
    // others fires after them, however late.
    await new Promise((resolve) => preciseTimer(realClock, start + 25, () => resolve(undefined)));
    expect(fired).to.have.length(offsets.length);
    for (const f of fired) expect(f.when, `deadline ${f.at - start} ms`).to.be.at.least(f.at - 1e-6);
    const order = fired.map((f) => f.at);
    expect(order).to.deep.equal([...order].sort((a, b) => a - b));
    expect(cancelledFired).to.deep.equal([]);
  });

  it("a precise clock's timers keep time order with other precise deadlines when the process is held up", async () => {
    // An emulator's start-up timer (due at +5 ms) and a byte's arrival on the simulated wire (+10 ms): a busy
    // process holds the main thread from +1 to +20 ms. A plain timer would fire after the arrival that became due
    // in the same pass — the chip would drop a byte a real chip takes.
    const order: string[] = [];
    const device = preciseClock(realClock);
    await new Promise<void>((resolve) => {
      device.setTimer(5, () => order.push('start-up'));
      // Read after the device's timer is set: a machine that takes this thread away in between must not leave the
      // start-up due after the byte.
      const start = realClock.now();
      preciseTimer(realClock, start + 1, () => {
        while (realClock.now() < start + 20);
      });
      preciseTimer(realClock, start + 10, () => {
        order.push('byte');
        resolve();
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).to.deep.equal(['start-up', 'byte']);
  });

  it('a precise clock on a test clock is the test clock itself', () => {
    const clock = new ManualClock();
    expect(preciseClock(clock)).to.equal(clock);
  });

  it('keep the process alive while a deadline is pending, and let it end once none is', function () {
    this.timeout(30_000);
    const script = `
      import { realClock } from ${JSON.stringify(fileURLToPath(new URL('../../harness/core/clock.ts', import.meta.url)))};
      import { preciseTimer } from ${JSON.stringify(fileURLToPath(new URL('../../harness/core/precise-timer.ts', import.meta.url)))};
      preciseTimer(realClock, realClock.now() + 600_000, () => console.log('cancelled one fired'))();
      preciseTimer(realClock, realClock.now() + 50, () => console.log('fired'));
      // Nearer than NEAR_MS: from the loop's turns, which must neither be lost nor keep the process alive after.
      preciseTimer(realClock, realClock.now() + 0.2, () => console.log('near one fired'));
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 25_000 });
    expect(child.stderr).to.equal('');
    expect(child.stdout).to.equal('near one fired\nfired\n');
    expect(child.status).to.equal(0);
  });

  it('wake the main thread for a deadline even when the thread is kept off its core', async () => {
    // A thread that comes online and then never gets round to posting, as one the OS keeps off a core.
    const heldOff = `require('node:worker_threads'); const gen = new Int32Array(require('node:worker_threads').workerData, 0, 1); for (;;) Atomics.wait(gen, 0, Atomics.load(gen, 0));`;
    let woke: () => void = () => undefined;
    const woken = new Promise<void>((resolve) => (woke = resolve));
    const wakeup = new ThreadWakeup(() => woke(), heldOff);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the thread is online: no stand-in for a missing one
    wakeup.arm(realClock.now() + 5);
    await woken;
    wakeup.disarm();
  });

  it('wake the main thread for a deadline nearer than NEAR_MS on the next turn of the loop, without the thread', async () => {
    const heldOff = `require('node:worker_threads'); const gen = new Int32Array(require('node:worker_threads').workerData, 0, 1); for (;;) Atomics.wait(gen, 0, Atomics.load(gen, 0));`;
    const order: string[] = [];
    const wakeup = new ThreadWakeup(() => order.push('woken'), heldOff);
    await new Promise((resolve) => setTimeout(resolve, 200));
    wakeup.arm(realClock.now() + NEAR_MS / 2);
    // The thread never posts and the millisecond backstop is not due before this immediate: only the loop woke it.
    await new Promise((resolve) => setImmediate(resolve));
    order.push('next turn');
    expect(order).to.deep.equal(['woken', 'next turn']);
    // Disarmed before its turn, a near wake-up does not come.
    wakeup.arm(realClock.now());
    wakeup.disarm();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).to.deep.equal(['woken', 'next turn']);
  });
});
