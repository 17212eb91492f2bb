/**
 * `shakedown show TRIAL_ID`: a stored trial in the terminal — its outcome, timings and the whole transcript with
 * microsecond times, hex and ASCII, pin edges planned vs actual, and the deviant bytes marked. Colour only on a
 * terminal and never with NO_COLOR set.
 */
import type { Command } from 'commander';
import { InputError } from '../../core/exit-codes.js';
import { trialText } from '../../report/trial-text.js';
import { dbOption } from '../db-option.js';
import { openExistingStore } from '../store-arg.js';

interface ShowFlags {
  db?: string;
  out: string;
}

/** Nearest stored ids offered for one that is not there. */
const NEAREST = 5;

export function register(program: Command): void {
  program
    .command('show')
    .description('print a stored trial: timings, expected vs received, and its transcript (µs times, hex + ASCII, pin edges)')
    .argument('<trial-id>', 'the trial id, <run id>/<DUT>/<trial number>, as the report and junit.xml give it')
    .addOption(dbOption('the store (default: <out>/shakedown.db)'))
    .option('--out <dir>', 'reports folder, for the default store', 'reports')
    .addHelpText('after', '\nColour only on a terminal, never with NO_COLOR set.\nExit codes: 0 printed · 2 bad input (no such trial: the nearest ids are named; no store)')
    .action(async (trialId: string, flags: ShowFlags) => {
      process.exitCode = await showCommand(trialId, flags);
    });
}

async function showCommand(trialId: string, flags: ShowFlags): Promise<number> {
  const store = await openExistingStore(flags, { readonly: true });
  try {
    const trial = await store.trial(trialId);
    if (!trial) {
      const near = await store.trialIdsNear(trialId, NEAREST);
      throw new InputError(`no trial '${trialId}' in ${store.location}${near.length ? `; the nearest: ${near.join(', ')}` : ' (it holds no trials)'}`);
    }
    const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
    process.stdout.write(trialText(trial, { colour }));
    return 0;
  } finally {
    await store.close();
  }
}
