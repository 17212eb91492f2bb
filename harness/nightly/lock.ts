/**
 * One run per rig at a time, on this host. The lock is an exclusive SQLite transaction on a small lock file: the
 * kernel drops it when the process ends however it ends (crash, kill -9, reboot), so a stale lock cannot exist and
 * a reused PID cannot keep it. Keyed on the rig id, in one folder per host, so two runs of the same bench with
 * different stores or report folders still exclude each other. A side file names the holder for the message.
 */
import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfrastructureError } from '../core/exit-codes.js';

export interface HeldLock {
  release(): void;
}

/** Where rig locks live unless SHAKEDOWN_LOCK_DIR says otherwise. */
export function lockDir(): string {
  return process.env.SHAKEDOWN_LOCK_DIR ?? join(tmpdir(), 'shakedown-locks');
}

export function acquireRigLock(rig: string, dir: string = lockDir()): HeldLock {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${rig}.lock`);
  const holderFile = `${file}.holder`;
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new InfrastructureError(`another run of rig ${rig} is in progress${describeHolder(holderFile)} (lock ${file})`);
    }
    throw new InfrastructureError(`cannot take the lock ${file}: ${(error as Error).message}`);
  }
  writeFileSync(holderFile, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), argv: process.argv.slice(2) }) + '\n');
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      rmSync(holderFile, { force: true });
      db.close();
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
