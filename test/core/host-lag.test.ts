/** Host-lag watch: how long the process was held up between two moments. */
import { expect } from 'chai';
import { ManualClock, realClock } from '../../harness/core/clock.js';
import { coveredMs, hostHeldUpMs, PROBE_MS, watchHost } from '../../harness/core/host-lag.js';
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

  it('is nothing on a test clock, whose time moves only when told', () => {
    const clock = new ManualClock();
    watchHost(clock);
    expect(hostHeldUpMs(clock, 0, 1000)).to.equal(0);
  });

  it('counts what a link knew of on any clock, each moment once however many stalls saw it', () => {
    const clock = new ManualClock();
    const known = [
      { from: 10, to: 40 },
      { from: 30, to: 60 },
      { from: 100, to: 110 },
    ];
    expect(hostHeldUpMs(clock, 0, 1000, known)).to.equal(60);
    expect(hostHeldUpMs(clock, 35, 105, known)).to.equal(30);
    expect(coveredMs(known, 200, 300)).to.equal(0);
  });
});
