/**
 * Several simulated nights on a small copy of the shipped simulated bench (d1's noisy cable, d2 healthy, d7 stuck in
 * its Preloader), in virtual time: a night run twice, runs chosen for the report, a time budget, a bench that cannot
 * be driven, a store whose disk fills up.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBench } from '../../harness/config/load.js';
import type { LoadedBench } from '../../harness/config/types.js';
import { EXIT, InfrastructureError } from '../../harness/core/exit-codes.js';
import { runningVirtualClocks, VirtualClock } from '../../harness/core/virtual-clock.js';
import { describeFailure } from '../../harness/cli/failure.js';
import { runNightly, type NightlyOptions } from '../../harness/nightly/nightly.js';
import { simulatedWorld } from '../../harness/sim/world.js';
import { SqliteTrialStore } from '../../harness/store/sqlite/store.js';
import { openStore, StoreError, type TrialStore } from '../../harness/store/index.js';

/** The sim bench with three of its DUTs, its faults kept. */
function smallBench(): LoadedBench {
  const bench = loadBench('rigs/sim-bench.yaml');
  const rig = structuredClone(bench.rig);
  rig.duts = rig.duts.filter((d) => ['d1', 'd2', 'd7'].includes(d.id));
  return { rig, profiles: bench.profiles };
}

const at = (night: string, time = '01:30') => () => new Date(`${night}T${time}:00`);

interface Summary {
  runId: string;
  status: string;
  verdict: string;
  headline: string;
  nightRun: string;
  maxMinutes: number | null;
  totals: { trials: number; passes: number; failures: number; errors: number; notRun: number };
  notRun: Array<{ dut: string; trials: number; reason: string; detail: string }>;
  runs: Array<{ runId: string; status: string; trials: number; standsForNight: boolean; report: string }>;
  diagnosis: { windowNights: string[]; trials: number };
  components: Array<{ id: string; kind: string; verdict: string; history: Array<{ night: string; trials: number }> }>;
}

const readSummary = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Summary;

