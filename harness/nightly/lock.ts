/**
 * One run per rig at a time. The lock file holds the owner's PID and start time; a lock whose process is gone (a
 * crash, a reboot) is stale and taken over — the caller is told, so the log says what happened.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { InfrastructureError } from '../core/exit-codes.js';

export interface HeldLock {
  /** The previous owner whose stale lock was taken over, if any. */
  tookOverFrom?: { pid: number; startedAt: string };
  release(): void;
}

export function acquireLock(file: string): HeldLock {
  let tookOverFrom: HeldLock['tookOverFrom'];
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }) + '\n', { flag: 'wx' });
      return {
        ...(tookOverFrom ? { tookOverFrom } : {}),
        release: () => rmSync(file, { force: true }),
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new InfrastructureError(`cannot create the lock ${file}: ${(error as Error).message}`);
      }
    }
    const owner = readOwner(file);
    if (owner && isAlive(owner.pid)) {
      throw new InfrastructureError(`another run of this rig is in progress (PID ${owner.pid}, since ${owner.startedAt}; lock ${file})`);
    }
    tookOverFrom = owner ?? { pid: 0, startedAt: 'unknown' };
    rmSync(file, { force: true });
  }
  throw new InfrastructureError(`cannot take the lock ${file}: another process keeps creating it`);
}

function readOwner(file: string): { pid: number; startedAt: string } | undefined {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown; startedAt?: unknown };
    if (typeof owner.pid === 'number') return { pid: owner.pid, startedAt: String(owner.startedAt ?? 'unknown') };
  } catch {
    // Unreadable or half-written: treat as stale.
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
