/**
 * A lab on one machine, as docs/lab.md sets it up: two simulated rigs (both files named bench1.yaml, told apart by
 * their lab ids) on two "bench PCs" writing to one PostgreSQL, then `shakedown lab` and the page in Chromium. A rig
 * id run from a second PC is refused (exit 2), a second nightly of a rig being run elsewhere exits 3.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import pg from 'pg';
import type { LabPage } from '../../harness/report/lab/index.js';
import { expectPlantedFaultsExit } from '../nightly/night-exit.js';
import { freshDatabase } from '../store/postgres-server.js';

const CLI = 'bin/shakedown.js';
const EVIL_TITLE = 'Bench <script>alert(1)</script> & "A"';

function shakedown(args: string[], host: string, db: string) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1', SHAKEDOWN_HOST: host, SHAKEDOWN_DB: db } });
}

/** rigs/sim-bench.yaml as bench1.yaml in a folder of its own, with a title and lab identity. */
function rigFile(dir: string, title: string, lab?: string): string {
  mkdirSync(dir, { recursive: true });
  const source = readFileSync('rigs/sim-bench.yaml', 'utf8').replace(/^title: .*$/m, `title: ${JSON.stringify(title)}\nboards: ${resolve('boards')}${lab ? `\nlab: ${lab}` : ''}`);
  const file = join(dir, 'bench1.yaml');
  writeFileSync(file, source);
  return file;
}

