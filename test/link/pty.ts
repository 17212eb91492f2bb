/** A pair of linked pseudo-terminals from socat, raw and without echo, for tests over the real serial binding. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  a: string;
  b: string;
  /** Kills socat: both ends vanish like an unplugged adapter. */
  kill(): void;
  dispose(): void;
}

export async function ptyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-pty-'));
  const a = join(dir, 'ttyUSB-a');
  const b = join(dir, 'ttyUSB-b');
  const child: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
  for (let i = 0; i < 200 && !(existsSync(a) && existsSync(b)); i++) await new Promise((r) => setTimeout(r, 10));
  if (!existsSync(a) || !existsSync(b)) {
    child.kill();
    throw new Error('socat did not create the pty pair');
  }
  const kill = () => {
    if (child.exitCode === null && !child.killed) child.kill('SIGTERM');
  };
  return {
    a,
    b,
    kill,
    dispose() {
      kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
