/**
 * `shakedown nightly --rig <rig> [--out reports/] [--db FILE|URL]`: the whole night — run, diagnose, report. With a
 * PostgreSQL URL, trials the database cannot take are spooled in <out>/spool/<rig>.db and uploaded later.
 * Exit 0 healthy · 1 failures or flags · 2 bad input · 3 infrastructure · 129/130/143 stopped by a signal.
 */
import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import { loadBench } from '../../config/load.js';
import type { TrialRecord } from '../../core/record.js';
import { defaultDbPath, runNightly } from '../../nightly/nightly.js';
import { installSafetyNet } from '../../runner/safety.js';
import type { World } from '../../runner/world.js';
import { isPostgresUrl, openStore, spoolFileFor, type TrialStore } from '../../store/index.js';
import { closingTable, notRunLines } from '../closing-table.js';
import { dbOption } from '../db-option.js';
import { positiveInt } from '../options.js';
import { ProgressView } from '../progress.js';
import { worldFor } from '../world.js';

interface NightlyFlags {
  rig: string;
  out: string;
  db?: string;
  trials?: number;
  keep?: number;
}

export function register(program: Command): void {
  program
    .command('nightly')
    .description('the night’s job: run every DUT of a rig, diagnose with history, write the HTML/JUnit/JSON report')
    .requiredOption('--rig <file>', 'rig description (rigs/*.yaml)')
    .option('--out <dir>', 'reports folder', 'reports')
    .addOption(dbOption('store of every trial (default: <out>/shakedown.db)'))
    .option('--trials <n>', 'trials per DUT (default: the rig’s nightly.trials)', positiveInt)
    .option('--keep <nights>', 'keep the report folders of the newest N nights', positiveInt)
    .addHelpText(
      'after',
      '\nWrites <out>/<rig>/<YYYY-MM-DD>/{index.html,summary.json,junit.xml} and <out>/<rig>/latest.\n' +
        'Exit codes: 0 healthy · 1 failures or flagged components · 2 bad input · 3 infrastructure (relay board, store, lock) or bench not trustworthy (harness errors in more than 5% of trials) · 129/130/143 stopped by SIGHUP/SIGINT/SIGTERM',
    )
    .action(async (flags: NightlyFlags) => {
      process.exitCode = await nightlyCommand(flags);
    });
}

async function nightlyCommand(flags: NightlyFlags): Promise<number> {
  const bench = loadBench(flags.rig);
  mkdirSync(flags.out, { recursive: true });
  const location = flags.db ?? defaultDbPath(flags.out);
  const store = await openStore(location, { spool: isPostgresUrl(location) ? spoolFileFor(flags.out, bench.rig.id) : undefined });
  const trialsPerDut = flags.trials ?? bench.rig.nightly.trialsPerDut;
  const progress = new ProgressView(process.stdout, bench.rig.duts.map((d) => d.id), trialsPerDut);
  const safety = installSafetyNet();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  let world: World | undefined;
  try {
    world = await worldFor(bench);
    safety.track(world.relays.values());
    const result = await runNightly({
      bench,
      world,
      store,
      outDir: flags.out,
      trialsPerDut,
      keepNights: flags.keep,
      signal: safety.signal,
      onTrial: (record) => progress.trial(record),
      log,
    });
    progress.finish();
    // The whole night's run, including trials stored before a crash and resume.
    const tonight: TrialRecord[] = [];
    for await (const record of store.trialsFor({ rig: bench.rig.id, runId: result.run.id })) tonight.push(record);
    log('\n' + closingTable(tonight, bench.rig.duts.map((d) => d.id)) + notRunLines(result.summary.notRun).trimEnd());
    log(spoolLine(store) + result.headline);
    if (result.report) log(`report: ${relative(process.cwd(), result.report.html)}`);
    if (result.summary.interrupted) return safety.stoppedExit('run nightly again tonight to complete it');
    return result.exitCode;
  } finally {
    safety.release();
    await store.close();
    world?.dispose();
  }
}

/** What a spooling store did tonight, as a line before the headline ('' when the database took every trial). */
function spoolLine(store: TrialStore): string {
  const spool = store.spoolStatus?.();
  if (!spool || (spool.spooled === 0 && spool.pending === 0 && spool.uploaded === 0)) return '';
  const parts = [];
  if (spool.unreachable) parts.push(`the database was away (${spool.unreachable})`);
  if (spool.spooled) parts.push(`${spool.spooled} trials were spooled in ${relative(process.cwd(), spool.file)}`);
  if (spool.uploaded) parts.push(`${spool.uploaded} spooled trials were uploaded`);
  if (spool.pending) parts.push(`${spool.pending} wait in the spool for the next run or \`shakedown sync\``);
  return `${parts.join('; ')}\n`;
}
