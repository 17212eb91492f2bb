/** The store a command that reads or amends the history opens: `--db`, or `<out>/shakedown.db`; a missing one is bad input. */
import { InputError } from '../core/exit-codes.js';
import { defaultDbPath } from '../nightly/nightly.js';
import { MissingStoreError, openStore, type TrialStore } from '../store/index.js';

export async function openExistingStore(flags: { db?: string; out: string }, options: { readonly?: boolean } = {}): Promise<TrialStore> {
  const dbFile = flags.db ?? defaultDbPath(flags.out);
  try {
    return await openStore(dbFile, { mustExist: true, readonly: options.readonly ?? false });
  } catch (error) {
    if (error instanceof MissingStoreError) throw new InputError(`${error.message} (give --db, or run \`shakedown nightly\` first)`);
    throw error;
  }
}
