/**
 * `shakedown run --rig <rig> [--dut ID…] [--trials N] [--db FILE]`: trials now, on a rig, with progress and a
 * closing table. The nightly job (`shakedown nightly`) adds the lock, diagnosis and reports around the same run.
 */
import type { Command } from 'commander';
import { loadBench } from '../../config/load.js';
import type { LoadedBench } from '../../config/types.js';
import { EXIT } from '../../core/exit-codes.js';
import { newRunId, nightOf } from '../../core/run-id.js';
import { runBench, type RunOptions, type RunSummary } from '../../runner/run.js';
import { installSafetyNet } from '../../runner/safety.js';
import type { World } from '../../runner/world.js';
import { openStore, type TrialStore } from '../../store/index.js';
import { untrustworthy } from '../../report/index.js';
import { closingTable, notRunLines } from '../closing-table.js';
import { dbOption } from '../db-option.js';
import { positiveInt } from '../options.js';
import { ProgressView } from '../progress.js';
import { worldFor } from '../world.js';

interface RunFlags {
  rig: string;
  dut?: string[];
  trials?: number;
  db?: string;
  concurrency?: number;
  seed?: number;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run trials on a rig now: enter boot ROM, handshake, identify, leave — per DUT in parallel')
    .requiredOption('--rig <file>', 'rig description (rigs/*.yaml)')
    .option('--dut <id...>', 'only these DUTs')
    .option('--trials <n>', 'trials per DUT (default: the rig’s nightly.trials)', positiveInt)
    .addOption(dbOption('also store every trial here as it ends'))
    .option('--concurrency <n>', 'lanes at once (default: the rig’s nightly.concurrency)', positiveInt)
    .option('--seed <n>', 'fault seed of a simulated rig (default: the rig’s sim.seed)', positiveInt)
    .addHelpText('after', '\nExit codes: 0 every trial passed · 1 some failed · 2 bad input · 3 infrastructure, or more than 5% harness errors · 129/130/143 stopped by SIGHUP/SIGINT/SIGTERM (relays safe, finished trials stored)')
    .action(async (flags: RunFlags) => {
      process.exitCode = await runCommand(flags);
    });
}

async function runCommand(flags: RunFlags): Promise<number> {
  const bench = loadBench(flags.rig);
  const store = flags.db ? await openStore(flags.db) : undefined;
  try {
    // A run that stores its trials holds the rig's lock on that store, as a nightly does: never both at once.
    const lock = await store?.lockRig(bench.rig.id);
    try {
      return await runLocked(bench, flags, store);
    } finally {
      await lock?.release();
    }
  } finally {
    await store?.close();
  }
}

async function runLocked(bench: LoadedBench, flags: RunFlags, store: TrialStore | undefined): Promise<number> {
  const start = new Date();
  const night = nightOf(start);
  const runId = newRunId(bench.rig.id, start);
  await store?.beginRun({ runId, rig: bench.rig, night, meta: { command: 'run' } });

  const dutIds = flags.dut ?? bench.rig.duts.map((d) => d.id);
  const trialsPerDut = flags.trials ?? bench.rig.nightly.trialsPerDut;
  const progress = new ProgressView(process.stdout, dutIds, trialsPerDut);
  const safety = installSafetyNet();
  const options: Omit<RunOptions, 'world'> = {
    runId,
    night,
    duts: flags.dut,
    trialsPerDut,
    concurrency: flags.concurrency,
    signal: safety.signal,
    sink: store,
    onTrial: (record) => progress.trial(record),
  };
  let summary: RunSummary;
  let world: World | undefined;
  try {
    world = await worldFor(bench, { seed: flags.seed });
    safety.track(world.relays.values());
    summary = await runBench(bench, { ...options, world });
  } catch (error) {
    await store?.endRun(runId, 'failed');
    throw error;
  } finally {
    safety.release();
    progress.finish();
    world?.dispose();
  }
  await store?.setNotRun(runId, summary.notRun);
  await store?.endRun(runId, summary.interrupted ? 'interrupted' : 'completed');

  const errors = summary.records.filter((r) => r.result === 'error').length;
  process.stdout.write('\n' + closingTable(summary.records, dutIds) + notRunLines(summary.notRun));
  process.stdout.write(`run ${runId}: ${summary.trials} trials${errors ? ` (${errors} harness errors)` : ''}${store ? `, stored in ${store.location}` : ''}\n`);
  if (summary.interrupted) return safety.stoppedExit();
  if (untrustworthy(summary.trials, errors)) {
    process.stderr.write(`shakedown: bench not trustworthy: ${errors} of ${summary.trials} trials were harness errors (see the table)\n`);
    return EXIT.infrastructure;
  }
  return summary.records.some((r) => r.result === 'fail') || summary.notRun.length > 0 ? EXIT.failures : EXIT.ok;
}
