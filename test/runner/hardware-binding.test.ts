/**
 * End to end through the real serialport hardware binding: the STM32 emulator on a pty opened by path like a USB
 * adapter, its reset and boot pins switched by a (fake) LCUS relay module on another pty. The adapter can go away
 * and come back: a port given by path is back when its path opens (a pty or a /dev/serial/by-id link is never
 * listed by list() under that name), and the lane uses it at once.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import Database from 'better-sqlite3';
import { loadBench } from '../../harness/config/load.js';
import { realClock } from '../../harness/core/clock.js';
import { InfrastructureError } from '../../harness/core/exit-codes.js';
import { createBenchEnvironment } from '../../harness/runner/bench-environment.js';
import { runBench } from '../../harness/runner/run.js';
import { startPtyBench, type PtyBench } from './pty-bench.js';

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
    const summary = await runBench(loadBench(bench.rigFile), { trialsPerDut: 3 });
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
    const run = runBench(loadBench(bench.rigFile), {
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
    const env = await createBenchEnvironment(loaded, realClock);
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
    const summary = await runBench(loadBench(bench.rigFile), { trialsPerDut: 2, portReturnMs });
    await replugged;
    const [missing, back] = summary.records;
    expect(missing!.symptom).to.equal('port-open-failed');
    expect(back!.result, `${back!.symptom}: ${back!.detail}`).to.equal('pass');
    expect(summary.notRun).to.deep.equal([]);
    // The wait ended because the adapter came back (after about 1 s), not because its 20 s ran out.
    expect(Date.parse(back!.startedAt) - Date.parse(missing!.startedAt)).to.be.below(portReturnMs);
  });
  it('on SIGINT mid-run: relays go safe, finished trials are stored, exit code 130', async () => {
    const child = spawn(process.execPath, ['bin/shakedown.js', 'run', '--rig', bench.rigFile, '--trials', '200', '--db', bench.dbFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    // Wait for a few finished trials in the store, then interrupt.
    for (let i = 0; i < 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (storedTrials(bench.dbFile) >= 3) break;
    }
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
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
});

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
