/**
 * The command line as a lab engineer meets it every night: limits and the expected duration of `nightly`, a rig
 * given by id, a bench that cannot be driven, stores that are damaged or in a missing folder, impossible nights,
 * `--version`, `--json` on stdout with people's lines elsewhere, schemas written to a folder, plain output for logs.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../config/helpers.js';

const BIN = join(ROOT, 'bin/shakedown.js');
const STACK_LINE = /\n\s+at /;
const SIM_RIG = join(ROOT, 'rigs/sim-bench.yaml');

interface Out {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** shakedown as a cron job or a CI step runs it: no terminal, CI set. */
function shakedown(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Out {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: '1', ...options.env },
    timeout: 150_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One line on stderr, no stack trace. */
function oneLine(out: Out): string {
  expect(out.stderr, out.stderr).to.not.match(STACK_LINE);
  const lines = out.stderr.trim().split('\n');
  expect(lines, out.stderr).to.have.length(1);
  return lines[0]!;
}

describe('shakedown for a lab engineer: limits, failures a person can act on, conventions', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'shakedown-ops-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--version prints the version of shakedown', () => {
    const out = shakedown(['--version']);
    expect(out.code).to.equal(0);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(out.stdout.trim()).to.equal(pkg.version);
  });

  it('nightly: refuses more than 100 000 trials per DUT and a time budget of 0 minutes, exit 2, before any trial', () => {
    const tooMany = shakedown(['nightly', '--rig', 'sim-bench', '--out', join(dir, 'limits'), '--trials', '100001']);
    expect(tooMany.code).to.equal(2);
    expect(tooMany.stderr).to.match(/--trials.*at most 100000/);
    const noBudget = shakedown(['nightly', '--rig', 'sim-bench', '--out', join(dir, 'limits'), '--max-minutes', '0']);
    expect(noBudget.code).to.equal(2);
    expect(noBudget.stderr).to.match(/--max-minutes.*more than 0/);
    expect(existsSync(join(dir, 'limits', 'shakedown.db')), 'no store was opened').to.equal(false);
  });

  it('nightly --rig <id> --json: the expected duration first, summary.json alone on stdout, plain lines with NO_COLOR', () => {
    const out = shakedown(['nightly', '--rig', 'sim-bench', '--out', join(dir, 'night'), '--trials', '2', '--json', '--no-follow-up'], { env: { NO_COLOR: '1' } });
    expect(out.code, out.stderr).to.be.oneOf([0, 1]);
    const summary = JSON.parse(out.stdout) as { rig: string; runId: string; nightRun: string; totals: { trials: number } };
    expect(summary.rig).to.equal('sim-bench');
    expect(summary.totals.trials).to.equal(22);
    expect(summary.nightRun).to.equal(summary.runId);
    expect(out.stderr.split('\n')[0]).to.match(/^expected duration: .*11 DUTs × 2 trials/);
    expect(out.stdout + out.stderr).to.not.include('\x1b[');
  });

  it('run without --db keeps the trials in reports/shakedown.db and says so; --json carries the counts', () => {
    const out = shakedown(['run', '--rig', SIM_RIG, '--trials', '1', '--dut', 'd1', '--json'], { cwd: dir });
    expect(out.code, out.stderr).to.be.oneOf([0, 1]);
    expect(out.stderr).to.match(/run \S+: 1 trials, stored in reports\/shakedown\.db/);
    const json = JSON.parse(out.stdout) as { store: string; totals: { trials: number } };
    expect(json.store).to.equal('reports/shakedown.db');
    expect(json.totals.trials).to.equal(1);
    expect(statSync(join(dir, 'reports', 'shakedown.db')).size).to.be.greaterThan(0);
  });

  it('a bench whose relay board is not found: one line, exit 3, and still the night’s report saying so, with latest', () => {
    const out = shakedown(['nightly', '--rig', 'rigs/example-lab.yaml', '--out', join(dir, 'lab'), '--trials', '1']);
    expect(out.code).to.equal(3);
    expect(oneLine(out)).to.match(/^shakedown: relay board \S+ not found: .* check that it is plugged in and powered/);
    const latest = join(dir, 'lab', 'example-lab', 'latest');
    expect(readlinkSync(latest)).to.match(/^\d{4}-\d{2}-\d{2}$/);
    const summary = JSON.parse(readFileSync(join(latest, 'summary.json'), 'utf8')) as { status: string; headline: string; notRun: Array<{ reason: string }> };
    expect(summary.status).to.equal('failed');
    expect(summary.headline).to.match(/^Bench could not be driven tonight — relay board \S+ not found/);
    expect(summary.notRun.map((n) => n.reason)).to.include('relay-not-answering');
    expect(readFileSync(join(latest, 'index.html'), 'utf8')).to.include('Bench could not be driven tonight');
  });

  it('a damaged or truncated store: run and diagnose say the same one line, exit 3; --debug adds the stack', () => {
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'not a store at all '.repeat(300));
    const run = shakedown(['run', '--rig', SIM_RIG, '--trials', '1', '--dut', 'd1', '--db', garbage]);
    const diagnose = shakedown(['diagnose', '--db', garbage]);
    for (const out of [run, diagnose]) {
      expect(out.code, out.stderr).to.equal(3);
      expect(oneLine(out)).to.match(/^shakedown: the store .*garbage\.db is damaged .* move it aside/);
    }
    const debug = shakedown(['diagnose', '--db', garbage, '--debug']);
    expect(debug.code).to.equal(3);
    expect(debug.stderr).to.match(STACK_LINE);

    // A store cut short by a full disk or a copy that stopped half way.
    const truncated = join(dir, 'truncated.db');
    writeFileSync(truncated, readFileSync(join(dir, 'night', 'shakedown.db')));
    truncateSync(truncated, Math.floor(statSync(truncated).size / 3));
    const cut = shakedown(['diagnose', '--db', truncated]);
    expect(cut.code, cut.stderr + cut.stdout).to.equal(3);
    expect(oneLine(cut)).to.match(/truncated\.db is damaged/);
  });

  it('--db in a folder that does not exist: one line naming the folder and what to do, exit 3', () => {
    const db = join(dir, 'no', 'such', 'folder', 'shakedown.db');
    const out = shakedown(['run', '--rig', SIM_RIG, '--trials', '1', '--dut', 'd1', '--db', db]);
    expect(out.code).to.equal(3);
    expect(oneLine(out)).to.include(`the folder ${join(dir, 'no', 'such', 'folder')} does not exist — create it`);
  });

  it('diagnose --night: an impossible date is exit 2; a night without trials says so plainly, exit 2', () => {
    const db = join(dir, 'night', 'shakedown.db');
    const impossible = shakedown(['diagnose', '--db', db, '--night', '2026-13-45']);
    expect(impossible.code).to.equal(2);
    expect(impossible.stderr).to.match(/--night.*a date YYYY-MM-DD that exists/);
    const empty = shakedown(['diagnose', '--db', db, '--night', '2099-01-01']);
    expect(empty.code).to.equal(2);
    expect(oneLine(empty)).to.match(/^shakedown: no trials of rig sim-bench on 2099-01-01: nothing to diagnose/);
  });

  it('boards --json and validate --json: one JSON document on stdout', () => {
    const boards = shakedown(['boards', '--json']);
    expect(boards.code, boards.stderr).to.equal(0);
    const list = JSON.parse(boards.stdout) as Array<{ id: string; valid: boolean; family: string }>;
    expect(list.map((b) => b.id)).to.include('stm32f103c8');
    for (const b of list) expect(b.valid).to.equal(true);
    const validate = shakedown(['validate', 'rigs/sim-bench.yaml', '--json']);
    expect(validate.code, validate.stderr).to.equal(0);
    const result = JSON.parse(validate.stdout) as { ok: boolean; files: Array<{ file: string; kind: string; ok: boolean; summary: string | null; problems: unknown[] }> };
    expect(result.ok).to.equal(true);
    expect(result.files).to.deep.include({ file: 'rigs/sim-bench.yaml', kind: 'rig', ok: true, summary: result.files[0]!.summary, problems: [] });
  });

  it('schema with no kind writes both schemas into a folder, never two JSON documents on stdout', () => {
    const out = shakedown(['schema'], { cwd: dir });
    expect(out.code, out.stderr).to.equal(0);
    for (const kind of ['board', 'rig']) {
      expect(JSON.parse(readFileSync(join(dir, 'schema', `${kind}.schema.json`), 'utf8'))).to.have.property('$schema');
    }
    expect(out.stdout).to.not.include('{');
  });
});
