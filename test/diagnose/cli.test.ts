import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { diagnose } from '../../harness/diagnose/diagnose.js';
import { openStore } from '../../harness/store/index.js';
import { baseline, trials, twelveDuts } from './bench-data.js';

const BIN = fileURLToPath(new URL('../../bin/shakedown.js', import.meta.url));

function shakedown(...args: string[]) {
  const out = spawnSync(process.execPath, [BIN, 'diagnose', ...args], { encoding: 'utf8' });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

describe('diagnose from the store, and `shakedown diagnose`', () => {
  let dir: string;
  let healthy: string;
  let faulty: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-diagnose-'));
    healthy = join(dir, 'healthy.db');
    faulty = join(dir, 'faulty.db');
    for (const [file, broken] of [[healthy, false], [faulty, true]] as const) {
      const store = await openStore(file);
      for (const night of ['2026-11-19', '2026-11-20']) {
        const runId = await store.beginRun({ runId: `run-${night}`, rig: 'bench', night });
        await store.addTrials(twelveDuts().flatMap((d) => trials(d, night, 100, broken && d.supply === 's1' && night === '2026-11-20' ? { 'reset-mid': 25 } : baseline(100))));
        await store.endRun(runId);
      }
      await store.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('diagnoses the window of nights from the aggregated store', async () => {
    const store = await openStore(faulty);
    try {
      const result = await diagnose({ store, rig: 'bench', windowNights: 14 });
      expect(result.night).to.equal('2026-11-20');
      expect(result.windowNights).to.deep.equal(['2026-11-19', '2026-11-20']);
      expect(result.trials).to.equal(2400);
      const supply = result.components[0]!;
      expect([supply.kind, supply.id, supply.verdict]).to.deep.equal(['supply', 's1', 'bad']);
      expect(supply.changedSince).to.equal('failing since 2026-11-20');
      // A window of one night before the fault sees a healthy bench.
      const before = await diagnose({ store, rig: 'bench', night: '2026-11-19', windowNights: 1 });
      expect(before.components.every((c) => c.verdict === 'ok' || c.verdict === 'watch')).to.equal(true);
    } finally {
      await store.close();
    }
  });

  it('prints JSON with components[].id/kind/verdict/evidence and exits 1 on a flag', () => {
    const { code, stdout } = shakedown('--db', faulty, '--json');
    expect(code).to.equal(1);
    const result = JSON.parse(stdout) as { components: Array<{ id: string; kind: string; verdict: string; evidence: { trials: number } }> };
    expect(result.components[0]).to.deep.include({ id: 's1', kind: 'supply', verdict: 'bad' });
    expect(result.components[0]!.evidence.trials).to.equal(800);
  });

  it('prints a table and exits 0 on a healthy bench', () => {
    const { code, stdout } = shakedown('--db', healthy, '--rig', 'bench');
    expect(code).to.equal(0);
    expect(stdout).to.match(/No component stands out/);
  });

  it('prints the flagged component with its next step', () => {
    const { code, stdout } = shakedown('--db', faulty);
    expect(code).to.equal(1);
    expect(stdout).to.match(/BAD\s+supply\s+s1/);
    expect(stdout).to.match(/next: Measure supply s1/);
  });

  it('bad input: a missing store, an unknown rig, a bad window — exit 2; a file that is no store — exit 3; a clear message, no stack', () => {
    const missing = shakedown('--db', join(dir, 'nope.db'));
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.match(/no store at .*nope\.db/);
    const rig = shakedown('--db', faulty, '--rig', 'other');
    expect(rig.code).to.equal(2);
    expect(rig.stderr).to.match(/no trials of rig other/);
    const window = shakedown('--db', faulty, '--window', 'x');
    expect(window.code).to.equal(2);
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'this is not sqlite at all, not even close'.repeat(50));
    const notSqlite = shakedown('--db', garbage);
    // A damaged store is the bench's problem, as `run` and `nightly` say of it: exit 3, what to do.
    expect(notSqlite.code).to.equal(3);
    expect(notSqlite.stderr).to.match(/garbage\.db is damaged .* move it aside/);
    for (const out of [missing, rig, window, notSqlite]) expect(out.stderr).to.not.match(/\n\s+at /);
  });
});
