/**
 * `shakedown nightly --rig <rig> [--out reports/] [--db FILE|URL] [--trials N] [--max-minutes M] [--no-follow-up] [--keep N] [--json]`:
 * the whole night — run, diagnose, report. With a PostgreSQL URL, trials the database cannot take are spooled in
 * <out>/spool/<rig>.db and uploaded later. Exit 0 healthy · 1 failures or flags · 2 bad input · 3 infrastructure or
 * a bench not trustworthy · 129/130/143 stopped by a signal.
 */
import type { Command } from 'commander';
import { mkdirSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { dutsInService } from '../../config/health.js';
import type { TrialRecord } from '../../core/record.js';
import { defaultDbPath, runNightly } from '../../nightly/nightly.js';
import { installSafetyNet } from '../../runner/safety.js';
import type { World } from '../../runner/world.js';
import { isPostgresUrl, openStore, spoolFileFor, type TrialStore } from '../../store/index.js';
import { closingTable, notRunLines } from '../closing-table.js';
import { dbOption } from '../db-option.js';
import { minutes, positiveInt, trialCount } from '../options.js';
import { ProgressView } from '../progress.js';
import { benchToRun } from '../rig-arg.js';
import { paint } from '../terminal.js';
import { worldFor } from '../world.js';

interface NightlyFlags {
  rig: string;
  out: string;
  db?: string;
  trials?: number;
  maxMinutes?: number;
  keep?: number;
  json?: boolean;
  /** false with --no-follow-up. */
  followUp: boolean;
}

export function register(program: Command): void {
  program
    .command('nightly')
    .description('the night’s job: run every DUT of a rig, diagnose with history, write the HTML/JUnit/JSON report')
    .requiredOption('--rig <file|id>', 'rig description (rigs/*.yaml), or its id (rigs/<id>.yaml)')
    .option('--out <dir>', 'reports folder', 'reports')
    .addOption(dbOption('store of every trial (default: <out>/shakedown.db)'))
    .option('--trials <n>', 'trials per DUT, at most 100000 (default: the rig’s nightly.trials)', trialCount)
    .option('--max-minutes <m>', 'time budget: start no trial that would end after it (default: the rig’s nightly.maxMinutes, else none)', minutes)
    .option('--no-follow-up', 'no follow-up trials after the planned ones (default: within the rig’s nightly.followUp budget)')
    .option('--keep <nights>', 'keep the report folders of the newest N nights', positiveInt)
    .option('--json', 'print the run’s summary.json on stdout (progress goes to stderr)')
    .addHelpText(
      'after',
      '\nWrites <out>/<rig>/<YYYY-MM-DD>/{index.html,summary.json,junit.xml,trials/} (the run that stands for the night), each run’s own report in\n' +
        '<out>/<rig>/<YYYY-MM-DD>/runs/<run id>/, <out>/<rig>/latest and the nights index <out>/<rig>/index.html;\n' +
        'runs the rig\'s nightly.notify command when the night ends with new flags.\n' +
        'Exit codes: 0 healthy · 1 failures or flagged components · 2 bad input · 3 infrastructure (relay board, store, disk, lock) or bench not trustworthy (harness errors in more than 5% of trials) · 129/130/143 stopped by SIGHUP/SIGINT/SIGTERM',
    )
    .action(async (flags: NightlyFlags) => {
      process.exitCode = await nightlyCommand(flags);
    });
}

async function nightlyCommand(flags: NightlyFlags): Promise<number> {
  const bench = benchToRun(flags.rig);
  mkdirSync(flags.out, { recursive: true });
  const location = flags.db ?? defaultDbPath(flags.out);
  const store = await openStore(location, { spool: isPostgresUrl(location) ? spoolFileFor(flags.out, bench.rig.id) : undefined });
  const trialsPerDut = flags.trials ?? bench.rig.nightly.trialsPerDut;
  const running = dutsInService(bench.rig).map((d) => d.id);
  // With --json, stdout carries the JSON alone: people read the progress on stderr.
  const human = flags.json ? process.stderr : process.stdout;
  const progress = new ProgressView(human, running, trialsPerDut);
  const safety = installSafetyNet();
  const log = (line: string) => human.write(`${line}\n`);
  let world: World | undefined;
  try {
    const result = await runNightly({
      bench,
      // Built inside the night: a relay board that cannot be found still gets the night's report saying so.
      world: async () => {
        world = await worldFor(bench);
        safety.track(world.relays.values());
        return world;
      },
      store,
      outDir: flags.out,
      trialsPerDut,
      maxMinutes: flags.maxMinutes,
      followUp: flags.followUp,
      keepNights: flags.keep,
      signal: safety.signal,
      onTrial: (record) => progress.trial(record),
      log,
    });
    progress.finish();
    // The whole night's run, including trials stored before a crash and resume.
    const tonight: TrialRecord[] = [];
    try {
      for await (const record of store.trialsFor({ rig: bench.rig.id, runId: result.run.id })) tonight.push(record);
    } catch (error) {
      if (!result.failure) throw error; // else the failure below says what went wrong with the store
    }
    const notRun = result.report?.input.notRun ?? result.summary?.notRun ?? [];
    // A bench that could not be driven ran nothing: its one reason says more than a table of zeros.
    const table = tonight.length > 0 ? closingTable(tonight, running) : '';
    log('\n' + table + notRunLines(notRun).trimEnd());
    log(spoolLine(store) + paint(human, result.exitCode === 0 ? 'green' : 'red', result.headline));
    if (result.report) {
      log(`report: ${relative(process.cwd(), result.report.night.html)}`);
      if (!result.report.standsForNight || (result.report.input.nightRuns?.length ?? 0) > 1) {
        log(`this run's own report: ${relative(process.cwd(), result.report.files.html)}`);
      }
      if (flags.json) process.stdout.write(readFileSync(result.report.files.summary, 'utf8'));
    }
    if (result.failure) throw result.failure;
    if (result.interrupted) return safety.stoppedExit('run nightly again tonight to complete it');
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
