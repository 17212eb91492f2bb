/**
 * A raw pseudo-terminal without native code: socat owns the pty master and relays it to our stdin/stdout pipes.
 * socat stays up when a client closes the slave side, so clients may come and go; on exit (or when our pipe
 * closes because this process died) it removes the link it made.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { lstatSync, readlinkSync, unlinkSync } from 'node:fs';
import { InfrastructureError, InputError } from '../../harness/core/exit-codes.js';

const READY_TIMEOUT_MS = 5000;

export interface SocatPty {
  /** The pty slave socat opened (/dev/pts/N). */
  readonly ptyPath: string;
  /** The symlink clients open. */
  readonly link: string;
  readonly process: ChildProcessWithoutNullStreams;
  write(bytes: Uint8Array): void;
  /** Bytes written to our side but not yet taken by socat (grows when no client reads the pty). */
  readonly backlog: number;
  onData(listener: (bytes: Uint8Array) => void): void;
  /** Resolves when socat has exited, for whatever reason. */
  readonly exited: Promise<number | null>;
  /** Stops socat and removes the link; safe to call twice. */
  close(): Promise<void>;
  /** Synchronous last-resort cleanup for process exit handlers. */
  closeNow(): void;
}

/** Refuses to replace anything but a symlink (a stale link from an earlier stub is replaced by socat). */
function checkLinkPath(link: string): void {
  try {
    const stat = lstatSync(link);
    if (!stat.isSymbolicLink()) throw new InputError(`${link} exists and is not a symlink; choose another --link path`);
  } catch (error) {
    if (error instanceof InputError) throw error;
    // ENOENT: free to use.
  }
}

export async function openSocatPty(link: string, socatPath = 'socat'): Promise<SocatPty> {
  checkLinkPath(link);
  // Its own process group: Ctrl-C in the terminal reaches us, and we stop socat in order. If this process
  // dies anyway, socat sees its stdin close and exits by itself.
  const child = spawn(socatPath, ['-d', '-d', `PTY,raw,echo=0,link=${link}`, 'STDIO'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  const ptyPath = await new Promise<string>((resolve, reject) => {
    let found = '';
    const timer = setTimeout(() => fail(new InfrastructureError(`socat did not open a pty within ${READY_TIMEOUT_MS} ms: ${stderr.trim()}`)), READY_TIMEOUT_MS);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      fail(new InfrastructureError(error.code === 'ENOENT' ? 'socat is not installed (apt-get install socat)' : `socat: ${error.message}`));
    });
    const early = (code: number | null): void =>
      fail(new InfrastructureError(`socat exited (${code}) before the pty was ready: ${stderr.trim()}`));
    child.once('exit', early);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-4000);
      found ||= /PTY is (\S+)/.exec(stderr)?.[1] ?? '';
      if (found && stderr.includes('starting data transfer loop')) {
        clearTimeout(timer);
        child.removeListener('exit', early);
        resolve(found);
      }
    });
  });
  // A client closing the pty makes socat log and carry on; nothing to act on, but keep the pipe drained.
  child.stderr.on('data', () => undefined);
  child.stdin.on('error', () => undefined);

  let closing: Promise<void> | null = null;
  const removeLink = (): void => {
    try {
      if (readlinkSync(link) === ptyPath) unlinkSync(link);
    } catch {
      // Already gone (socat removes it on a clean exit).
    }
  };
  const closeNow = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    removeLink();
  };

  return {
    ptyPath,
    link,
    process: child,
    exited,
    get backlog() {
      return child.stdin.writableLength;
    },
    write(bytes) {
      if (!child.stdin.destroyed && child.stdin.writable) child.stdin.write(bytes);
    },
    onData(listener) {
      child.stdout.on('data', (chunk: Buffer) => listener(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
    },
    close() {
      closing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
          await exited;
          clearTimeout(timer);
        }
        removeLink();
      })();
      return closing;
    },
    closeNow,
  };
}
