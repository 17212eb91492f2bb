/**
 * `shakedown run --rig <rig> [--dut ID…] [--trials N] [--db FILE | --no-db] [--json]`: trials now, on a rig, with
 * progress and a closing table, kept in the store (default reports/shakedown.db) under the rig's lock. The nightly
 * job (`shakedown nightly`) adds the diagnosis and the reports around the same run.
 */
import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { BENCH_FACTS_KEY, benchFacts } from '../../config/bench-facts.js';
import { dutsInService } from '../../config/health.js';
import type { LoadedBench } from '../../config/types.js';
import { EXIT } from '../../core/exit-codes.js';
import { newRunId, nightOf } from '../../core/run-id.js';
import { buildRunCounts, collectReportData, untrustworthy } from '../../report/index.js';
import { runBench, type RunOptions, type RunSummary } from '../../runner/run.js';
import { installSafetyNet } from '../../runner/safety.js';
import type { World } from '../../runner/world.js';
import { openStore, type RunStatus, type TrialStore } from '../../store/index.js';
import { closingTable, notRunLines } from '../closing-table.js';
import { dbOption } from '../db-option.js';
import { positiveInt, trialCount } from '../options.js';
import { ProgressView } from '../progress.js';
import { benchToRun } from '../rig-arg.js';
import { paint } from '../terminal.js';
import { worldFor } from '../world.js';

interface RunFlags {
  rig: string;
  dut?: string[];
  trials?: number;
  /** A file, or false for --no-db. */
  db: string | false;
  concurrency?: number;
  seed?: number;
  json?: boolean;
}

/** Where `run` keeps its trials unless told otherwise: the store `nightly` writes by default. */
export const RUN_DEFAULT_DB = 'reports/shakedown.db';

export function register(program: Command): void {
  program
    .command('run')
    .description('run trials on a rig now: enter boot ROM, handshake, identify, leave — per DUT in parallel')
    .requiredOption('--rig <file|id>', 'rig description (rigs/*.yaml), or its id (rigs/<id>.yaml)')
    .option('--dut <id...>', 'only these DUTs')
    .option('--trials <n>', 'trials per DUT, at most 100000 (default: the rig’s nightly.trials)', trialCount)
    .addOption(dbOption(`store every trial here as it ends (default: ${RUN_DEFAULT_DB})`).default(RUN_DEFAULT_DB))
    .option('--no-db', 'store nothing (and take no lock: do not use it while the rig’s nightly runs)')
    .option('--concurrency <n>', 'lanes at once (default: the rig’s nightly.concurrency)', positiveInt)
    .option('--seed <n>', 'fault seed of a simulated rig (default: the rig’s sim.seed)', positiveInt)
    .option('--json', 'print the run as JSON on stdout (progress goes to stderr)')
    .addHelpText('after', '\nExit codes: 0 every trial passed · 1 some failed · 2 bad input · 3 infrastructure, or more than 5% harness errors · 129/130/143 stopped by SIGHUP/SIGINT/SIGTERM (relays safe, finished trials stored)')
    .action(async (flags: RunFlags) => {
      process.exitCode = await runCommand(flags);
    });
}

async function runCommand(flags: RunFlags): Promise<number> {
  const bench = benchToRun(flags.rig);
  const dbFile = flags.db === false ? undefined : flags.db;
  // The default store's folder is ours to make; a folder given with --db must exist (a typo should not go unseen).
  if (dbFile === RUN_DEFAULT_DB) mkdirSync(dirname(dbFile), { recursive: true });
  const store = dbFile ? await openStore(dbFile) : undefined;
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
  const trialsPerDut = flags.trials ?? bench.rig.nightly.trialsPerDut;
  await store?.beginRun({ runId, rig: bench.rig, night, meta: { command: 'run', trialsPerDut, [BENCH_FACTS_KEY]: benchFacts(bench) }, startedAt: start.toISOString() });

  const dutIds = flags.dut ?? dutsInService(bench.rig).map((d) => d.id);
  // With --json, stdout carries the JSON alone: people read the progress on stderr.
  const human = flags.json ? process.stderr : process.stdout;
  const progress = new ProgressView(human, dutIds, trialsPerDut);
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
    await store?.endRun(runId, 'failed').catch(() => undefined);
    throw error;
  } finally {
    safety.release();
    progress.finish();
    world?.dispose();
  }
  const status: RunStatus = summary.interrupted ? 'interrupted' : 'completed';
  await store?.setNotRun(runId, summary.notRun);
  await store?.endRun(runId, status);

  const errors = summary.records.filter((r) => r.result === 'error').length;
  const where = store ? `stored in ${relative(process.cwd(), store.location) || store.location}` : 'not stored (--no-db)';
  human.write('\n' + closingTable(summary.records, dutIds) + notRunLines(summary.notRun));
  const failed = summary.records.some((r) => r.result !== 'pass') || summary.notRun.length > 0;
  human.write(`${paint(human, failed ? 'red' : 'green', `run ${runId}: ${summary.trials} trials${errors ? ` (${errors} harness errors)` : ''}`)}, ${where}\n`);
  if (flags.json) {
    const { perDut } = collectReportData(summary.records, { failingPerDut: 0 });
    const json = { runId, rig: bench.rig.id, night, status, startedAt: summary.startedAt, endedAt: summary.endedAt, store: store?.location ?? null, ...buildRunCounts(perDut, summary.notRun) };
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  }
  if (summary.interrupted) return safety.stoppedExit();
  if (untrustworthy(summary.trials, errors)) {
    process.stderr.write(`shakedown: bench not trustworthy: ${errors} of ${summary.trials} trials were harness errors (see the table)\n`);
    return EXIT.infrastructure;
  }
  return summary.records.some((r) => r.result === 'fail') || summary.notRun.length > 0 ? EXIT.failures : EXIT.ok;
}
