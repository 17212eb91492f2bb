import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InfrastructureError } from '../../harness/core/exit-codes.js';
import { openStore, type TrialStore } from '../../harness/store/index.js';

const HOLDER = fileURLToPath(new URL('./lock-holder.ts', import.meta.url));

/** A process holding `rig`'s lock on the store `file`, with its own $TMPDIR; resolves once it holds it. */
async function holderProcess(file: string, rig: string, tmp: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, file, rig], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TMPDIR: tmp } });
  await once(child.stdout!, 'data');
  return child;
}

async function refusal(store: TrialStore, rig: string): Promise<unknown> {
  return store.lockRig(rig).then(async (lock) => {
    await lock.release();
    return undefined;
  }, (error: unknown) => error);
}

describe('store: one run per rig at a time', function () {
  this.timeout(30_000);
  let dir: string;
  let file: string;
  let store: TrialStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-lock-'));
    file = join(dir, 'shakedown.db');
    store = await openStore(file);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second run of the same rig while the first holds the lock, and frees it on release', async () => {
    const first = await store.lockRig('bench-a');
    const error = await refusal(store, 'bench-a');
    expect(error).to.be.instanceOf(InfrastructureError);
    expect((error as Error).message).to.match(/^another run of rig bench-a is in progress \(PID \d+, since \d{4}-.*\) \(lock .*shakedown\.db\.bench-a\.lock\)$/);
    const other = await store.lockRig('bench-b');
    await other.release();
    await first.release();
    await (await store.lockRig('bench-a')).release();
  });

  it('keeps the lock beside the store file, so runs with different temporary folders exclude each other', async () => {
    const holder = await holderProcess(file, 'bench-c', mkdtempSync(join(dir, 'tmp-a-')));
    try {
      expect(existsSync(`${file}.bench-c.lock`)).to.equal(true);
      const error = await refusal(store, 'bench-c');
      expect(error).to.be.instanceOf(InfrastructureError);
      expect((error as Error).message).to.include(`(PID ${holder.pid}, since `);
    } finally {
      holder.kill('SIGKILL');
      await once(holder, 'exit');
    }
  });

  it('is free again the moment a holder is killed, with no stale lock to clean up', async () => {
    const holder = await holderProcess(file, 'bench-d', tmpdir());
    expect(await refusal(store, 'bench-d')).to.be.instanceOf(InfrastructureError);
    holder.kill('SIGKILL');
    await once(holder, 'exit');
    await (await store.lockRig('bench-d')).release();
  });
});
