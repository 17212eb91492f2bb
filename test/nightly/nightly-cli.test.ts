/**
 * `shakedown nightly` on the shipped simulated bench, as a lab would run it: reports on disk, the latest link,
 * summary.json for scripts; a crashed night completed by the next start; `shakedown report` from the store.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expectPlantedFaultsExit } from './night-exit.js';

const CLI = ['bin/shakedown.js'];

function shakedown(args: string[]) {
  return spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
}

function trialCounts(db: string): { runs: Array<{ id: string; status: string }>; perDut: Record<string, number>; duplicates: number } {
  const d = new Database(db, { readonly: true });
  try {
    const runs = d.prepare('SELECT id, status FROM runs').all() as Array<{ id: string; status: string }>;
    const rows = d.prepare('SELECT dut, COUNT(*) AS n, COUNT(DISTINCT seq) AS seqs FROM trials GROUP BY dut').all() as Array<{ dut: string; n: number; seqs: number }>;
    return {
      runs,
      perDut: Object.fromEntries(rows.map((r) => [r.dut, r.n])),
      duplicates: rows.reduce((sum, r) => sum + r.n - r.seqs, 0),
    };
  } finally {
    d.close();
  }
}

/** Trials in the store so far; 0 while the file or its tables do not exist yet. */
function storedSoFar(db: string): number {
  try {
    return Object.values(trialCounts(db).perDut).reduce((a, b) => a + b, 0);
  } catch {
    return 0;
  }
}

