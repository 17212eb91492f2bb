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
    expect(f.wanted(), 'd2 and d4 for the pool; d3 is a bad part\'s').to.deep.equal(['d1', 'd2', 'd4']);
  });

  it('follows a shared part through its DUTs: one failing DUT is flagged, the hub cleared once the other is', () => {
    const f = new FollowUp({ diagnosis: { components: [component('hub', 'h1', 'watch')] }, componentsTested: 10, componentsOf, tallies: tallies() });
    expect(f.wanted(), 'd3 and d4 keep the pool growing').to.deep.equal(['d1', 'd2', 'd3', 'd4']);
    for (let i = 0; i < 400 && f.wanted().length > 0; i++) {
      if (f.wants('d1')) f.add('d1', i % 5 === 0 ? 'fail' : 'pass');
      if (f.wants('d2')) f.add('d2', 'pass');
    }
    const decision = (duts: string) => f.units.find((u) => u.duts.join() === duts)!.decision;
    expect(decision('d1')).to.equal('flagged');
    expect(decision('d2')).to.equal('cleared');
    expect(decision('d1,d2'), 'one DUT is not a shared cause').to.equal('cleared');
  });

  it('keeps clean DUTs running beside the followed one while it is undecided, so that the pool grows', () => {
    const diagnosis = { components: [component('cable', 'c1', 'watch'), component('cable', 'c3', 'bad')] };
    const f = new FollowUp({ diagnosis, componentsTested: 10, componentsOf, tallies: tallies() });
    // d3 is a flagged part's DUT: its failures would make the bench look worse than it is.
    expect(f.poolDuts).to.deep.equal(['d2', 'd4']);
    expect(f.wanted()).to.deep.equal(['d1', 'd2', 'd4']);
    expect(f.wants('d2')).to.equal(true);
    expect(f.wants('d3')).to.equal(false);
    // d1 passes every trial; the pool fails one in 100, as before.
    for (let i = 1; i <= 2000 && f.wants('d1'); i++) for (const dut of f.wanted()) f.add(dut, dut !== 'd1' && i % 100 === 0 ? 'fail' : 'pass');
    expect(f.units[0]!.decision).to.equal('cleared');
    expect(f.units[0]!.pool.trials, 'the pool grew with the follow-up').to.be.greaterThan(200);
    expect([f.wants('d2'), f.wants('d4')], 'the pool stops with the last undecided part').to.deep.equal([false, false]);
    expect(f.wanted()).to.deep.equal([]);
  });

  it('runs at most followUpPoolDuts clean DUTs for the pool per followed DUT, none when nothing is followed', () => {
    const one = new FollowUp({ diagnosis: { components: [component('cable', 'c1', 'watch')] }, componentsTested: 10, componentsOf, tallies: tallies(), thresholds: { followUpPoolDuts: 1 } });
    expect(one.poolDuts).to.deep.equal(['d2']);
    const none = new FollowUp({ diagnosis: { components: [component('cable', 'c1', 'ok')] }, componentsTested: 10, componentsOf, tallies: tallies() });
    expect(none.poolDuts).to.deep.equal([]);
  });

  it('gives the pool only the lanes the followed DUTs leave free, so that no followed DUT waits behind it', () => {
    const diagnosis = { components: [component('cable', 'c1', 'watch'), component('cable', 'c2', 'watch')] };
    expect(new FollowUp({ diagnosis, componentsTested: 10, componentsOf, tallies: tallies(), lanes: 3 }).poolDuts).to.deep.equal(['d3']);
    expect(new FollowUp({ diagnosis, componentsTested: 10, componentsOf, tallies: tallies(), lanes: 2 }).wanted()).to.deep.equal(['d1', 'd2']);
  });

  it('flags a part failing ten times the bench that a pool frozen at the planned trials never could', () => {
    // Planned: d1 4 of 40 against 1 of 120 elsewhere. Follow-up: d1 fails one trial in 20, the others one in 200.
    // Frozen at 1 of 120, Fisher's test stays above α however long d1 fails.
    const start = new Map([['d1', { trials: 40, failures: 4 }], ...['d2', 'd3', 'd4'].map((d) => [d, { trials: 40, failures: d === 'd2' ? 1 : 0 }] as const)]);
    const f = new FollowUp({ diagnosis: { components: [component('cable', 'c1', 'watch'), component('dut', 'd1', 'watch')] }, componentsTested: 50, componentsOf, tallies: start });
    const seen = new Map<string, number>();
    for (let round = 0; round < 3000 && f.wants('d1'); round++) {
      for (const dut of f.wanted()) {
        const n = (seen.get(dut) ?? 0) + 1;
        seen.set(dut, n);
        f.add(dut, n % (dut === 'd1' ? 20 : 200) === 0 ? 'fail' : 'pass');
      }
    }
    const unit = f.units.find((u) => u.duts.join() === 'd1')!;
    expect(unit.decision).to.equal('flagged');
    expect(unit.tally.trials, 'within a few hundred trials').to.be.below(1000);
  });
});
