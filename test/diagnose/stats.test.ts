import { expect } from 'chai';
import { fisherGreater, holm, holmLog, logBinomialLower, logChoose, logFisherGreater, logGamma } from '../../harness/diagnose/stats.js';

/** Brute-force hypergeometric tail for checking. */
function bruteFisher(a: number, n1: number, b: number, n2: number): number {
  const choose = (n: number, k: number): number => {
    let r = 1;
    for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
    return r;
  };
  const K = a + b;
  const N = n1 + n2;
  let p = 0;
  for (let x = a; x <= Math.min(K, n1); x++) p += (choose(K, x) * choose(N - K, n1 - x)) / choose(N, n1);
  return p;
}

describe('diagnosis statistics', () => {
  it('log-gamma matches factorials', () => {
    expect(logGamma(1)).to.be.closeTo(0, 1e-12);
    expect(logGamma(11)).to.be.closeTo(Math.log(3628800), 1e-9);
    expect(Math.exp(logChoose(10, 3))).to.be.closeTo(120, 1e-8);
  });

  it('the one-sided Fisher test matches a brute-force hypergeometric tail', () => {
    for (const [a, n1, b, n2] of [[8, 20, 3, 60], [5, 10, 1, 30], [12, 40, 10, 200], [3, 5, 0, 5]] as const) {
      expect(fisherGreater(a, n1, b, n2)).to.be.closeTo(bruteFisher(a, n1, b, n2), 1e-10);
    }
  });

  it('gives p = 1 when there is no excess, and keeps extreme p-values as logs', () => {
    expect(fisherGreater(1, 100, 10, 1000)).to.equal(1);
    const logP = logFisherGreater(900, 1000, 10, 100000);
    expect(logP).to.be.below(-1000);
    expect(Number.isFinite(logP)).to.equal(true);
  });

  it('Holm adjusts step-down and keeps order', () => {
    const adjusted = holm([0.01, 0.04, 0.03, 0.005]);
    expect(adjusted).to.deep.equal([0.03, 0.06, 0.06, 0.02]);
    const logs = holmLog([0.01, 0.04, 0.03, 0.005].map(Math.log)).map(Math.exp);
    logs.forEach((p, i) => expect(p).to.be.closeTo(adjusted[i]!, 1e-12));
  });

  it('binomial lower tail', () => {
    expect(Math.exp(logBinomialLower(0, 10, 0.5))).to.be.closeTo(1 / 1024, 1e-12);
    expect(Math.exp(logBinomialLower(1, 3, 0.5))).to.be.closeTo(0.5, 1e-12);
  });
});
