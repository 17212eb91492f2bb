/**
 * `shakedown lab [--db URL] [--out reports/] [--window N]`: the lab page — every rig's latest night and the findings
 * across rigs — as <out>/index.html and <out>/lab.json. Exit 0 when every rig is healthy, 1 when a rig has failures
 * or flags or a lab-wide finding stands, 2 on bad input, 3 when the store cannot be read.
 */
import type { Command } from 'commander';
import { relative } from 'node:path';
import { EXIT, InputError } from '../../core/exit-codes.js';
import { defaultDbPath } from '../../nightly/nightly.js';
import { writeLabPage } from '../../report/lab/index.js';
import { MissingStoreError, openStore, type TrialStore } from '../../store/index.js';
import { dbOption } from '../db-option.js';
import { positiveInt } from '../options.js';

interface LabFlags {
  db?: string;
  out: string;
  window: number;
}

export function register(program: Command): void {
  program
    .command('lab')
    .description('the lab page: every rig’s latest night, flags, pass rate and trend, and what fails across rigs')
    .addOption(dbOption('the lab’s store (default: <out>/shakedown.db)'))
    .option('--out <dir>', 'reports folder: the page links each rig’s report found there', 'reports')
    .option('--window <nights>', 'nights of history per rig', positiveInt, 14)
    .addHelpText('after', '\nWrites <out>/index.html and <out>/lab.json.\nExit codes: 0 every rig healthy · 1 failures, flags or lab-wide findings · 2 bad input · 3 store unreachable')
    .action(async (flags: LabFlags) => {
      process.exitCode = await labCommand(flags);
    });
}

async function labCommand(flags: LabFlags): Promise<number> {
  let store: TrialStore;
  try {
    store = await openStore(flags.db ?? defaultDbPath(flags.out), { readonly: true });
  } catch (error) {
    if (error instanceof MissingStoreError) throw new InputError(`${error.message} (give --db, or set SHAKEDOWN_DB)`);
    throw error;
  }
  try {
    const written = await writeLabPage({ store, windowNights: flags.window, outDir: flags.out });
    const { page } = written;
    for (const f of page.findings) process.stdout.write(`lab-wide: ${f.sentence}\n`);
    for (const r of page.rigs) process.stdout.write(`${r.rig}: ${r.night}${r.stale ? ' (no run since)' : ''} ${r.verdict} — ${r.headline}\n`);
    process.stdout.write(`lab page: ${relative(process.cwd(), written.html)}\n`);
    const unwell = page.findings.length > 0 || page.rigs.some((r) => r.verdict !== 'healthy' || r.stale);
    return unwell ? EXIT.failures : EXIT.ok;
  } finally {
    await store.close();
  }
}
