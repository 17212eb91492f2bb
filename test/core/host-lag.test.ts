/** Host-lag watch: how long the process was held up between two moments. */
import { expect } from 'chai';
import { ManualClock, realClock } from '../../harness/core/clock.js';
import { hostHeldUpMs, PROBE_MS, watchHost } from '../../harness/core/host-lag.js';
import { preciseTimer } from '../../harness/core/precise-timer.js';
import { busyFor } from '../link/busy-loop.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('host lag', () => {
  it('counts a synchronous stall from when the probe was due, while it lasts and once the process runs again', async () => {
    const unwatch = watchHost(realClock);
    try {
      await sleep(20);
      const t0 = realClock.now();
      busyFor(50);
      const t1 = realClock.now();
      // The probe last ran at most PROBE_MS before t0 and was due at most PROBE_MS after that.
      expect(hostHeldUpMs(realClock, t0, t1)).to.be.at.least(t1 - t0 - PROBE_MS);
      await sleep(10); // the probe has run and recorded the stall
      expect(hostHeldUpMs(realClock, t0, t1)).to.be.at.least(t1 - t0 - PROBE_MS);
      expect(hostHeldUpMs(realClock, t1 + 1000, t1 + 2000)).to.equal(0);
    } finally {
      unwatch();
    }
  });

  it('counts a precise timer that fired late, unwatched too, and a stall seen twice once', async () => {
    const dueAt = realClock.now() + 5;
    const fired = new Promise<number>((resolve) => preciseTimer(realClock, dueAt, () => resolve(realClock.now())));
    busyFor(60); // the timer's wake-up cannot be served meanwhile
    const busyEnd = realClock.now();
    const ranAt = await fired;
    // Held up from when the timer was due until it ran, which was after the busy loop.
    expect(hostHeldUpMs(realClock, dueAt, ranAt)).to.be.within(busyEnd - dueAt, ranAt - dueAt);

    const unwatch = watchHost(realClock);
    try {
      await sleep(20);
      const t0 = realClock.now();
      const late = new Promise<void>((resolve) => preciseTimer(realClock, t0 + 1, resolve));
      busyFor(50); // seen by the probe and by the late timer
      const busyEnd = realClock.now();
      await late;
      await sleep(10);
      const t1 = realClock.now();
      expect(hostHeldUpMs(realClock, t0, t1)).to.be.within(busyEnd - (t0 + 1), t1 - t0);
    } finally {
      unwatch();
    }
  });

  it('is nothing on a test clock, whose time moves only when told', () => {
    const clock = new ManualClock();
    watchHost(clock);
    expect(hostHeldUpMs(clock, 0, 1000)).to.equal(0);
  });
});
