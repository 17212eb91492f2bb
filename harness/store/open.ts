/**
 * The one way to open a trial store: the location says which implementation. A file path is a SQLite store (one
 * bench, nothing to install); a postgres:// or postgresql:// URL is the lab's PostgreSQL, shared by many bench PCs.
 * SHAKEDOWN_DB (STORE_ENV) gives the location when a command's --db does not (harness/cli/db-option.ts).
 */
import { existsSync } from 'node:fs';
import { InfrastructureError, InputError } from '../core/exit-codes.js';
import { isPostgresUrl, redactUrl } from './postgres/connect.js';
import { PostgresTrialStore } from './postgres/store.js';
import { SpoolingStore } from './spool.js';
import { SqliteTrialStore } from './sqlite/store.js';
import type { TrialStore } from './types.js';

export interface OpenStoreOptions {
  /** Only read (the store must exist; an older schema is brought up to date first). */
  readonly?: boolean;
  /** Refuse to create a store that is not there yet (MissingStoreError). */
  mustExist?: boolean;
  /**
   * A database URL only: the local SQLite file that keeps trials while the database is away, uploaded when it is
   * back. Without it an unreachable database is an infrastructure error.
   */
  spool?: string;
}

/** The store at `location` does not exist (a command that only reads it has nothing to read). */
export class MissingStoreError extends InputError {
  constructor(readonly location: string) {
    super(`no store at ${location}`);
  }
}

/** The environment variable that names the store when --db is not given. */
export const STORE_ENV = 'SHAKEDOWN_DB';

export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<TrialStore> {
  if (isPostgresUrl(location)) {
    if (options.spool) return SpoolingStore.open(location, options.spool);
    try {
      return await PostgresTrialStore.open(location);
    } catch (error) {
      if (error instanceof InfrastructureError) throw error;
      throw new InfrastructureError(`cannot open the store ${redactUrl(location)}: ${(error as Error).message}`);
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new InputError(`store ${location}: give a SQLite file path or a postgres:// (postgresql://) URL`);
  }
  if ((options.mustExist || options.readonly) && !existsSync(location)) throw new MissingStoreError(location);
  return SqliteTrialStore.open(location, { readonly: options.readonly });
}
