/**
 * Errors every store implementation raises the same way.
 *
 * What goes wrong with a store on a real bench — a folder that is not there, a damaged or truncated file, a full
 * disk, no permission — as one line that says what failed and what to do, exit 3 (an infrastructure error). Every
 * store implementation turns its database's errors into these, so every command says the same about the same file.
 */
import { dirname } from 'node:path';
import { InfrastructureError, InputError } from '../core/exit-codes.js';
import type { LabRig } from './types.js';

export type StoreProblem = 'missing-folder' | 'damaged' | 'full' | 'not-writable' | 'busy' | 'too-new' | 'other';

export class StoreError extends InfrastructureError {
  constructor(
    message: string,
    readonly problem: StoreProblem,
    readonly location: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** The error codes of SQLite and of the OS behind each problem. */
const CODES: Array<[StoreProblem, RegExp]> = [
  ['damaged', /^SQLITE_(CORRUPT|NOTADB)/],
  ['full', /^(SQLITE_FULL|ENOSPC|EDQUOT)$/],
  ['not-writable', /^(SQLITE_READONLY|SQLITE_PERM|SQLITE_CANTOPEN|SQLITE_AUTH|EACCES|EPERM|EROFS)/],
  ['busy', /^SQLITE_(BUSY|LOCKED)/],
];

export function problemOf(error: unknown): StoreProblem {
  const code = String((error as { code?: unknown }).code ?? '');
  const message = error instanceof Error ? error.message : String(error);
  // better-sqlite3 says this with a TypeError, before SQLite is asked.
  if (/directory does not exist/i.test(message)) return 'missing-folder';
  if (/newer than this shakedown understands/.test(message)) return 'too-new';
  for (const [problem, pattern] of CODES) if (pattern.test(code)) return problem;
  if (/disk image is malformed|file is not a database/i.test(message)) return 'damaged';
  if (/disk is full|no space left/i.test(message)) return 'full';
  return 'other';
}

/**
 * The StoreError for `error`, raised while `doing` (e.g. "storing a trial") on the store at `location`. A StoreError
 * passes through unchanged; so does any error that is not the database's (a bug elsewhere keeps its own story).
 */
export function storeError(error: unknown, location: string, doing: string): unknown {
  if (error instanceof StoreError) return error;
  const problem = problemOf(error);
  const cause = error instanceof Error ? error.message : String(error);
  const folder = dirname(location);
  switch (problem) {
    case 'missing-folder':
      return new StoreError(`cannot create the store ${location}: the folder ${folder} does not exist — create it (mkdir -p ${folder}) or give --db a file in an existing folder`, problem, location);
    case 'damaged':
      return new StoreError(
        `the store ${location} is damaged (${cause}) while ${doing} — move it aside (mv ${location} ${location}.damaged) and run again to start a new one, or recover its trials: sqlite3 ${location}.damaged .recover | sqlite3 ${location}`,
        problem,
        location,
      );
    case 'full':
      return new StoreError(`the disk holding the store ${location} is full (${cause}) while ${doing} — free space on it (df -h ${folder}) and run again; the trials stored before are kept`, problem, location);
    case 'not-writable':
      return new StoreError(`cannot write the store ${location} (${cause}) while ${doing} — check that ${folder} exists and that this user may write there and to the file`, problem, location);
    case 'busy':
      return new StoreError(`the store ${location} stayed locked by another process (${cause}) while ${doing} — let it finish (do not write to the store while a run is going) and run again`, problem, location);
    case 'too-new':
      return new StoreError(`${cause}: the store ${location} was written by a newer shakedown — upgrade shakedown, or give --db another file`, problem, location);
    case 'other':
      if (/^SQLITE_/.test(String((error as { code?: unknown }).code ?? ''))) {
        return new StoreError(`the store ${location} failed while ${doing}: ${cause}`, problem, location);
      }
      return error;
  }
}

/**
 * A rig id that another bench PC already runs in a shared store: two rig files of the same name on two PCs would
 * mix their trials. A configuration problem (exit 2), refused before any trial is stored.
 */
export class RigClaimError extends InputError {
  constructor(readonly rig: string, readonly claimedBy: LabRig, readonly host: string, readonly location: string) {
    super(
      `rig ${rig} in the store ${location} is the rig of bench PC ${claimedBy.host} (since ${claimedBy.since}), not of ${host}: ` +
        `give this rig a lab-unique id (lab: { id: ${host}-${rig} } in its rig file), or, if the bench itself moved to this PC, ` +
        `run \`shakedown sync --db … --adopt ${rig}\` here once`,
    );
    this.name = 'RigClaimError';
  }
}
