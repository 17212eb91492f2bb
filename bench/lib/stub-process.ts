/**
 * An emulated board on a pty in a process of its own (`shakedown stub`), so that whichever client is measured —
 * shakedown in this process, or stm32flash — shares no event loop with the emulator. Its stdin stands in for the
 * relay board: `reset()` restarts the board and waits until its boot ROM listens again.
 */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const READY_TIMEOUT_MS = 20_000;

export interface StubProcess {
  link: string;
  /** Pulses reset and resolves once the board reports `state` as one of `states` (default: bootloader). */
  reset(states?: string[]): Promise<void>;
  stop(): Promise<void>;
}

export function startStubProcess(profileFile: string, link: string, extraArgs: string[] = []): Promise<StubProcess> {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'shakedown.js'), 'stub', profileFile, '--link', link, ...extraArgs], {
    cwd: REPO,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let out = '';
  let err = '';
  const lineWaiters: Array<(line: string) => void> = [];
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl).trim();
      out = out.slice(nl + 1);
      for (const waiter of lineWaiters.splice(0)) waiter(line);
    }
  });
  const nextLine = (timeoutMs: number) =>
    new Promise<string>((resolveLine, reject) => {
      const timer = setTimeout(() => reject(new Error(`shakedown stub said nothing for ${timeoutMs} ms: ${err.trim()}`)), timeoutMs);
      lineWaiters.push((line) => {
        clearTimeout(timer);
        resolveLine(line);
      });
    });

  const stub: StubProcess = {
    link,
    async reset(states = ['bootloader']) {
      child.stdin.write('reset\n');
      for (let tries = 0; tries < 200; tries++) {
        await new Promise((r) => setTimeout(r, 10));
        const answer = nextLine(2000);
        child.stdin.write('state\n');
        const line = await answer;
        if (states.some((s) => line === `state ${s}`)) return;
      }
      throw new Error(`the stub did not come back to ${states.join(' or ')} after reset`);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end('quit\n');
        const timer = setTimeout(() => child.kill('SIGTERM'), 3000);
        await exited;
        clearTimeout(timer);
      }
    },
  };

  return new Promise((resolveStub, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`shakedown stub did not get ready: ${err.trim()}`));
    }, READY_TIMEOUT_MS);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`shakedown stub exited ${code}: ${err.trim().split('\n').slice(-2).join(' / ')}`));
    };
    child.once('exit', onExit);
    lineWaiters.push(function ready(line) {
      if (!line.startsWith('ready ')) return void lineWaiters.push(ready);
      clearTimeout(timer);
      child.off('exit', onExit);
      resolveStub(stub);
    });
  });
}