describe('lab: two bench PCs, one PostgreSQL, one page', function () {
  this.timeout(240_000);
  let dir: string;
  let url: string;
  let out: string;
  let rigA: string;
  let rigB: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-lab-'));
    url = await freshDatabase('lab');
    out = join(dir, 'reports');
    rigA = rigFile(join(dir, 'pc-a'), EVIL_TITLE, '{ id: lab-a, site: "Room <1>" }');
    rigB = rigFile(join(dir, 'pc-b'), 'Bench B', '{ id: lab-b, site: Room 2 }');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs two rigs of the same file name under their lab ids into one store', () => {
    for (const [rig, host, id] of [[rigA, 'pc-a', 'lab-a'], [rigB, 'pc-b', 'lab-b']] as const) {
      const night = shakedown(['nightly', '--rig', rig, '--out', out, '--trials', '8', '--no-follow-up'], host, url);
      expectPlantedFaultsExit(night.status, join(out, id, 'latest', 'summary.json'), night.stderr);
    }
    expect(existsSync(join(out, 'lab-a', 'latest', 'index.html'))).to.equal(true);
    expect(existsSync(join(out, 'lab-b', 'latest', 'index.html'))).to.equal(true);
  });

  it('refuses a rig id that another bench PC runs, naming that PC, and stores nothing of it', async () => {
    const plain = rigFile(join(dir, 'pc-c'), 'Plain');
    const first = shakedown(['nightly', '--rig', plain, '--out', join(dir, 'c'), '--trials', '1'], 'pc-c', url);
    expectPlantedFaultsExit(first.status, join(dir, 'c', 'bench1', 'latest', 'summary.json'), first.stderr);
    const other = rigFile(join(dir, 'pc-d'), 'Plain too');
    const refused = shakedown(['nightly', '--rig', other, '--out', join(dir, 'd'), '--trials', '1'], 'pc-d', url);
    expect(refused.status, refused.stdout).to.equal(2);
    expect(refused.stderr).to.match(/^shakedown: rig bench1 in the store postgresql:\/\/.* is the rig of bench PC pc-c \(since .*\), not of pc-d: give this rig a lab-unique id \(lab: \{ id: pc-d-bench1 \}/);
    expect(refused.stderr).to.not.match(/\n\s+at /);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const hosts = (await client.query(`SELECT DISTINCT host FROM runs WHERE rig = 'bench1'`)).rows;
    await client.end();
    expect(hosts).to.deep.equal([{ host: 'pc-c' }]);
  });

  it('exits 3 naming the holder when another PC starts a nightly of a rig that is running', async () => {
    const first = spawn(process.execPath, [CLI, 'nightly', '--rig', rigA, '--out', join(dir, 'busy'), '--trials', '500'], {
      stdio: 'ignore',
      env: { ...process.env, CI: '1', SHAKEDOWN_HOST: 'pc-a', SHAKEDOWN_DB: url },
    });
    try {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      for (let i = 0; i < 300; i++) {
        const { rows } = await client.query(`SELECT COUNT(*)::int AS n FROM trials WHERE run_id IN (SELECT id FROM runs WHERE rig = 'lab-a' AND status = 'running')`);
        if (rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await client.end();
      const second = shakedown(['nightly', '--rig', rigA, '--out', join(dir, 'busy2'), '--trials', '1'], 'pc-z', url);
      expect(second.status, second.stderr).to.equal(3);
      expect(second.stderr).to.match(new RegExp(`another run of rig lab-a is in progress on host pc-a \\(PID ${first.pid}, since .*\\) \\(advisory lock in postgresql://`));
    } finally {
      first.kill('SIGKILL');
      await once(first, 'exit');
    }
  });

  it('writes the lab page and lab.json: every rig, its verdict, host, site, report and trend, and the findings across rigs', async () => {
    const lab = shakedown(['lab', '--out', out], 'lab-server', url);
    expect(lab.status, lab.stderr).to.equal(1);
    expect(lab.stdout).to.match(/lab page: .*index\.html/);
    const page = JSON.parse(readFileSync(join(out, 'lab.json'), 'utf8')) as LabPage;
    expect(page.rigs.map((r) => [r.rig, r.host, r.site])).to.deep.equal([
      ['bench1', 'pc-c', null],
      ['lab-a', 'pc-a', 'Room <1>'],
      ['lab-b', 'pc-b', 'Room 2'],
    ]);
    const a = page.rigs.find((r) => r.rig === 'lab-a')!;
    expect(a).to.include({ title: EVIL_TITLE, verdict: 'flagged' });
    expect(a.report).to.match(/^lab-a\/\d{4}-\d{2}-\d{2}\/index\.html$/);
    expect(a.trend).to.have.length(1);
    expect(a.flags.map((f) => `${f.kind} ${f.id}`)).to.include('dut d7');
    // Both benches carry the same planted MediaTek board d7, stuck in its Preloader: the board, wherever it is.
    expect(page.findings.map((f) => `${f.component.kind} ${f.component.id}`), lab.stdout).to.include('dut d7');
    expect(page.store).to.equal(url);

    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).to.include('Content-Security-Policy').and.not.include('<script>alert');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
      const p = await context.newPage();
      const requests: string[] = [];
      const problems: string[] = [];
      p.on('request', (r) => requests.push(r.url()));
      p.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(m.text()));
      p.on('dialog', (d) => (problems.push(`dialog ${d.message()}`), void d.dismiss()));
      const page0 = pathToFileURL(join(out, 'index.html')).href;
      await p.goto(page0, { waitUntil: 'load' });
      expect(await p.locator('#verdict h1').textContent()).to.match(/^3 rigs — 1 lab-wide finding, 2 flagged, 1 failures/);
      expect(await p.locator('#rigs').textContent()).to.include(EVIL_TITLE).and.include('Room <1>').and.include('on pc-a');
      expect(await p.locator('#findings ol.checks > li').count()).to.be.at.least(1);
      await p.locator('#rigs a', { hasText: 'lab-a' }).click();
      expect(p.url()).to.match(/\/lab-a\/\d{4}-\d{2}-\d{2}\/index\.html$/);
      expect(requests.filter((r) => !r.startsWith('file:'))).to.deep.equal([]);
      expect(problems).to.deep.equal([]);
      await p.goto(page0);
      await p.screenshot({ path: join('reports', 'lab-page.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
