/**
 * The yardstick for "how many trials until the first correct flag": Wald's sequential probability ratio test on the
 * faulty component's own trials, told the true baseline and faulty rates (which the diagnosis never knows). It is
 * the fewest trials any test with the same error rates can need on average, so it bounds what we can hope for.
 */
export interface SprtOptions {
  /** Per-trial failure probability without the fault. */
  p0: number;
  /** Per-trial failure probability with it. */
  p1: number;
  /** False-alarm probability (match the diagnosis' per-component level). */
  alpha: number;
  /** Miss probability. */
  beta: number;
}

/** Number of trials (1-based) after which the test decides "faulty", or undefined if the outcomes never get there. */
export function sprtTrialsToDetect(outcomes: Iterable<boolean>, o: SprtOptions): number | undefined {
  const p0 = Math.min(1 - 1e-9, Math.max(1e-9, o.p0));
  const p1 = Math.min(1 - 1e-9, Math.max(p0 + 1e-9, o.p1));
  const upper = Math.log((1 - o.beta) / o.alpha);
  const onFail = Math.log(p1 / p0);
  const onPass = Math.log((1 - p1) / (1 - p0));
  let llr = 0;
  let n = 0;
  for (const failed of outcomes) {
    n++;
    llr += failed ? onFail : onPass;
    if (llr >= upper) return n;
  }
  return undefined;
}
