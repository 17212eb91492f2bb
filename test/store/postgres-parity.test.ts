/**
 * Parity: the same trials in a SQLite file and in PostgreSQL give byte-identical `diagnose --json` and the same
 * report (only the line naming the database driver differs). The trials are a real night of the simulated bench
 * and a synthesised month of a 16-DUT fleet with planted faults, written to both stores.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../harness/store/index.js';
import { SqliteTrialStore } from '../../harness/store/sqlite/store.js';
import { stm32Fleet } from '../../bench/lib/rigs.js';
import { synthesiseStore } from '../../bench/lib/synth-store.js';
import { expectPlantedFaultsExit } from '../nightly/night-exit.js';
import { freshDatabase } from './postgres-server.js';

function shakedown(args: string[]) {
  return spawnSync(process.execPath, ['bin/shakedown.js', ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
}

/** Every run and trial of a SQLite store, copied into the store at `url` the way a spool is uploaded. */
async function copyInto(file: string, url: string): Promise<void> {
  const from = SqliteTrialStore.open(file, { readonly: true });
  const to = await openStore(url);
  try {
    for (const run of await from.allRuns()) {
      await to.upsertRun(run);
      const trials = [];
      for await (const record of from.trialsFor({ rig: run.rig, runId: run.id, transcripts: true })) trials.push(record);
      await to.addTrials(trials);
    }
  } finally {
    await from.close();
    await to.close();
  }
}

/** A report file with the database driver's version left out (better-sqlite3 in one, pg in the other). */
function withoutDriver(text: string): string {
  return text
    .replace(/<dt>version: (?:better-sqlite3|pg)<\/dt><dd>[^<]*<\/dd>/g, '')
    .replace(/\n\s*"(?:better-sqlite3|pg)": "[^"]*",?/g, '');
}

describe('store parity: SQLite and PostgreSQL give the same answers', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-parity-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a real night of the simulated bench: byte-identical diagnose --json, the same report', async () => {
    const file = join(dir, 'night.db');
    const night = shakedown(['nightly', '--rig', 'rigs/sim-bench.yaml', '--out', join(dir, 'night'), '--db', file, '--trials', '8']);
    expectPlantedFaultsExit(night.status, join(dir, 'night', 'sim-bench', 'latest', 'summary.json'), night.stderr);
    const url = await freshDatabase('parity_night');
    await copyInto(file, url);

    const fromFile = shakedown(['diagnose', '--db', file, '--rig', 'rigs/sim-bench.yaml', '--json']);
    const fromServer = shakedown(['diagnose', '--db', url, '--rig', 'rigs/sim-bench.yaml', '--json']);
    expect(fromServer.status, fromServer.stderr).to.equal(fromFile.status);
    expect(fromFile.stdout).to.include('"components"');
    expect(fromServer.stdout).to.equal(fromFile.stdout);

    const outFile = join(dir, 'report-file');
    const outServer = join(dir, 'report-server');
    expect(shakedown(['report', '--db', file, '--rig', 'rigs/sim-bench.yaml', '--out', outFile]).status).to.equal(night.status);
    const again = shakedown(['report', '--db', url, '--rig', 'rigs/sim-bench.yaml', '--out', outServer]);
    expect(again.status, again.stderr).to.equal(night.status);
    const [nightDir] = readdirSync(join(outFile, 'sim-bench'));
    for (const name of ['index.html', 'summary.json', 'junit.xml']) {
      const a = readFileSync(join(outFile, 'sim-bench', nightDir!, name), 'utf8');
      const b = readFileSync(join(outServer, 'sim-bench', nightDir!, name), 'utf8');
      expect(withoutDriver(b), name).to.equal(withoutDriver(a));
    }
    expect(readFileSync(join(outServer, 'sim-bench', nightDir!, 'index.html'), 'utf8')).to.match(/<dt>version: pg<\/dt>/);
  });

  it('a synthesised fortnight of a 16-DUT fleet with planted faults: byte-identical diagnose --json for every window', async () => {
    const bench = stm32Fleet(16);
    const file = join(dir, 'fleet.db');
    const url = await freshDatabase('parity_fleet');
    for (const target of [file, url]) await synthesiseStore({ file: target, bench, nights: 14, records: 16_000, seed: 11 });
    for (const [night, window] of [['2026-01-14', '14'], ['2026-01-09', '3']] as const) {
      const a = shakedown(['diagnose', '--db', file, '--rig', bench.rig.id, '--night', night, '--window', window, '--json']);
      const b = shakedown(['diagnose', '--db', url, '--rig', bench.rig.id, '--night', night, '--window', window, '--json']);
      expect(a.status, a.stderr).to.equal(1);
      expect(JSON.parse(a.stdout).components.filter((c: { verdict: string }) => c.verdict === 'bad' || c.verdict === 'suspect')).to.not.be.empty;
      expect(b.stdout, `night ${night}, window ${window}`).to.equal(a.stdout);
    }
  });
});
