/**
 * `shakedown report [--db FILE] [--rig RIG] [--night DATE] [--out DIR]`: writes a night's report again from the
 * store (after an upgrade, or for a night whose run was interrupted), without touching the bench.
 */
import type { Command } from 'commander';
import { join, relative } from 'node:path';
import { InputError } from '../../core/exit-codes.js';
import { diagnose } from '../../diagnose/index.js';
import { FAMILY_PHYSICS } from '../../families/physics.js';
import { buildReportInput } from '../../nightly/report-data.js';
import { defaultDbPath } from '../../nightly/nightly.js';
import { exitCodeOf, overall, writeReport } from '../../report/index.js';
import { MissingStoreError, openStore, type TrialStore } from '../../store/index.js';
import { dbOption } from '../db-option.js';
import { benchFromArg, rigIdFromArg } from '../rig-arg.js';

interface ReportFlags {
  db?: string;
  rig?: string;
  night?: string;
  out: string;
}

export function register(program: Command): void {
  program
    .command('report')
    .description('write a night’s HTML/JUnit/JSON report again from the store')
    .addOption(dbOption('the store (default: <out>/shakedown.db)'))
    .option('--rig <file|id>', 'the rig file (rigs/*.yaml), or its id when rigs/<id>.yaml is the file; default: the only rig in the store')
    .option('--night <date>', 'YYYY-MM-DD (default: the latest night of the rig)')
    .option('--out <dir>', 'reports folder', 'reports')
    .action(async (flags: ReportFlags) => {
      process.exitCode = await reportCommand(flags);
    });
}

async function reportCommand(flags: ReportFlags): Promise<number> {
  const dbFile = flags.db ?? defaultDbPath(flags.out);
  let store: TrialStore;
  try {
    store = await openStore(dbFile, { readonly: true });
  } catch (error) {
    if (error instanceof MissingStoreError) throw new InputError(`${error.message} (give --db, or run \`shakedown nightly\` first)`);
    throw error;
  }
  try {
    const rigId = await rigIdFromArg(flags.rig, store);
    const bench = benchFromArg(flags.rig, rigId);
    if (!bench) throw new InputError(`no rig file for ${rigId}: give it with --rig rigs/<file>.yaml`);
    const nights = await store.nights(rigId);
    const night = flags.night ?? nights[nights.length - 1];
    if (!night || !nights.includes(night)) {
      throw new InputError(`no trials of rig ${rigId} on ${flags.night ?? 'any night'} (nights in the store: ${nights.join(', ') || 'none'})`);
    }
    const run = (await store.findRun({ rig: rigId, night, command: 'nightly' })) ?? (await store.findRun({ rig: rigId, night }))!;
    const diagnosis = await diagnose({ store, rig: rigId, night, windowNights: bench.rig.nightly.historyNights, rigConfig: bench.rig, profiles: bench.profiles, physics: FAMILY_PHYSICS });
    const input = await buildReportInput(store, bench, run, diagnosis);
    const written = await writeReport(join(flags.out, rigId, night), input);
    const verdict = overall(input);
    process.stdout.write(`${verdict.headline}\nreport: ${relative(process.cwd(), written.html)}\n`);
    return exitCodeOf(verdict.level);
  } finally {
    await store.close();
  }
}
