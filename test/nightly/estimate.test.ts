/** The expected duration `nightly` prints before it starts: lanes, history, and the follow-up trials that may come after. */
import { expect } from 'chai';
import type { Dut } from '../../harness/config/types.js';
import { describeEstimate, lanesSpanMs, type NightEstimate, type NightPlan } from '../../harness/nightly/estimate.js';

const duts = [{ id: 'd1' }, { id: 'd2' }, { id: 'd3' }] as unknown as Dut[];
const estimate: NightEstimate = {
  trialTimes: new Map(duts.map((d) => [d.id, { lowMs: 2000, highMs: 2000, fromHistory: true }])),
  lowMs: 600_000,
  highMs: 600_000,
  historyRun: 'run-1',
};

describe('nightly: the expected duration', () => {
  it('fills the free lane first: three lanes of 10, 4 and 4 minutes, two at a time, take 10', () => {
    expect(lanesSpanMs([600_000, 240_000, 240_000], 2)).to.equal(600_000);
    expect(lanesSpanMs([600_000, 240_000, 240_000], 1)).to.equal(1_080_000);
  });

  it('says the follow-up trials that may come after the planned ones, as a bound of their own', () => {
    const plan: NightPlan = { duts, trialsPerDut: 100, concurrency: 4 };
    expect(describeEstimate(estimate, plan)).to.equal('about 10 min 0 s (3 DUTs × 100 trials, 3 at a time; trial times of run run-1)');
    const withFollowUp = describeEstimate(estimate, { ...plan, followUp: { maxTrials: 200, maxMinutes: 30 } });
    expect(withFollowUp).to.equal('about 10 min 0 s, then up to 200 follow-up trials or 30 min if a part is in doubt (3 DUTs × 100 trials, 3 at a time; trial times of run run-1)');
    expect(describeEstimate(estimate, { ...plan, followUp: { maxTrials: 0, maxMinutes: 30 } })).to.not.include('follow-up');
  });
});
