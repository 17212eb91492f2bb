/**
 * A rig's run lock for a store file: an exclusive SQLite transaction on a small lock file beside the store, one per
 * rig id. The kernel drops it when the process ends however it ends (crash, kill -9, reboot), so a stale lock cannot
 * exist and a reused PID cannot keep it. Beside the store rather than in a temporary folder, so that every run
 * writing to the same store sees the same lock whatever its environment ($TMPDIR, a private /tmp). A side file
 * names the holder for the message.
 */
import Database from 'better-sqlite3';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { InfrastructureError } from '../../core/exit-codes.js';
import type { RigLock } from '../types.js';

/** The lock file of a rig for the store at `storeFile`. */
export function lockFileOf(storeFile: string, rig: string): string {
  return `${storeFile}.${encodeURIComponent(rig)}.lock`;
}

export function lockRigBeside(storeFile: string, rig: string): RigLock {
  const file = lockFileOf(storeFile, rig);
  const holderFile = `${file}.holder`;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db?.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new InfrastructureError(`another run of rig ${rig} is in progress${describeHolder(holderFile)} (lock ${file})`);
    }
    throw new InfrastructureError(`cannot take the lock ${file}: ${(error as Error).message}`);
  }
  const held = db;
  writeFileSync(holderFile, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), argv: process.argv.slice(2) }) + '\n');
  let holding = true;
  return {
    async release() {
      if (!holding) return;
      holding = false;
      rmSync(holderFile, { force: true });
      held.close();
    },
  };
}

function describeHolder(file: string): string {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as { pid?: number; startedAt?: string };
    return ` (PID ${holder.pid}, since ${holder.startedAt})`;
  } catch {
    return '';
  }
}
