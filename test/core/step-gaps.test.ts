/** Young-generation collections moved into the gaps between timed steps: when they may start, and when they may not. */
import { expect } from 'chai';
import { ABANDONED_AFTER_MS, FILL_BEFORE_COLLECTING, GAP_PAUSES, HOLD_AFTER_MS, MIN_GAP_MS, StepGaps, UNTIMED_WORK_CLEAR_MS, UNTIMED_WORK_MAX_WAIT_MS, processHost } from '../../harness/core/step-gaps.js';

/** A gap keeper on a hand-moved clock, a young generation filled at will, and a collector that takes `pauseMs`. */
function keeper(pauseMs = 1, refuse = false) {
  const state = { now: 0, fill: 0, collections: [] as number[], checking: false, onPause: (): void => undefined };
  const gaps = new StepGaps({
    collect: () => {
      if (refuse) throw new Error('no');
      state.collections.push(state.now);
      state.now += pauseMs;
    },
    now: () => state.now,
    fill: () => state.fill,
    every: () => {
      state.checking = true;
      return () => {
        state.checking = false;
      };
    },
    pause: async () => {
      state.now += 1;
      state.onPause();
    },
  });
  return { gaps, state };
}

describe('step gaps: collections between timed steps, not on them', () => {
  it('collects a young generation past its threshold when no deadline is near', () => {
    const { gaps, state } = keeper();
    gaps.expect(100);
    state.fill = FILL_BEFORE_COLLECTING;
    gaps.check();
    expect(state.collections).to.deep.equal([0]);
    expect(gaps.collections).to.equal(1);
  });

  it('leaves a young generation below its threshold to the engine', () => {
    const { gaps, state } = keeper();
    gaps.expect(100);
    state.fill = FILL_BEFORE_COLLECTING - 0.1;
    gaps.check();
    expect(state.collections).to.deep.equal([]);
  });

  it('never starts a collection within the gap before a deadline', () => {
    const { gaps, state } = keeper();
    gaps.expect(MIN_GAP_MS - 0.5);
    state.fill = 1;
    gaps.check();
    expect(state.collections).to.deep.equal([]);
  });

  it('holds a step from its deadline until its edge is written, and 1 ms more for the send after it', () => {
    const { gaps, state } = keeper();
    const written = gaps.expect(10);
    gaps.expect(100);
    state.fill = 1;
    state.now = 10 + HOLD_AFTER_MS + 5;
    gaps.check();
    expect(state.collections, 'the edge is still being written, late').to.deep.equal([]);
    written();
    gaps.check();
    expect(state.collections, 'written, and the hold is over').to.have.length(1);
  });

  it('keeps a written step for its hold', () => {
    const { gaps, state } = keeper();
    gaps.expect(10)();
    gaps.expect(100);
    state.fill = 1;
    state.now = 10 + HOLD_AFTER_MS / 2;
    gaps.check();
    expect(state.collections, 'just after the deadline').to.deep.equal([]);
    state.now = 10 + HOLD_AFTER_MS + 0.1;
    gaps.check();
    expect(state.collections, 'once the hold is over').to.have.length(1);
  });

  it('assumes a long pause until it has measured one, and widens the gap after a long pause', () => {
    const { gaps, state } = keeper(5);
    const written = gaps.expect(MIN_GAP_MS + 1);
    state.fill = 1;
    gaps.check();
    expect(state.collections, 'before any pause was measured').to.deep.equal([]);
    written();
    gaps.expect(1000);
    state.now = MIN_GAP_MS + 1 + HOLD_AFTER_MS + 1;
    gaps.check();
    expect(state.collections).to.have.length(1);
    // A deadline outside the smallest gap but inside twice the 5 ms pause just measured.
    gaps.expect(state.now + MIN_GAP_MS + 1);
    expect(MIN_GAP_MS + 1).to.be.below(GAP_PAUSES * 5);
    gaps.check();
    expect(state.collections).to.have.length(1);
  });

  it('stops looking once no timed step is pending, and starts again with the next', () => {
    const { gaps, state } = keeper();
    gaps.expect(5)();
    expect(state.checking).to.equal(true);
    state.now = 5 + HOLD_AFTER_MS + 1;
    gaps.check();
    expect(state.checking).to.equal(false);
    gaps.expect(50);
    expect(state.checking).to.equal(true);
  });

  it('does nothing where the engine keeps its collector to itself', () => {
    let asked = 0;
    const gaps = new StepGaps({ collect: null, now: () => 0, fill: () => 1, every: () => (asked++, () => undefined), pause: async () => undefined });
    gaps.expect(100);
    gaps.check();
    expect(asked).to.equal(0);
    expect(gaps.collections).to.equal(0);
  });

  it('gives up, without throwing, once the engine refuses a collection', () => {
    const { gaps, state } = keeper(1, true);
    gaps.expect(100);
    state.fill = 1;
    expect(() => gaps.check()).not.to.throw();
    expect(state.checking, 'it stopped looking').to.equal(false);
    gaps.expect(200);
    expect(state.checking, 'and does not start again').to.equal(false);
    expect(gaps.collections).to.equal(0);
  });

  it('gets the process collector on Node 20 and collects the young generation with it', () => {
    // The process's collector and heap, checked by hand: no interval is left running.
    const gaps = new StepGaps({ ...processHost(), every: () => () => undefined });
    const keep: object[] = [];
    gaps.expect(performance.now() + 60_000);
    for (let i = 0; i < 200 && gaps.collections === 0; i++) {
      for (let j = 0; j < 20_000; j++) keep.push({ j });
      keep.length = 0;
      gaps.check();
    }
    expect(gaps.collections).to.be.above(0);
  });
});

describe('step gaps: a lane’s untimed work waits for a moment clear of other lanes’ steps', () => {
  it('goes at once when no step is near, and when the only steps are written ones just past', async () => {
    const { gaps, state } = keeper();
    state.now = 50;
    await gaps.untilClear();
    expect(state.now, 'nothing pending').to.equal(50);
    gaps.expect(49.9)();
    await gaps.untilClear();
    expect(state.now, 'its own edge, just written').to.equal(50);
  });

  it('waits until a step due within the clear time has been written', async () => {
    const { gaps, state } = keeper();
    const written = gaps.expect(UNTIMED_WORK_CLEAR_MS - 1);
    // Time moves a millisecond per pause; the edge is written once its deadline has come.
    state.onPause = () => {
      if (state.now >= UNTIMED_WORK_CLEAR_MS - 1) written();
    };
    await gaps.untilClear();
    expect(state.now).to.equal(UNTIMED_WORK_CLEAR_MS - 1);
  });

  it('does not wait for a step further away than the clear time', async () => {
    const { gaps, state } = keeper();
    gaps.expect(UNTIMED_WORK_CLEAR_MS + 1);
    await gaps.untilClear();
    expect(state.now).to.equal(0);
  });

  it('forgets a step left open long past its deadline (a write that never returned)', async () => {
    const { gaps, state } = keeper();
    gaps.expect(0); // never written
    state.now = ABANDONED_AFTER_MS + 1;
    await gaps.untilClear();
    expect(state.now, 'no wait for it').to.equal(ABANDONED_AFTER_MS + 1);
    gaps.expect(state.now + 100);
    state.fill = 1;
    gaps.check();
    expect(state.collections, 'and it no longer holds the collector').to.have.length(1);
  });

  it('gives up after the longest wait when steps keep coming', async () => {
    const { gaps, state } = keeper();
    gaps.expect(0); // never written: a step stuck open
    await gaps.untilClear();
    expect(state.now).to.equal(UNTIMED_WORK_MAX_WAIT_MS);
  });
});
