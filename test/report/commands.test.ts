/** The commands around the report: `ack`, `unack` and `show`, as a person at the bench runs them. */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBench } from '../../harness/config/load.js';
import { trialText } from '../../harness/report/trial-text.js';
import { openStore } from '../../harness/store/index.js';
import { recordsOn } from '../diagnose/bench-data.js';
import { freshDatabase } from '../store/postgres-server.js';
import { makeRecord } from '../store/records.js';

const CLI = 'bin/shakedown.js';

function shakedown(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1', ...env } });
}

/** A trial whose reply deviates, with pin edges planned and actual. */
function deviantTrial() {
  const record = makeRecord({ runId: 'sim-bench-20261120T013000-abcd', dut: 'd1', seq: 3, symptom: 'corrupt', rig: 'sim-bench' });
  record.transcript = [
    { t: 120, kind: 'edge', pin: 'reset', active: true, channel: 'rb1.1', planned: 100 },
    { t: 20_250, kind: 'edge', pin: 'reset', active: false, channel: 'rb1.1', planned: 20_100 },
    { t: 70_050, kind: 'tx', data: '7F' },
    { t: 70_900, kind: 'rx', data: '00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF F9 41' },
    { t: 81_000, kind: 'note', text: 'sync: expected 79, got F9 41' },
  ];
  record.mismatch = { expected: '79', got: 'F9 41', at: 81_000 };
  return record;
}

