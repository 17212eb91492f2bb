import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfrastructureError } from '../../harness/core/exit-codes.js';
import { acquireRigLock } from '../../harness/nightly/lock.js';

describe('nightly: one run per rig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-lock-'));

  it('refuses a second run of the same rig while the first holds the lock, and frees it on release', () => {
    const first = acquireRigLock('bench-a', dir);
    expect(() => acquireRigLock('bench-a', dir)).to.throw(InfrastructureError, /another run of rig bench-a is in progress \(PID \d+, since /);
    const other = acquireRigLock('bench-b', dir);
    other.release();
    first.release();
    acquireRigLock('bench-a', dir).release();
  });

  it('is free again the moment a holder is killed, with no stale lock to clean up', async function () {
    this.timeout(30_000);
    const holder = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', `
        import { acquireRigLock } from ${JSON.stringify(join(process.cwd(), 'harness/nightly/lock.ts'))};
        acquireRigLock('bench-c', ${JSON.stringify(dir)});
        console.log('held');
        setInterval(() => {}, 1000);`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await once(holder.stdout!, 'data');
    expect(() => acquireRigLock('bench-c', dir)).to.throw(InfrastructureError);
    holder.kill('SIGKILL');
    await once(holder, 'exit');
    acquireRigLock('bench-c', dir).release();
  });
});
