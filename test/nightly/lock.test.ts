import { expect } from 'chai';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfrastructureError } from '../../harness/core/exit-codes.js';
import { acquireLock } from '../../harness/nightly/lock.js';

describe('nightly: one run per rig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-lock-'));

  it('refuses a second run while the first holds the lock, and frees it on release', () => {
    const file = join(dir, 'a.lock');
    const first = acquireLock(file);
    expect(() => acquireLock(file)).to.throw(InfrastructureError, /another run of this rig is in progress \(PID \d+/);
    first.release();
    expect(existsSync(file)).to.equal(false);
    acquireLock(file).release();
  });

  it('takes over the lock of a process that is gone, and says whose it was', () => {
    const file = join(dir, 'b.lock');
    writeFileSync(file, JSON.stringify({ pid: 2 ** 22 + 12345, startedAt: '2026-11-20T01:30:00.000Z' }));
    const lock = acquireLock(file);
    expect(lock.tookOverFrom).to.deep.equal({ pid: 2 ** 22 + 12345, startedAt: '2026-11-20T01:30:00.000Z' });
    lock.release();
  });

  it('treats an unreadable lock file as stale', () => {
    const file = join(dir, 'c.lock');
    writeFileSync(file, '{half');
    const lock = acquireLock(file);
    expect(lock.tookOverFrom?.pid).to.equal(0);
    lock.release();
  });
});
