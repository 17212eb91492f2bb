/**
 * Nothing lost while the lab's database is away: a nightly whose PostgreSQL stops mid-run goes on recording in its
 * local spool, and once the server is back every trial is in the database exactly once; a nightly that cannot
 * reach it at all spools everything and `shakedown sync` uploads it later. The report says what was spooled.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { expectPlantedFaultsExit } from '../nightly/night-exit.js';
import { freshDatabase, testPostgres } from './postgres-server.js';

const CLI = 'bin/shakedown.js';
const DUTS = 11; // rigs/sim-bench.yaml

function shakedown(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
}

/** Trials per DUT in the database, and how many trial rows repeat a (run, DUT, seq). */
async function inDatabase(url: string): Promise<{ total: number; perDut: number[]; repeats: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = (await client.query<{ dut: string; n: number; seqs: number }>(`SELECT dut, COUNT(*)::int AS n, COUNT(DISTINCT (run_id, seq))::int AS seqs FROM trials GROUP BY dut ORDER BY dut`)).rows;
    return { total: rows.reduce((a, r) => a + r.n, 0), perDut: rows.map((r) => r.n), repeats: rows.reduce((a, r) => a + r.n - r.seqs, 0) };
  } finally {
    await client.end();
  }
}

async function countSoFar(url: string): Promise<number> {
  return inDatabase(url).then((c) => c.total, () => 0);
}

function spooled(file: string): number {
  if (!existsSync(file)) return 0;
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM trials').get() as { n: number }).n;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('store: the spool keeps every trial while PostgreSQL is away', function () {
  this.timeout(240_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-spool-'));
  });
  after(() => {
    testPostgres(); // the server runs again for whatever test comes next
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops the server mid-run and starts it again: every trial arrives exactly once, and the report says some were spooled', async () => {
    const server = testPostgres();
    const url = await freshDatabase('spool_mid');
    const out = join(dir, 'mid');
    const spool = join(out, 'spool', 'sim-bench.db');
    const trials = 14;
    const child = spawn(process.execPath, [CLI, 'nightly', '--rig', 'rigs/sim-bench.yaml', '--out', out, '--db', url, '--trials', String(trials), '--no-follow-up'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = once(child, 'exit');
    try {
      for (let i = 0; i < 600 && (await countSoFar(url)) < 33; i++) await wait(100);
      expect(await countSoFar(url), 'trials reached the database before the stop').to.be.at.least(33);
      server.stop('fast');
      for (let i = 0; i < 600 && spooled(spool) < 22; i++) await wait(100);
      expect(spooled(spool), 'trials went to the spool while the server was down').to.be.at.least(22);
    } finally {
      server.start();
    }
    const [code] = await exited;
    expectPlantedFaultsExit(code, join(out, 'sim-bench', 'latest', 'summary.json'), stderr);
    expect(stdout).to.match(/the database was away \(.*\); \d+ trials were spooled in .*spool\/sim-bench\.db; \d+ spooled trials were uploaded/);
    // Uploaded at the end of the run, when the server answered again; else the next `sync` does it.
    if (spooled(spool) > 0) expect(shakedown(['sync', '--db', url, '--out', out]).status).to.equal(0);
    expect(spooled(spool)).to.equal(0);
    const counts = await inDatabase(url);
    expect(counts.repeats).to.equal(0);
    expect(counts.perDut).to.deep.equal(Array(DUTS).fill(trials));
    const html = readFileSync(join(out, 'sim-bench', 'latest', 'index.html'), 'utf8');
    expect(html).to.match(/<section id="spool"><p class="untrusted">\d+ trials of this run were spooled on the bench\. The database was away: /);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const runs = (await client.query('SELECT status FROM runs')).rows;
    await client.end();
    expect(runs, 'the run ended in the database too').to.deep.equal([{ status: 'completed' }]);
  });

  it('spools a whole night when the server cannot be reached, and `shakedown sync` uploads it once', async () => {
    const server = testPostgres();
    const url = await freshDatabase('spool_start');
    const out = join(dir, 'start');
    const spool = join(out, 'spool', 'sim-bench.db');
    server.stop('fast');
    let night;
    try {
      night = shakedown(['nightly', '--rig', 'rigs/sim-bench.yaml', '--out', out, '--db', url, '--trials', '3', '--no-follow-up']);
      expectPlantedFaultsExit(night.status, join(out, 'sim-bench', 'latest', 'summary.json'), night.stderr);
      expect(spooled(spool)).to.equal(DUTS * 3);
      expect(night.stdout).to.match(/33 trials were spooled .*; 33 wait in the spool for the next run or `shakedown sync`/);
      const html = readFileSync(join(out, 'sim-bench', 'latest', 'index.html'), 'utf8');
      expect(html).to.include('33 trials wait in <code>');
      const away = shakedown(['sync', '--db', url, '--out', out]);
      expect(away.status).to.equal(3);
      expect(away.stdout).to.match(/sim-bench: 33 trials stay in .*spool\/sim-bench\.db: the database is away/);
    } finally {
      server.start();
    }
    const sync = shakedown(['sync', '--db', url, '--out', out]);
    expect(sync.status, sync.stderr + sync.stdout).to.equal(0);
    expect(sync.stdout).to.match(/sim-bench: 33 trials uploaded from .*spool\/sim-bench\.db/);
    expect(shakedown(['sync', '--db', url, '--out', out]).stdout).to.match(/sim-bench: 0 trials uploaded/);
    const counts = await inDatabase(url);
    expect(counts).to.deep.equal({ total: DUTS * 3, perDut: Array(DUTS).fill(3), repeats: 0 });
    const runs = shakedown(['report', '--db', url, '--rig', 'rigs/sim-bench.yaml', '--out', join(out, 'again')]);
    expect(runs.status, runs.stderr).to.equal(night!.status);
  });
});
