/**
 * Trial ids (`<run>/<dut>/<seq>`) and the ids to suggest for one that is not stored, the same for every database:
 * each store only fetches the candidates.
 */

/** The run, DUT and trial number of a well-formed trial id; undefined for anything else. */
export function parseTrialId(trialId: string): { runId: string; dut: string; seq: number } | undefined {
  const m = /^(.*)\/([^/]+)\/(\d+)$/.exec(trialId);
  return m ? { runId: m[1]!, dut: m[2]!, seq: Number(m[3]) } : undefined;
}

/** The candidates (ids beside `trialId` in sort order) sharing the longest start with it first, at most `limit`. */
export function nearestTrialIds(trialId: string, candidates: string[], limit: number): string[] {
  const shared = (id: string) => {
    let n = 0;
    while (n < id.length && id[n] === trialId[n]) n++;
    return n;
  };
  return [...new Set(candidates)].sort((a, b) => shared(b) - shared(a) || (a < b ? -1 : a > b ? 1 : 0)).slice(0, limit);
}
