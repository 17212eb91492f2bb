/**
 * `shakedown sync [--db URL] [--out reports/] [--adopt RIG]`: uploads what this bench PC spooled while the lab's
 * database was away (<out>/spool/<rig>.db), each rig under its lock, nothing twice; `--adopt` hands a rig id to
 * this PC when the bench moved here. Exit 0 when the spool is empty, 2 on bad input, 3 when trials remain.
 */
import type { Command } from 'commander';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { benchHost } from '../../core/bench-host.js';
import { EXIT, InfrastructureError, InputError } from '../../core/exit-codes.js';
import { isPostgresUrl, openStore, spoolFileFor, type TrialStore } from '../../store/index.js';
import { dbOption } from '../db-option.js';

interface SyncFlags {
  db?: string;
  out: string;
  adopt?: string;
}

export function register(program: Command): void {
  program
    .command('sync')
    .description('upload the trials this bench PC spooled while the lab’s PostgreSQL was away')
    .addOption(dbOption('the lab’s PostgreSQL (required)'))
    .option('--out <dir>', 'reports folder whose spool/ to upload', 'reports')
    .option('--adopt <rig>', 'make this PC the one that runs rig RIG (the bench moved here)')
    .addHelpText('after', '\nExit codes: 0 nothing left in the spool · 2 bad input · 3 the database is away or a rig is running (trials stay spooled)')
    .action(async (flags: SyncFlags) => {
      process.exitCode = await syncCommand(flags);
    });
}

async function syncCommand(flags: SyncFlags): Promise<number> {
  if (!flags.db || !isPostgresUrl(flags.db)) throw new InputError('sync uploads to a lab’s PostgreSQL: give --db postgres://… (or set SHAKEDOWN_DB)');
  const url = flags.db;
  if (flags.adopt) {
    const store = await openStore(url);
    try {
      await store.adoptRig(flags.adopt, benchHost());
    } finally {
      await store.close();
    }
    process.stdout.write(`rig ${flags.adopt} is now run from ${benchHost()}\n`);
  }
  const dir = join(flags.out, 'spool');
  const rigs = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.db')).map((f) => decodeURIComponent(f.slice(0, -3))) : [];
  let left = 0;
  for (const rig of rigs.sort()) {
    const file = spoolFileFor(flags.out, rig);
    const store = await openStore(url, { spool: file });
    try {
      left += await uploadRig(store, rig, file);
    } finally {
      await store.close();
    }
  }
  return left > 0 ? EXIT.infrastructure : EXIT.ok;
}

/** Uploads one rig's spool under its lock; returns the trials still spooled. */
async function uploadRig(store: TrialStore, rig: string, file: string): Promise<number> {
  let lock;
  try {
    lock = await store.lockRig(rig); // taking the lock uploads the spool
  } catch (error) {
    if (!(error instanceof InfrastructureError)) throw error;
    process.stdout.write(`${rig}: not now — ${error.message}\n`);
    return store.spoolStatus?.().pending ?? 0;
  }
  await lock.release();
  const spool = store.spoolStatus!();
  const where = relative(process.cwd(), file);
  if (spool.pending > 0) process.stdout.write(`${rig}: ${spool.pending} trials stay in ${where}: the database is away (${spool.unreachable})\n`);
  else process.stdout.write(`${rig}: ${spool.uploaded} trials uploaded from ${where}\n`);
  return spool.pending;
}
