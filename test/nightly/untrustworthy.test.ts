/** A night whose trials the harness itself could not run is "bench not trustworthy tonight", exit 3 — no part is blamed. */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedBench } from '../../harness/config/types.js';
import { EXIT } from '../../harness/core/exit-codes.js';
import { VirtualClock } from '../../harness/core/virtual-clock.js';
import { runNightly } from '../../harness/nightly/nightly.js';
import { simulatedWorld } from '../../harness/sim/world.js';
import { openStore } from '../../harness/store/index.js';
import { cleanSimBench } from '../runner/sim-bench-fixture.js';

/**
 * The simulated bench, but relay board rb2's driver throws on every write (a bug of ours, not of the relays). In
 * simulated time: the counts below are exact only when no trial is also held up by a loaded machine.
 */
function brokenRb2Driver(bench: LoadedBench) {
  const world = simulatedWorld(bench, { clock: new VirtualClock() });
  const rb2 = world.relays.get('rb2')!;
  rb2.set = async () => {
    throw new TypeError("Cannot read properties of undefined (reading 'write')");
  };
  return world;
}

describe('nightly: a bench that cannot be trusted tonight', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'shakedown-untrusted-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 3 with the harness errors in the report, and flags no hardware for them', async () => {
    const store = await openStore(join(dir, 'shakedown.db'));
    try {
      const bench = cleanSimBench();
      const result = await runNightly({ bench, world: brokenRb2Driver(bench), store, outDir: dir, trialsPerDut: 2 });
      expect(result.exitCode).to.equal(EXIT.infrastructure);
      expect(result.headline).to.match(/^Bench not trustworthy tonight — 6 of 22 trials were harness errors \(exception 6\)/);
      const summary = JSON.parse(readFileSync(result.report!.files.summary, 'utf8'));
      expect(summary).to.include({ verdict: 'untrustworthy', trustworthy: false });
      expect(summary.totals).to.include({ trials: 22, passes: 16, failures: 0, errors: 6 });
      for (const c of summary.components) expect(c.verdict, `${c.kind} ${c.id}`).to.equal('ok');
      expect(summary.diagnosis.trials, 'the diagnosis counts only the trials that ran').to.equal(16);
      // No follow-up trial on a night the bench is not trusted: nothing could be decided from it.
      expect(summary.followUp).to.include({ status: 'untrustworthy', trials: 0 });
      expect(summary.followUp.components).to.deep.equal([]);
      const junit = readFileSync(result.report!.files.junit, 'utf8');
      // Each harness error is an <error> of its own, never a <failure>: the suite's counts are the trials'.
      expect(junit.match(/<error type="exception"/g) ?? []).to.have.length(6);
      expect(junit).to.not.match(/failures="[1-9]/);
    } finally {
      await store.close();
    }
  });
});
