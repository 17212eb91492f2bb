/**
 * `nightly.notify` on its own (a small script that writes its argument to a file; a failing one; one that hangs),
 * and the night around it: a rig with a DUT in maintenance and a notify command, run by `shakedown nightly`.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { runNotify } from '../../harness/nightly/notify.js';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);

describe('nightly: notify', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'shakedown-notify-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A script that writes its first argument (and what it was asked to print) to a file. */
  function script(name: string, body: string): string {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  }

  it('runs the command with the summary path as its argument, and logs its output', async () => {
    const got = join(dir, 'got.txt');
    const cmd = script('post.sh', `printf '%s' "$1" > ${got}\necho posted to the lab chat`);
    const lines: string[] = [];
    const path = join(dir, 'a dir with spaces', 'summary.json');
    const result = await runNotify({ command: `${cmd} --channel lab`, timeoutMs: 10_000 }, path, (l) => lines.push(l));
    expect(result).to.deep.equal({ exitCode: 0, timedOut: false });
    // "$1" of the script is its first argument: --channel; the summary path comes last.
    expect(lines).to.include('notify out: posted to the lab chat');
    const last = script('last.sh', `for a; do last=$a; done; printf '%s' "$last" > ${got}`);
    await runNotify({ command: last, timeoutMs: 10_000 }, path, () => undefined);
    expect(readFileSync(got, 'utf8')).to.equal(path);
  });

  it('logs a failing command and a missing one, and returns: never fatal', async () => {
    const lines: string[] = [];
    const failing = script('fail.sh', 'echo no network >&2\nexit 7');
    expect(await runNotify({ command: failing, timeoutMs: 10_000 }, '/x/summary.json', (l) => lines.push(l))).to.deep.equal({ exitCode: 7, timedOut: false });
    expect(lines).to.include('notify err: no network');
    expect(lines.some((l) => /notify: the command exited 7 \(the night's result stands\)/.test(l))).to.equal(true);
    const missing = await runNotify({ command: join(dir, 'nowhere.sh'), timeoutMs: 10_000 }, '/x/summary.json', (l) => lines.push(l));
    expect(missing.exitCode).to.equal(127);
  });

  it('stops a command that does not end in time, with its children', async () => {
    const lines: string[] = [];
    const hang = script('hang.sh', 'sleep 60 &\nsleep 60');
    const result = await runNotify({ command: hang, timeoutMs: 300 }, '/x/summary.json', (l) => lines.push(l));
    expect(result.timedOut).to.equal(true);
    expect(lines.some((l) => l.includes('no end after 300 ms'))).to.equal(true);
  });

  it('runs on a night with new flags, and leaves a DUT in maintenance unrun', () => {
    const got = join(dir, 'night.txt');
    const cmd = script('night.sh', `printf '%s' "$1" > ${got}`);
    const rigText = readFileSync(join(ROOT, 'rigs/sim-bench.yaml'), 'utf8')
      .replace('title: Simulated bench', `boards: ${join(ROOT, 'boards')}\ntitle: Simulated bench`)
      .replace('  historyNights: 14', `  historyNights: 14\n  notify: ${cmd}`)
      .replace('  - id: d5\n', '  - id: d5\n    health: maintenance\n    notes: new crystal being fitted\n');
    const rig = join(dir, 'sim-bench.yaml');
    writeFileSync(rig, rigText);
    const out = join(dir, 'reports');
    const run = spawnSync(process.execPath, ['bin/shakedown.js', 'nightly', '--rig', rig, '--out', out, '--trials', '8', '--no-follow-up'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' } });
    expect(run.status, run.stderr).to.equal(1);
    const summaryPath = resolve(out, 'sim-bench', 'latest', 'summary.json');
    expect(existsSync(got), run.stdout).to.equal(true);
    expect(readFileSync(got, 'utf8')).to.equal(resolve(out, 'sim-bench', JSON.parse(readFileSync(summaryPath, 'utf8')).night, 'summary.json'));
    expect(run.stdout).to.match(/notify: .*night\.sh/);
    const summary = JSON.parse(readFileSync(summaryPath, 'utf8'));
    expect(summary.outOfService).to.deep.equal([{ dut: 'd5', health: 'maintenance', notes: 'new crystal being fitted' }]);
    expect(summary.duts.map((d: { id: string }) => d.id)).to.not.include('d5');
    const db = new Database(join(out, 'shakedown.db'), { readonly: true });
    try {
      expect((db.prepare(`SELECT COUNT(*) AS n FROM trials WHERE dut = 'd5'`).get() as { n: number }).n).to.equal(0);
      expect((db.prepare(`SELECT COUNT(*) AS n FROM trials WHERE dut = 'd4'`).get() as { n: number }).n).to.equal(8);
    } finally {
      db.close();
    }
    expect(run.stdout).to.not.match(/^d5\s/m);
    expect(readFileSync(join(out, 'sim-bench', 'index.html'), 'utf8')).to.include('<code>d5</code> <span class="health maintenance">maintenance</span>');
  });

  it('runs on a night whose bench could not be driven, with that night\'s summary', () => {
    const got = join(dir, 'undriven.txt');
    const cmd = script('undriven.sh', `printf '%s' "$1" > ${got}`);
    // A hardware bench whose relay boards are not plugged in here.
    const rigText = readFileSync(join(ROOT, 'rigs/example-lab.yaml'), 'utf8')
      .replace('title: Firmware lab', `boards: ${join(ROOT, 'boards')}\ntitle: Firmware lab`)
      .replace('  historyNights: 14', `  historyNights: 14\n  notify: ${cmd}`);
    const rig = join(dir, 'example-lab.yaml');
    writeFileSync(rig, rigText);
    const out = join(dir, 'undriven');
    const run = spawnSync(process.execPath, ['bin/shakedown.js', 'nightly', '--rig', rig, '--out', out, '--trials', '1'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' } });
    expect(run.status, run.stderr).to.equal(3);
    expect(existsSync(got), run.stdout + run.stderr).to.equal(true);
    const summary = JSON.parse(readFileSync(readFileSync(got, 'utf8'), 'utf8')) as { headline: string };
    expect(summary.headline).to.match(/^Bench could not be driven tonight/);
  });
});
