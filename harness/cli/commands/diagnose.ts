/**
 * `shakedown diagnose [--db FILE|URL] [--rig RIG] [--night DATE] [--window N] [--json]`: which component explains the
 * failures in the store. Exit 1 when a component is suspect or bad, 0 otherwise, 2 on bad input (an impossible
 * date, a night without trials), 3 when the store cannot be read (damaged, truncated, away).
 */
import type { Command } from 'commander';
import { EXIT, InfrastructureError, InputError } from '../../core/exit-codes.js';
import { diagnose, hasFlags } from '../../diagnose/diagnose.js';
import { formatDiagnosis } from '../../diagnose/format.js';
import { defaultDbPath } from '../../nightly/nightly.js';
import { FAMILY_PHYSICS } from '../../families/index.js';
import { MissingStoreError, openStore, type TrialStore } from '../../store/index.js';
import { dbOption } from '../db-option.js';
import { night } from '../options.js';
import { benchForStore, rigIdFromArg } from '../rig-arg.js';

interface DiagnoseFlags {
  db?: string;
  rig?: string;
  night?: string;
  window: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('diagnose')
    .description('Work out from the stored trials which component is failing (board, cable, port, hub, supply, relay).')
    .addOption(dbOption('the store written by nightly runs (default: reports/shakedown.db)'))
    .option('--rig <file|id>', 'the rig file (rigs/*.yaml) or its id (default: the only rig in the store)')
    .option('--night <date>', 'night to diagnose, YYYY-MM-DD (default: the latest)', night)
    .option('--window <nights>', 'nights of history to use', '14')
    .option('--json', 'print the diagnosis as JSON')
    .action(async (flags: DiagnoseFlags) => {
      process.exitCode = await runDiagnose(flags);
    });
}

async function runDiagnose(flags: DiagnoseFlags): Promise<number> {
  const window = Number(flags.window);
  if (!Number.isInteger(window) || window < 1) throw new InputError(`--window must be a whole number of nights ≥ 1, got "${flags.window}"`);
  const dbFile = flags.db ?? defaultDbPath('reports');

  let store: TrialStore;
  try {
    store = await openStore(dbFile, { mustExist: true });
  } catch (error) {
    if (error instanceof MissingStoreError) throw new InputError(`${error.message} (run a nightly first, or pass --db with the right file)`);
    throw error; // a damaged store: the same one line, exit 3, as every other command
  }
  try {
    const rig = await rigIdFromArg(flags.rig, store);
    // The rig and its profiles, when at hand, let the diagnosis propose swaps that fit: spares, boards of a kind.
    const bench = await benchForStore(flags.rig, rig, store, flags.night);
    const result = await diagnose({ store, rig, night: flags.night, windowNights: window, rigConfig: bench?.rig, profiles: bench?.profiles, physics: FAMILY_PHYSICS });
    process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + '\n' : formatDiagnosis(result));
    return hasFlags(result) ? EXIT.failures : EXIT.ok;
  } catch (error) {
    if (error instanceof InputError || error instanceof InfrastructureError) throw error;
    throw new InfrastructureError(`reading the store ${store.location} failed: ${(error as Error).message}`);
  } finally {
    await store.close();
  }
}