describe('shakedown nightly on the simulated bench', function () {
  this.timeout(180_000);
  const out = mkdtempSync(join(tmpdir(), 'shakedown-nightly-'));

  it('writes the night’s report, the latest link and summary.json, keeps N nights, and exits 1 for the planted faults', () => {
    const oldNight = join(out, 'sim-bench', '2026-01-01');
    mkdirSync(oldNight, { recursive: true });
    const result = shakedown(['nightly', '--rig', 'rigs/sim-bench.yaml', '--out', out, '--trials', '8', '--keep', '1', '--no-follow-up']);
    expect(existsSync(oldNight), 'the older night beyond --keep 1 is removed').to.equal(false);
    expect(result.stderr).to.not.match(/\n\s+at /);
    const latest = join(out, 'sim-bench', 'latest');
    expectPlantedFaultsExit(result.status, join(latest, 'summary.json'), result.stderr);
    expect(readlinkSync(latest)).to.match(/^\d{4}-\d{2}-\d{2}$/);
    for (const file of ['index.html', 'summary.json', 'junit.xml']) expect(existsSync(join(latest, file)), file).to.equal(true);
    const summary = JSON.parse(readFileSync(join(latest, 'summary.json'), 'utf8'));
    expect(summary.rig).to.equal('sim-bench');
    expect(summary.components).to.be.an('array').that.is.not.empty;
    for (const c of summary.components) expect(c).to.include.keys('id', 'kind', 'verdict', 'evidence');
    const d7 = summary.components.find((c: { id: string; kind: string }) => c.id === 'd7' && c.kind === 'dut');
    expect(d7?.verdict, 'the board stuck in Preloader').to.be.oneOf(['suspect', 'bad']);
    expect(result.stdout).to.match(/report: .*index\.html/);
  });

  it('completes a night killed mid-run instead of starting again', async () => {
    const db = join(out, 'resume.db');
    // Without follow-up trials, every DUT ends with exactly its planned trials.
    const args = ['nightly', '--rig', 'rigs/sim-bench.yaml', '--out', out, '--db', db, '--trials', '12', '--no-follow-up'];
    const child = spawn(process.execPath, [...CLI, ...args], { stdio: 'ignore', env: { ...process.env, CI: '1' } });
    for (let i = 0; i < 300; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (storedSoFar(db) >= 12) break;
    }
    child.kill('SIGKILL');
    await once(child, 'exit');
    const before = trialCounts(db);
    expect(before.runs).to.have.length(1);
    expect(before.runs[0]!.status).to.equal('running');

    const again = shakedown(args);
    expect(again.stdout).to.match(/resuming tonight's unfinished run/);
    const after = trialCounts(db);
    expect(after.runs.map((r) => r.id)).to.deep.equal(before.runs.map((r) => r.id));
    expect(after.runs[0]!.status).to.equal('completed');
    expect(after.duplicates).to.equal(0);
    for (const n of Object.values(after.perDut)) expect(n).to.equal(12);
  });

  it('refuses a second nightly on the same store while the first runs, whatever its $TMPDIR', async () => {
    const db = join(out, 'busy.db');
    const args = ['nightly', '--rig', 'rigs/sim-bench.yaml', '--out', join(out, 'busy'), '--db', db];
    const tmpOf = (name: string) => mkdtempSync(join(out, `${name}-`));
    const first = spawn(process.execPath, [...CLI, ...args, '--trials', '500'], { stdio: 'ignore', env: { ...process.env, CI: '1', TMPDIR: tmpOf('tmp-first') } });
    try {
      for (let i = 0; i < 300 && storedSoFar(db) === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(storedSoFar(db), 'the first nightly is under way').to.be.greaterThan(0);
      const second = spawnSync(process.execPath, [...CLI, ...args, '--trials', '1'], { encoding: 'utf8', env: { ...process.env, CI: '1', TMPDIR: tmpOf('tmp-second') } });
      expect(second.status, second.stdout).to.equal(3);
      expect(second.stderr).to.match(new RegExp(`another run of rig sim-bench is in progress \\(PID ${first.pid}, since `));
      expect(second.stdout).to.not.match(/resuming/);
    } finally {
      first.kill('SIGKILL');
      await once(first, 'exit');
    }
  });

  it('regenerates a night’s report from the store with `shakedown report`', () => {
    const again = join(out, 'again');
    const result = shakedown(['report', '--db', join(out, 'resume.db'), '--rig', 'rigs/sim-bench.yaml', '--out', again]);
    expect(result.status, result.stderr).to.equal(1);
    const entries = spawnSync('ls', [join(again, 'sim-bench')], { encoding: 'utf8' }).stdout.trim().split('\n');
    const nights = entries.filter((name) => /^\d{4}-\d{2}-\d{2}$/.test(name));
    expect(nights).to.have.length(1);
    expect(entries, 'the nights index beside the night').to.include('index.html');
    expect(readFileSync(join(again, 'sim-bench', 'index.html'), 'utf8')).to.include(`href="${nights[0]}/index.html"`);
    expect(readFileSync(join(again, 'sim-bench', nights[0]!, 'index.html'), 'utf8')).to.include('Content-Security-Policy');
  });

  it('diagnoses the store given the rig file or the rig id, the same way', () => {
    const db = join(out, 'resume.db');
    const byFile = shakedown(['diagnose', '--db', db, '--rig', 'rigs/sim-bench.yaml', '--json']);
    const byId = shakedown(['diagnose', '--db', db, '--rig', 'sim-bench', '--json']);
    expect(byFile.status, byFile.stderr).to.equal(1);
    const verdicts = (text: string) =>
      (JSON.parse(text).components as Array<{ id: string; kind: string; verdict: string }>).map((c) => `${c.kind}:${c.id}:${c.verdict}`);
    expect(verdicts(byFile.stdout)).to.deep.equal(verdicts(byId.stdout));
    expect(verdicts(byFile.stdout)).to.include('dut:d7:bad');
  });

  it('says what is wrong, without a stack trace, for a store that does not exist', () => {
    const result = shakedown(['report', '--db', join(out, 'nope.db'), '--out', out]);
    expect(result.status).to.equal(2);
    expect(result.stderr).to.match(/no store at .*nope\.db/);
  });
});
