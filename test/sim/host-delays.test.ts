/** How late the host ran a simulated world's timers: only lateness beyond their due time, never the time they wait. */
import { expect } from 'chai';
import { ManualClock, type Clock } from '../../harness/core/clock.js';
import { HostDelays } from '../../harness/sim/host-delays.js';

/** A clock whose timers fire `lateMs` after they are due, as on a host that did not get round to them. */
function lateClock(clock: ManualClock, lateMs: number): Clock {
  return {
    now: () => clock.now(),
    setTimer: (ms, fn) => clock.setTimer(ms + lateMs, fn),
    sleep: (ms) => clock.sleep(ms + lateMs),
  };
}

describe('sim: host delays', () => {
  it('notes a timer that fired late, from when it was due to when it fired', () => {
    const clock = new ManualClock();
    const delays = new HostDelays(clock);
    let fired = false;
    delays.watched(lateClock(clock, 30)).setTimer(200, () => (fired = true));
    clock.advance(300);
    expect(fired).to.equal(true);
    expect(delays.between(0, 1000)).to.deep.equal([{ from: 200, to: 230 }]);
    expect(delays.between(230, 1000)).to.deep.equal([]);
  });

  it('notes nothing for a long timer that fired on time (a planted delay is when it is due)', () => {
    const clock = new ManualClock();
    const delays = new HostDelays(clock);
    delays.watched(clock).setTimer(300, () => undefined);
    clock.advance(400);
    expect(delays.between(0, 1000)).to.deep.equal([]);
  });

  it('counts a timer still overdue as a delay up to now, and forgets a cancelled one', () => {
    const clock = new ManualClock();
    const delays = new HostDelays(clock);
    delays.watch(10, () => () => undefined, () => undefined); // never fires: the host has not got round to it
    const cancel = delays.watch(5, () => () => undefined, () => undefined);
    cancel();
    clock.advance(50);
    expect(delays.between(0, 50)).to.deep.equal([{ from: 10, to: 50 }]);
  });
});
