/**
 * The follow-up's sequential test and its bookkeeping: flags a clear excess, clears a part that fails like the
 * pool, waits in between, never flags on a small pool's luck; a shared part is decided by its DUTs.
 */
import { expect } from 'chai';
import { logClearRatio, logMixtureRatio, sequentialDecision, type SequentialOptions } from '../../harness/diagnose/sequential.js';
import type { ComponentDiagnosis } from '../../harness/diagnose/types.js';
import { FollowUp, sequentialOptions } from '../../harness/nightly/follow-up.js';

const options: SequentialOptions = { alpha: 1e-3 / 50, beta: 0.05, minRatio: 3, maxRatio: 30, minFailures: 3 };

describe('diagnose: the sequential test of follow-up trials', () => {
  it('flags a part failing ten times the pool, clears one failing like it, and waits in between', () => {
    expect(sequentialDecision(12, 200, 10, 2000, options)).to.equal('flagged');
    expect(sequentialDecision(2, 1000, 10, 2000, options)).to.equal('cleared');
    expect(sequentialDecision(3, 100, 10, 2000, options)).to.equal('undecided');
  });

  it('grows with the evidence: more failures, a larger flag statistic and a smaller clear statistic', () => {
    expect(logMixtureRatio(8, 150, 0.005, 3, 30)).to.be.greaterThan(logMixtureRatio(6, 150, 0.005, 3, 30));
    expect(logClearRatio(0, 300, 0.005, 3)).to.be.greaterThan(logClearRatio(2, 300, 0.005, 3));
  });

  it('does not flag on a small pool that happened to be clean, however the part looks', () => {
    // 5 of 17 against 0 of 50: the pool's rate is not known well enough (Fisher's test carries that).
    expect(sequentialDecision(5, 17, 0, 50, options)).to.equal('undecided');
    expect(sequentialDecision(5, 17, 0, 5000, options)).to.equal('flagged');
  });

  it('takes its error rates from the diagnosis: the suspect level over the components tested, and missP', () => {
    expect(sequentialOptions(40)).to.deep.include({ alpha: 1e-3 / 40, beta: 0.05, minRatio: 3 });
  });
});

describe('nightly: what follow-up trials follow', () => {
  const component = (kind: ComponentDiagnosis['kind'], id: string, verdict: ComponentDiagnosis['verdict']) => ({ kind, id, verdict }) as ComponentDiagnosis;
  // d1, d2 on hub h1; d3, d4 on hub h2.
  const componentsOf = new Map([
    ['d1', ['dut:d1', 'cable:c1', 'hub:h1']],
    ['d2', ['dut:d2', 'cable:c2', 'hub:h1']],
    ['d3', ['dut:d3', 'cable:c3', 'hub:h2']],
    ['d4', ['dut:d4', 'cable:c4', 'hub:h2']],
  ]);
  const tallies = () => new Map(['d1', 'd2', 'd3', 'd4'].map((d) => [d, { trials: 100, failures: 1 }]));

  it('follows a confounded group as one part, on its DUT only, and ignores ok and bad parts', () => {
    const diagnosis = { components: [component('cable', 'c1', 'watch'), component('dut', 'd1', 'watch'), component('cable', 'c3', 'bad'), component('dut', 'd3', 'watch'), component('cable', 'c2', 'ok')] };
    const f = new FollowUp({ diagnosis, componentsTested: 10, componentsOf, tallies: tallies() });
    expect(f.units.map((u) => [u.components.map((c) => c.id), u.duts])).to.deep.equal([[['c1', 'd1'], ['d1']]]);
    expect(f.wanted()).to.deep.equal(['d1']);
  });

  it('follows a shared part through its DUTs: one failing DUT is flagged, the hub cleared once the other is', () => {
    const f = new FollowUp({ diagnosis: { components: [component('hub', 'h1', 'watch')] }, componentsTested: 10, componentsOf, tallies: tallies() });
    expect(f.wanted()).to.deep.equal(['d1', 'd2']);
    for (let i = 0; i < 400 && f.wanted().length > 0; i++) {
      if (f.wants('d1')) f.add('d1', i % 5 === 0 ? 'fail' : 'pass');
      if (f.wants('d2')) f.add('d2', 'pass');
    }
    const decision = (duts: string) => f.units.find((u) => u.duts.join() === duts)!.decision;
    expect(decision('d1')).to.equal('flagged');
    expect(decision('d2')).to.equal('cleared');
    expect(decision('d1,d2'), 'one DUT is not a shared cause').to.equal('cleared');
  });
});
