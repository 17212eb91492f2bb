/**
 * A busy machine on demand: child processes that each keep one core fully busy, for benchmarks whose targets
 * hold "with one core busy" (an ordinary loaded lab PC: a compiler, a browser, another test run).
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** Keeps `cores` cores busy until the returned function is called; it resolves once the load has stopped. */
export function startBackgroundLoad(cores = 1): () => Promise<void> {
  const children: ChildProcess[] = [];
  for (let i = 0; i < cores; i++) {
    children.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  }
  return async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
  };
}
