/**
 * `--db`, as every command that reads or writes the store takes it: a SQLite file path or a postgres:// URL, with
 * SHAKEDOWN_DB as the default when the flag is not given (a bench PC of a lab sets it once).
 */
import { Option } from 'commander';
import { STORE_ENV } from '../store/index.js';

export function dbOption(what: string): Option {
  return new Option('--db <file|url>', `${what}: a SQLite file, or postgres://user@host/db for a lab's shared store`).env(STORE_ENV);
}
