/**
 * End to end through the real serialport hardware binding: the STM32 emulator on a pty opened by path like a USB
 * adapter, its reset and boot pins switched by a (fake) LCUS relay module on another pty. The adapter can go away
 * and come back: a port given by path is back when its path opens (a pty or a /dev/serial/by-id link is never
 * listed by list() under that name), and the lane uses it at once.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import Database from 'better-sqlite3';
import { loadBench } from '../../harness/config/load.js';
import { InfrastructureError } from '../../harness/core/exit-codes.js';
import { hardwareWorld } from '../../harness/cli/world.js';
import { runBench, type RunOptions, type RunSummary } from '../../harness/runner/run.js';
import { startFirmataPtyBench, startKmtronicPtyBench, startPtyBench, type PtyBench } from './pty-bench.js';
import type { FakeStandardFirmata } from '../../firmware-stubs/relays/index.js';
import type { TrialRecord } from '../../harness/core/record.js';

/** A run of the rig in `rigFile` on the hardware world, as the CLI builds it. */
async function runRig(rigFile: string, options: Omit<RunOptions, 'world'>): Promise<RunSummary> {
  const loaded = loadBench(rigFile);
  return runBench(loaded, { ...options, world: await hardwareWorld(loaded) });
}

describe('runner: a hardware rig on pseudo-terminals', function () {
  this.timeout(60_000);
  let bench: PtyBench;

  beforeEach(async () => {
    bench = await startPtyBench();
  });
  afterEach(async () => {
    await bench.close();
  });

  it('enters the bootloader through the relays, identifies the chip and leaves it in its application', async () => {
    const summary = await runRig(bench.rigFile, { trialsPerDut: 3 });
    expect(summary.records.map((r) => `${r.result} ${r.symptom} ${r.detail}`)).to.deep.equal(
      summary.records.map((r) => `pass ok ${r.detail}`),
    );
    for (const r of summary.records) expect(r.identity?.productId).to.equal(0x410);
    await new Promise((r) => setTimeout(r, 300)); // the last relay frames at 9600 baud, then the board's start-up
    // The leave sequence released BOOT0 and pulsed reset: the board runs its application again.
    expect(bench.stub.device.state).to.equal('app');
    // Every contact rests open at the end (the board's safe state).
    expect(bench.relays.states()).to.deep.equal([false, false, false, false]);
  });

  it('stops the run with an infrastructure error when the relay board is unplugged', async () => {
    let trials = 0;
    const run = runRig(bench.rigFile, {
      trialsPerDut: 500,
      onTrial: () => {
        if (++trials === 2) bench.relayServer.closeNow();
      },
    });
    let failure: unknown;
    try {
      await run;
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(InfrastructureError);
    expect(String(failure)).to.match(/relay board lcus1 lost/);
    expect(trials).to.be.below(10);
  });

  it('a port matched by path is there when its path opens, though list() never shows it', async () => {
    const loaded = loadBench(bench.rigFile);
    const env = await hardwareWorld(loaded);
    const dut = loaded.rig.duts[0]!;
    try {
      expect((await env.binding.list()).map((p) => p.path), 'a pty link is not listed').to.not.include(dut.serial!.path);
      expect(await env.portPresent(dut)).to.equal(true);
      await bench.unplug();
      expect(await env.portPresent(dut)).to.equal(false);
      await bench.replug();
      expect(await env.portPresent(dut)).to.equal(true);
    } finally {
      env.dispose();
    }
  });

  it('the lane runs its next trial as soon as the adapter is back, not when the wait runs out', async () => {
    const portReturnMs = 20_000;
    await bench.unplug();
    const replugged = new Promise<void>((resolve) => setTimeout(() => void bench.replug().then(resolve), 1000));
    const summary = await runRig(bench.rigFile, { trialsPerDut: 2, portReturnMs });
    await replugged;
    const [missing, back] = summary.records;
    expect(missing!.symptom).to.equal('port-open-failed');
    expect(back!.result, `${back!.symptom}: ${back!.detail}`).to.equal('pass');
    expect(summary.notRun).to.deep.equal([]);
    // The wait ended because the adapter came back (after about 1 s), not because its 20 s ran out.
    expect(Date.parse(back!.startedAt) - Date.parse(missing!.startedAt)).to.be.below(portReturnMs);
  });
  it('on SIGINT mid-run: relays go safe, finished trials are stored, exit code 130', async () => {
    const shakedown = startRun(bench);
    await untilStored(bench.dbFile, 3);
    shakedown.child.kill('SIGINT');
    const { code, stderr } = await shakedown.exit;
    expect(code, stderr).to.equal(130);
    expect(stderr).to.not.match(/\n\s+at /);
    const stored = storedTrials(bench.dbFile);
    expect(stored).to.be.at.least(3).and.below(200);
    await new Promise((r) => setTimeout(r, 100)); // last relay frames still on the pty
    expect(bench.relays.states(), 'every relay in its safe state').to.deep.equal([false, false, false, false]);
    const db = new Database(bench.dbFile, { readonly: true });
    const run = db.prepare('SELECT status FROM runs').get() as { status: string };
    db.close();
    expect(run.status).to.equal('interrupted');
  });

  it('a relay module that hangs with its port open: exit 3, the run failed, its trial an error, earlier trials kept', async () => {
    const shakedown = startRun(bench);
    await untilStored(bench.dbFile, 2);
    bench.relays.hang();
    const { code, stderr } = await shakedown.exit;
    expect(code, stderr).to.equal(3);
    expect(stderr).to.match(/relay board lcus1 \(LCUS on .+\) stopped answering/);
    expect(stderr).to.not.match(/\n\s+at /);
    const db = new Database(bench.dbFile, { readonly: true });
    const trials = db.prepare('SELECT result, detail FROM trials ORDER BY seq').all() as Array<{ result: string; detail: string }>;
    const run = db.prepare('SELECT status FROM runs').get() as { status: string };
    db.close();
    expect(run.status).to.equal('failed');
    expect(trials.length).to.be.at.least(3).and.below(200);
    expect(trials.slice(0, -1).map((t) => t.result)).to.deep.equal(trials.slice(0, -1).map(() => 'pass'));
    expect(trials.at(-1)!.result).to.equal('error');
    expect(trials.at(-1)!.detail).to.match(/^relay board lcus1 .*stopped answering/);
  });
});

describe('runner: a hardware rig with a Firmata relay board, on pseudo-terminals', function () {
  this.timeout(60_000);
  let bench: PtyBench<FakeStandardFirmata>;

  beforeEach(async () => {
    bench = await startFirmataPtyBench();
  });
  afterEach(async () => {
    await bench.close();
  });

  it('runs through the relays, and the next run connects without moving any contact', async () => {
    const first = await runRig(bench.rigFile, { trialsPerDut: 2 });
    expect(first.records.map((r) => `${r.result} ${r.detail}`)).to.deep.equal(first.records.map((r) => `pass ${r.detail}`));
    await new Promise((r) => setTimeout(r, 100)); // the last relay messages, still on the pty
    const before = bench.relays.log.length;
    const second = await runRig(bench.rigFile, { trialsPerDut: 0 });
    expect(second.trials).to.equal(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(bench.relays.log.slice(before)).to.deep.equal([]);
  });

  it('a board whose firmware hangs with its port open stops the run; the trial it spoiled is an error', async () => {
    const stored: TrialRecord[] = [];
    let failure: unknown;
    try {
      await runRig(bench.rigFile, {
        trialsPerDut: 50,
        sink: { addTrial: (record) => void stored.push(record) },
        onTrial: () => {
          if (stored.length === 2) bench.relays.hang();
        },
      });
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(InfrastructureError);
    expect(String(failure)).to.match(/relay board uno1 \(Firmata on .+\) stopped answering: no answer to a pin-state query/);
    expect(stored.map((r) => r.result)).to.deep.equal(['pass', 'pass', 'error']);
  });
});

/** `shakedown run` of 200 trials on the bench, in a child process. */
function startRun(bench: PtyBench): { child: ChildProcess; exit: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, ['bin/shakedown.js', 'run', '--rig', bench.rigFile, '--trials', '200', '--db', bench.dbFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.resume();
  const exit = once(child, 'exit').then(([code]) => ({ code: code as number | null, stderr }));
  return { child, exit };
}

/** Waits until the store holds this many finished trials (at most 20 s). */
async function untilStored(file: string, count: number): Promise<void> {
  for (let i = 0; i < 200 && storedTrials(file) < count; i++) await new Promise((r) => setTimeout(r, 100));
}

function storedTrials(file: string): number {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM trials').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

describe('runner: a hardware rig with a KMTronic relay board, on pseudo-terminals', function () {
  this.timeout(60_000);

  it('runs through a backend added as its folder and one registry line, and leaves every relay open', async () => {
    const bench = await startKmtronicPtyBench();
    try {
      const summary = await runRig(bench.rigFile, { trialsPerDut: 2 });
      expect(summary.records.map((r) => `${r.result} ${r.detail}`)).to.deep.equal(summary.records.map((r) => `pass ${r.detail}`));
      expect(summary.records[0]!.components.relays).to.include.members(['km1.1', 'km1.2']);
      await new Promise((r) => setTimeout(r, 100)); // the last commands, still on the pty
      expect(bench.relays.states()).to.deep.equal([false, false, false, false]);
    } finally {
      await bench.close();
    }
  });
});
