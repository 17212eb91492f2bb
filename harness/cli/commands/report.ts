/**
 * `shakedown report [--db FILE|URL] [--rig RIG] [--night DATE | --run ID] [--out DIR]`: writes a run's report again
 * from the store (after an upgrade, or for a night whose run was interrupted), without touching the bench. By default
 * the run that stands for the night (its latest finished nightly run, store/night-runs.ts); `--run` chooses another.
 */
import type { Command } from 'commander';
import { join, relative } from 'node:path';
import { InputError } from '../../core/exit-codes.js';
import { writeRunReport } from '../../nightly/night-report.js';
import { defaultDbPath } from '../../nightly/nightly.js';
import { exitCodeOf, overall, publishNights } from '../../report/index.js';
import { MissingStoreError, nightRunOf, openStore, type RunRow, type TrialStore } from '../../store/index.js';
import { dbOption } from '../db-option.js';
import { night as nightArg } from '../options.js';
import { benchFromArg, rigIdFromArg } from '../rig-arg.js';
import { benchFactsOf } from '../../config/bench-facts.js';
import { openExistingStore } from '../store-arg.js';

interface ReportFlags {
  db?: string;
  rig?: string;
  night?: string;
  run?: string;
  out: string;
}

export function register(program: Command): void {
  program
    .command('report')
    .description('write a run’s HTML/JUnit/JSON report again from the store (by default the run that stands for the night)')
    .addOption(dbOption('the store (default: <out>/shakedown.db)'))
    .option('--rig <file|id>', 'the rig file (rigs/*.yaml), or its id when rigs/<id>.yaml is the file; default: the only rig in the store')
    .option('--night <date>', 'YYYY-MM-DD (default: the latest night of the rig)', nightArg)
    .option('--run <id>', 'this run instead of the one that stands for its night (run ids: summary.json `runs`)')
    .option('--out <dir>', 'reports folder', 'reports')
    .action(async (flags: ReportFlags) => {
      process.exitCode = await reportCommand(flags);
    });
}

async function reportCommand(flags: ReportFlags): Promise<number> {
  const store = await openExistingStore(flags, { readonly: true });
  try {
    const rigId = await rigIdFromArg(flags.rig, store);
    const run = await chosenRun(store, rigId, flags);
    // Without the rig file, the rig and profiles the run kept (runs stored before they kept them need the file).
    const bench = benchFromArg(flags.rig, rigId) ?? benchFactsOf(run.meta);
    if (!bench) throw new InputError(`no rig file for ${rigId}, and run ${run.id} kept no copy of its rig: give it with --rig rigs/<file>.yaml`);
    const written = await writeRunReport(store, bench, run, flags.out);
    await publishNights(join(flags.out, rigId), rigId, run.night);
    const verdict = overall(written.input);
    const others = (written.input.nightRuns ?? []).filter((r) => r.runId !== run.id);
    process.stdout.write(`${verdict.headline}\n`);
    process.stdout.write(`run ${run.id} (${run.status}${written.standsForNight ? ', stands for the night' : ''}): ${relative(process.cwd(), written.files.html)}\n`);
    process.stdout.write(`night ${run.night}: ${relative(process.cwd(), written.night.html)}\n`);
    if (others.length) process.stdout.write(`other runs that night: ${others.map((r) => `${r.runId} (${r.status}, ${r.trials} trials)`).join(', ')} — choose one with --run\n`);
    return exitCodeOf(verdict.level);
  } finally {
    await store.close();
  }
}

/** The run asked for with --run, else the run that stands for the night asked for (default: the latest night). */
async function chosenRun(store: TrialStore, rig: string, flags: ReportFlags): Promise<RunRow> {
  if (flags.run) {
    const run = await store.run(flags.run);
    if (!run || run.rig !== rig) throw new InputError(`no run ${flags.run} of rig ${rig} in the store (run ids are in summary.json's runs, and in \`shakedown report\`'s output)`);
    if (flags.night && flags.night !== run.night) throw new InputError(`run ${flags.run} is of the night ${run.night}, not ${flags.night}`);
    return run;
  }
  const nights = await store.nights(rig);
  const night = flags.night ?? nights[nights.length - 1];
  if (!night || !nights.includes(night)) {
    throw new InputError(`no trials of rig ${rig} on ${flags.night ?? 'any night'} (nights in the store: ${nights.join(', ') || 'none'})`);
  }
  const run = nightRunOf(await store.runs({ rig, nights: [night] }));
  if (!run) throw new InputError(`the trials of rig ${rig} on ${night} belong to no run the store knows`);
  return run;
}
