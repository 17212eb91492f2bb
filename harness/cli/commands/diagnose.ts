/**
 * `shakedown diagnose --db FILE|URL [--rig RIG] [--night DATE] [--window N] [--json]`: which component explains the
 * failures in the store. Exit 1 when a component is suspect or bad, 0 otherwise, 2 on bad input.
 */
import type { Command } from 'commander';
import { EXIT, InfrastructureError, InputError } from '../../core/exit-codes.js';
import { diagnose, hasFlags } from '../../diagnose/diagnose.js';
import { formatDiagnosis } from '../../diagnose/format.js';
import { FAMILY_PHYSICS } from '../../families/physics.js';
import { MissingStoreError, openStore, type TrialStore } from '../../store/index.js';
import { dbOption } from '../db-option.js';
import { benchFromArg, rigIdFromArg } from '../rig-arg.js';

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
    .addOption(dbOption('the store written by nightly runs (required)'))
    .option('--rig <file|id>', 'the rig file (rigs/*.yaml) or its id (default: the only rig in the store)')
    .option('--night <date>', 'night to diagnose, YYYY-MM-DD (default: the latest)')
    .option('--window <nights>', 'nights of history to use', '14')
    .option('--json', 'print the diagnosis as JSON')
    .action(async (flags: DiagnoseFlags) => {
      process.exitCode = await runDiagnose(flags);
    });
}

async function runDiagnose(flags: DiagnoseFlags): Promise<number> {
  const window = Number(flags.window);
  if (!Number.isInteger(window) || window < 1) throw new InputError(`--window must be a whole number of nights ≥ 1, got "${flags.window}"`);
  if (flags.night !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(flags.night)) throw new InputError(`--night must be YYYY-MM-DD, got "${flags.night}"`);

  if (!flags.db) throw new InputError('give the store with --db FILE|URL (or set SHAKEDOWN_DB)');
  let store: TrialStore;
  try {
    store = await openStore(flags.db, { mustExist: true });
  } catch (error) {
    if (error instanceof MissingStoreError) throw new InputError(`${error.message} (run a nightly first, or pass --db with the right file)`);
    if (error instanceof InfrastructureError) throw error;
    throw new InputError(`cannot read ${flags.db} as a shakedown store: ${(error as Error).message}`);
  }
  try {
    const rig = await rigIdFromArg(flags.rig, store);
    // The rig and its profiles, when at hand, let the diagnosis propose swaps that fit: spares, boards of a kind.
    const bench = benchFromArg(flags.rig, rig);
    const result = await diagnose({ store, rig, night: flags.night, windowNights: window, rigConfig: bench?.rig, profiles: bench?.profiles, physics: FAMILY_PHYSICS });
    process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + '\n' : formatDiagnosis(result));
    return hasFlags(result) ? EXIT.failures : EXIT.ok;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InfrastructureError(`reading the store ${store.location} failed: ${(error as Error).message}`);
  } finally {
    await store.close();
  }
}