describe('nightly: nights and their runs', function () {
  this.timeout(180_000);
  let dir: string;
  let store: TrialStore;
  const lines: string[] = [];
  const nightly = (options: Partial<NightlyOptions> & { now: () => Date }) => {
    const bench = options.bench ?? smallBench();
    // Built only when the test gives none: a simulated bench nobody runs would keep its powered boards booting forever.
    const world = options.world ?? simulatedWorld(bench, { clock: new VirtualClock() });
    // No follow-up trials: these nights count their planned trials (follow-up.test.ts has its own).
    return runNightly({ bench, world, store, outDir: join(dir, 'reports'), trialsPerDut: 4, followUp: false, log: (l) => lines.push(l), ...options });
  };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-nights-'));
    store = await openStore(join(dir, 'shakedown.db'));
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts the same trials in the headline and the verdicts when a night is run twice, and keeps both reports', async () => {
    const first = await nightly({ trialsPerDut: 6, now: at('2026-11-20') });
    expect(lines.find((l) => l.startsWith('expected duration:'))).to.match(/no history yet: from the profiles' sequences/);
    const second = await nightly({ trialsPerDut: 4, now: at('2026-11-20', '03:00') });
    expect(lines.filter((l) => l.startsWith('expected duration:'))[1]).to.include(`trial times of run ${first.run.id}`);
    expect(second.run.id).to.not.equal(first.run.id);

    const nightFolder = join(dir, 'reports', 'sim-bench', '2026-11-20');
    const night = readSummary(join(nightFolder, 'summary.json'));
    expect(night.runId, 'the night shows its latest completed run').to.equal(second.run.id);
    expect(night.nightRun).to.equal(second.run.id);
    const counted = night.totals.passes + night.totals.failures;
    expect(night.totals.trials).to.equal(12);
    expect(night.diagnosis.trials, 'the verdicts count the trials the headline counts').to.equal(counted);
    const d7 = night.components.find((c) => c.kind === 'dut' && c.id === 'd7')!;
    expect(d7.history).to.deep.equal([{ night: '2026-11-20', trials: 4, passRate: 0 }]);
    expect(night.headline).to.match(/ of 12 trials failed/);

    expect(night.runs.map((r) => [r.runId, r.trials, r.standsForNight])).to.deep.equal([
      [first.run.id, 18, false],
      [second.run.id, 12, true],
    ]);
    for (const run of night.runs) expect(existsSync(join(nightFolder, run.report)), run.report).to.equal(true);
    const earlier = readSummary(join(nightFolder, 'runs', first.run.id, 'summary.json'));
    expect(earlier.totals.trials).to.equal(18);
    expect(earlier.diagnosis.trials).to.equal(earlier.totals.passes + earlier.totals.failures);
    expect(readlinkSync(join(dir, 'reports', 'sim-bench', 'latest'))).to.equal('2026-11-20');
  });

  it('prefers the completed run for the night over a later interrupted one; `report --run` chooses another', async () => {
    const stop = new AbortController();
    const third = await nightly({ trialsPerDut: 30, now: at('2026-11-20', '04:00'), signal: stop.signal, onTrial: () => stop.abort() });
    expect(third.interrupted).to.equal(true);
    expect(third.run.status).to.equal('interrupted');
    const nightFolder = join(dir, 'reports', 'sim-bench', '2026-11-20');
    const night = readSummary(join(nightFolder, 'summary.json'));
    expect(night.runId, 'still the completed run').to.not.equal(third.run.id);
    expect(night.runs.find((r) => r.runId === third.run.id)?.standsForNight).to.equal(false);
    expect(existsSync(join(nightFolder, 'runs', third.run.id, 'index.html'))).to.equal(true);

    // `shakedown report` from the store: the completed run, unless told otherwise.
    const out = join(dir, 'again');
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['bin/shakedown.js', 'report', '--db', join(dir, 'shakedown.db'), '--rig', 'sim-bench', '--out', out, ...args], { encoding: 'utf8' });
    const chosen = cli('--night', '2026-11-20');
    expect(chosen.status, chosen.stderr).to.equal(1);
    expect(chosen.stdout).to.include(`run ${night.runId} (completed, stands for the night)`);
    expect(readSummary(join(out, 'sim-bench', '2026-11-20', 'summary.json')).runId).to.equal(night.runId);
    const asked = cli('--run', third.run.id);
    expect(asked.stdout).to.include(`run ${third.run.id} (interrupted)`);
    expect(readSummary(join(out, 'sim-bench', '2026-11-20', 'runs', third.run.id, 'summary.json')).status).to.equal('interrupted');
    expect(readSummary(join(out, 'sim-bench', '2026-11-20', 'summary.json')).runId, 'the night still shows its run').to.equal(night.runId);
    const unknown = cli('--run', 'no-such-run');
    expect(unknown.status).to.equal(2);
    expect(unknown.stderr).to.match(/no run no-such-run of rig sim-bench/);
  });

  it('counts each earlier night of the window by the run that stands for it', async () => {
    const next = await nightly({ trialsPerDut: 5, now: at('2026-11-21') });
    const summary = readSummary(next.report!.files.summary);
    expect(summary.diagnosis.windowNights).to.deep.equal(['2026-11-20', '2026-11-21']);
    const d7 = summary.components.find((c) => c.kind === 'dut' && c.id === 'd7')!;
    // 2026-11-20 had runs of 18, 12 and a few interrupted trials: only the 12 of its completed run count.
    expect(d7.history.map((h) => [h.night, h.trials])).to.deep.equal([
      ['2026-11-20', 4],
      ['2026-11-21', 5],
    ]);
  });

  it('stops starting trials at its time budget: finished trials kept, run cut-by-budget, the report says so', async () => {
    // Virtual time: d7's MediaTek trials take about 1.6 s, d1's and d2's well under 0.3 s; the budget is 3 s.
    const result = await nightly({ trialsPerDut: 100, maxMinutes: 0.05, now: at('2026-11-22') });
    expect(lines.some((l) => /^expected duration: .*; time budget 0\.05 min$/.test(l))).to.equal(true);
    expect(result.run.status).to.equal('cut-by-budget');
    const summary = readSummary(result.report!.files.summary);
    expect(summary.status).to.equal('cut-by-budget');
    expect(summary.maxMinutes).to.equal(0.05);
    expect(summary.notRun.map((n) => n.dut).sort()).to.deep.equal(['d1', 'd2', 'd7']);
    for (const n of summary.notRun) {
      expect(n.reason).to.equal('budget');
      expect(n.detail).to.match(/^the time budget of 0\.05 min would be exceeded: trial \d+ takes about/);
    }
    expect(summary.totals.trials, 'some trials ran').to.be.greaterThan(3);
    expect(summary.totals.trials + summary.totals.notRun, 'every planned trial ran or is counted not run').to.equal(300);
    expect(summary.headline).to.match(/not run \(budget\) \(run cut-by-budget: partial results\)$/);
    let stored = 0;
    for await (const record of store.trialsFor({ rig: 'sim-bench', runId: result.run.id })) stored += record.seq > 0 ? 1 : 0;
    expect(stored).to.equal(summary.totals.trials);
    expect(readFileSync(result.report!.files.junit, 'utf8')).to.match(/<skipped message="\d+ trials not run \(budget\): the time budget/);
  });

  it('writes the night’s report when the bench cannot be driven, points latest at it, and hands back the failure', async () => {
    const rigDir = join(dir, 'reports', 'sim-bench');
    const missing = new InfrastructureError('relay board rb1 not found: no serial port matches serialNumber=X — check that it is plugged in and powered');
    const result = await nightly({ now: at('2026-11-23'), world: () => Promise.reject(missing) });
    expect(result.failure).to.equal(missing);
    expect(result.exitCode).to.equal(EXIT.infrastructure);
    expect(readlinkSync(join(rigDir, 'latest')), 'latest is tonight, not yesterday').to.equal('2026-11-23');
    const summary = readSummary(join(rigDir, 'latest', 'summary.json'));
    expect(summary.verdict).to.equal('untrustworthy');
    expect(summary.status).to.equal('failed');
    expect(summary.headline).to.match(/^Bench could not be driven tonight — relay board rb1 not found/);
    expect(summary.notRun.map((n) => [n.dut, n.trials, n.reason])).to.deep.equal([
      ['d1', 4, 'relay-not-answering'],
      ['d2', 4, 'relay-not-answering'],
      ['d7', 4, 'relay-not-answering'],
    ]);
    expect(readFileSync(join(rigDir, 'latest', 'index.html'), 'utf8')).to.include('Bench could not be driven tonight');
  });

  it('disposes the bench it was given when the night fails before its first trial', async () => {
    const bench = smallBench();
    const world = simulatedWorld(bench, { clock: new VirtualClock() });
    const refusing = new Proxy(store, {
      get: (target, key, receiver) =>
        key === 'beginRun' ? () => Promise.reject(new Error('the store refused the run')) : Reflect.get(target, key, receiver),
    });
    const failed = await runNightly({ bench, world, store: refusing, outDir: join(dir, 'refused'), now: at('2026-11-25') }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failed?.message).to.equal('the store refused the run');
    for (let turn = 0; turn < 20; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(runningVirtualClocks(), 'its powered boards no longer boot in virtual time').to.equal(0);
  });

  it('says in one line, exit 3, that the disk holding the store is full — and still writes the report', async () => {
    // A full disk without filling one: SQLite's own page limit (max_page_count) makes every write that would grow the
    // file fail with SQLITE_FULL, the error a full disk gives. The disk fills once the run has begun.
    const file = join(dir, 'full.db');
    const full = SqliteTrialStore.open(file);
    const fillsAfterBegin = new Proxy(full, {
      get: (target, key, receiver) =>
        key === 'beginRun'
          ? async (...args: Parameters<typeof full.beginRun>) => {
              const runId = await target.beginRun(...args);
              target.db.pragma(`max_page_count = ${target.db.pragma('page_count', { simple: true }) as number}`);
              return runId;
            }
          : Reflect.get(target, key, receiver),
    });
    const bench = smallBench();
    try {
      const result = await runNightly({ bench, world: simulatedWorld(bench, { clock: new VirtualClock() }), store: fillsAfterBegin, outDir: join(dir, 'full'), trialsPerDut: 3, now: at('2026-11-24') });
      expect(result.failure).to.be.instanceOf(StoreError);
      expect((result.failure as StoreError).problem).to.equal('full');
      const said = describeFailure(result.failure, false);
      expect(said.code).to.equal(EXIT.infrastructure);
      expect(said.text).to.match(/^shakedown: the disk holding the store .*full\.db is full \(database or disk is full\) while storing a trial — free space on it \(df -h .*\) and run again; the trials stored before are kept\n$/);
      expect(describeFailure(result.failure, true).text, '--debug adds the stack').to.match(/\n\s+at /);
      expect(existsSync(join(dir, 'full', 'sim-bench', '2026-11-24', 'index.html'))).to.equal(true);
    } finally {
      await full.close();
    }
  });
});