describe('commands: ack, unack, show', function () {
  this.timeout(60_000);
  let dir: string;
  let db: string;
  const sim = loadBench('rigs/sim-bench.yaml');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-commands-'));
    db = join(dir, 'shakedown.db');
    const store = await openStore(db);
    // d7 stuck in its Preloader: bad, with wrong-mode.
    await store.addTrials(recordsOn(sim, { d7: { 'wrong-mode': 100 } }).map((r) => ({ ...r, rig: 'sim-bench' })));
    await store.addTrial(deviantTrial());
    await store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('acknowledges a component with who, why and until when, covering its verdict and symptoms now', async () => {
    const result = shakedown(['ack', 'd7', '--note', 'Preloader reflash pending', '--until', '2099-12-31', '--by', 'anna', '--db', db, '--rig', 'rigs/sim-bench.yaml']);
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.include('acknowledged dut d7 of rig sim-bench by anna until 2099-12-31 (inclusive): Preloader reflash pending');
    expect(result.stdout).to.include('(bad with wrong-mode)');
    const store = await openStore(db, { readonly: true });
    const acks = await store.acks('sim-bench');
    await store.close();
    expect(acks).to.have.length(1);
    expect(acks[0]).to.deep.include({ kind: 'dut', component: 'd7', by: 'anna', note: 'Preloader reflash pending', until: '2099-12-31' });
    expect(acks[0]!.scope).to.deep.equal({ verdict: 'bad', symptoms: ['wrong-mode'] });
    expect(Date.parse(acks[0]!.since)).to.be.closeTo(Date.now(), 60_000);
  });

  it('refuses an unknown component with the nearest names, an empty note and a past date: exit 2, no stack trace', () => {
    const unknown = shakedown(['ack', 'c12', '--note', 'x', '--db', db, '--rig', 'rigs/sim-bench.yaml']);
    expect(unknown.status).to.equal(2);
    expect(unknown.stderr).to.match(/unknown component 'c12' in rig sim-bench — did you mean cable:c1, cable:c10, cable:c11/);
    const kind = shakedown(['ack', 'cable:d7', '--note', 'x', '--db', db, '--rig', 'rigs/sim-bench.yaml']);
    expect(kind.status).to.equal(2);
    expect(kind.stderr).to.include("unknown cable 'd7'");
    const past = shakedown(['ack', 'c1', '--note', 'x', '--until', '2001-01-01', '--db', db, '--rig', 'rigs/sim-bench.yaml']);
    expect(past.status).to.equal(2);
    expect(past.stderr).to.include('--until 2001-01-01 is before today');
    const badDate = shakedown(['ack', 'c1', '--note', 'x', '--until', '2026-02-30', '--db', db, '--rig', 'rigs/sim-bench.yaml']);
    expect(badDate.status).to.equal(2);
    const empty = shakedown(['ack', 'c1', '--note', '  ', '--db', db, '--rig', 'rigs/sim-bench.yaml']);
    expect(empty.status).to.equal(2);
    const noStore = shakedown(['ack', 'c1', '--note', 'x', '--db', join(dir, 'nope.db')]);
    expect(noStore.status).to.equal(2);
    for (const r of [unknown, kind, past, badDate, empty, noStore]) expect(r.stderr).to.not.match(/\n\s+at /);
  });

  it('removes the acks of a component, and says when there is none', () => {
    const removed = shakedown(['unack', 'dut:d7', '--db', db, '--rig', 'sim-bench']);
    expect(removed.status, removed.stderr).to.equal(0);
    expect(removed.stdout).to.include('removed the ack of dut d7 of rig sim-bench');
    const again = shakedown(['unack', 'd7', '--db', db, '--rig', 'sim-bench']);
    expect(again.status).to.equal(2);
    expect(again.stderr).to.include('dut d7 of rig sim-bench is not acknowledged (acknowledged: nothing)');
  });

  it('prints a stored trial: µs times, direction, hex + ASCII, pin edges planned vs actual, notes, the deviant byte marked', () => {
    const id = deviantTrial().trialId;
    const result = shakedown(['show', id, '--db', db]);
    expect(result.status, result.stderr).to.equal(0);
    const out = result.stdout;
    expect(out).to.not.include('\u001b['); // not a terminal: no colour
    expect(out).to.include(`trial ${id}`).and.include('fail: corrupt');
    expect(out).to.match(/^\s+120\s+pin {3}reset asserted via rb1\.1 · planned 100 µs, actual 120 µs \(\+20 µs\)$/m);
    expect(out).to.match(/^\s+20 250\s+20 130 {2}pin {3}reset released via rb1\.1 · planned 20 100 µs, actual 20 250 µs \(\+150 µs\)$/m);
    expect(out).to.match(/^\s+70 050\s+49 800 {2}→ tx {2}7F\s+\|\.\|$/m);
    expect(out).to.match(/← rx {2}00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF {2}\|\.\."3DUfw\.{8}\|/);
    expect(out).to.match(/\n\s+F9 41\s+\|\.A\|\n\s+\^\^ \^\^ {2}deviant \(expected 79\)\n/);
    expect(out).to.match(/note {2}sync: expected 79, got F9 41$/m);
  });

  it('colours the deviant bytes on a terminal, and never with NO_COLOR', () => {
    const record = deviantTrial();
    expect(trialText(record, { colour: true })).to.include('\u001b[31;1mF9\u001b[0m');
    expect(trialText(record, { colour: false })).to.not.include('\u001b[');
    const script = join(dir, 'pty.txt');
    // A real terminal (script(1) gives the command a pty): colour on, and off again with NO_COLOR.
    const tty = spawnSync('script', ['-qec', `${process.execPath} ${CLI} show ${record.trialId} --db ${db}`, script], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });
    if (tty.status === 0) expect(readFileSync(script, 'utf8')).to.include('\u001b[31;1mF9');
    const plain = spawnSync('script', ['-qec', `${process.execPath} ${CLI} show ${record.trialId} --db ${db}`, script], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(plain.status, plain.stderr).to.equal(0);
    expect(readFileSync(script, 'utf8')).to.include('F9 41').and.not.include('\u001b[31');
  });

  it('names the nearest ids of a trial that is not there: exit 2', () => {
    const result = shakedown(['show', 'sim-bench-20261120T013000-abcd/d1/4', '--db', db]);
    expect(result.status).to.equal(2);
    expect(result.stderr).to.include("no trial 'sim-bench-20261120T013000-abcd/d1/4'").and.include('the nearest: sim-bench-20261120T013000-abcd/d1/3');
    expect(result.stderr).to.not.match(/\n\s+at /);
  });

  it('works the same on the lab’s PostgreSQL, named by SHAKEDOWN_DB: ack, show, unack', async () => {
    const url = await freshDatabase('commands');
    const store = await openStore(url);
    await store.addTrials(recordsOn(sim, { d7: { 'wrong-mode': 100 } }).map((r) => ({ ...r, rig: 'sim-bench' })));
    await store.addTrial(deviantTrial());
    await store.close();
    const env = { SHAKEDOWN_DB: url };
    const acked = shakedown(['ack', 'd7', '--note', 'Preloader reflash pending', '--by', 'anna', '--rig', 'rigs/sim-bench.yaml'], env);
    expect(acked.status, acked.stderr).to.equal(0);
    expect(acked.stdout).to.include('(bad with wrong-mode)');
    const shown = shakedown(['show', deviantTrial().trialId], env);
    expect(shown.status, shown.stderr).to.equal(0);
    expect(shown.stdout).to.match(/\n\s+F9 41\s+\|\.A\|\n\s+\^\^ \^\^ {2}deviant \(expected 79\)\n/);
    const missing = shakedown(['show', 'sim-bench-20261120T013000-abcd/d1/4'], env);
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.include('the nearest: sim-bench-20261120T013000-abcd/d1/3');
    const removed = shakedown(['unack', 'dut:d7', '--rig', 'sim-bench'], env);
    expect(removed.status, removed.stderr).to.equal(0);
    const after = await openStore(url);
    try {
      expect(await after.acks('sim-bench')).to.deep.equal([]);
    } finally {
      await after.close();
    }
  });
});
