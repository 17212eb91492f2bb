/**
 * The one way to open a trial store: the location says which implementation. A file path is a SQLite store (one
 * bench); a database URL (postgres://…, for a lab of benches) is where another implementation plugs in.
 */
import { existsSync } from 'node:fs';
import { InputError } from '../core/exit-codes.js';
import { SqliteTrialStore } from './sqlite/store.js';
import type { TrialStore } from './types.js';

export interface OpenStoreOptions {
  /** Only read (the store must exist; an older schema is brought up to date first). */
  readonly?: boolean;
  /** Refuse to create a store that is not there yet (MissingStoreError). */
  mustExist?: boolean;
}

/** The store at `location` does not exist (a command that only reads it has nothing to read). */
export class MissingStoreError extends InputError {
  constructor(readonly location: string) {
    super(`no store at ${location}`);
  }
}

export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<TrialStore> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new InputError(`store ${location}: only SQLite files are supported as stores (give a file path)`);
  }
  if ((options.mustExist || options.readonly) && !existsSync(location)) throw new MissingStoreError(location);
  return SqliteTrialStore.open(location, { readonly: options.readonly });
}
