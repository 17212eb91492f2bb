/**
 * `nightly.notify`: a command the rig names, run when a night ends with new flags, so a lab can post to its chat.
 * It gets the path of the night's summary.json as its last argument, runs under /bin/sh with a time limit, and its
 * output goes to the night's log. Whatever it does — fail, hang, not exist — the night's result stands.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { NotifyCommand } from '../config/types.js';

/** Lines of the command's output logged, at most (a chatty script does not flood the journal). */
const MAX_LINES = 40;
/** After the time limit: SIGTERM to its process group, then SIGKILL this much later. */
const KILL_GRACE_MS = 2000;

export interface NotifyResult {
  /** The command's exit code; null when it could not start, or was killed. */
  exitCode: number | null;
  timedOut: boolean;
}

export async function runNotify(notify: NotifyCommand, summaryPath: string, log: (line: string) => void): Promise<NotifyResult> {
  log(`notify: ${notify.command} ${summaryPath}`);
  return new Promise((resolve) => {
    let child;
    try {
      // The path is the script's "$1": no quoting of it can break the command line.
      child = spawn('/bin/sh', ['-c', `${notify.command} "$1"`, 'shakedown-notify', summaryPath], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    } catch (error) {
      log(`notify: could not start: ${(error as Error).message} (the night's result stands)`);
      resolve({ exitCode: null, timedOut: false });
      return;
    }
    let lines = 0;
    const relay = (stream: NodeJS.ReadableStream, tag: string) =>
      createInterface({ input: stream }).on('line', (line) => {
        if (++lines <= MAX_LINES) log(`notify ${tag}: ${line}`);
        else if (lines === MAX_LINES + 1) log('notify: (more output not logged)');
      });
    relay(child.stdout, 'out');
    relay(child.stderr, 'err');
    let timedOut = false;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      log(`notify: no end after ${notify.timeoutMs} ms: stopped (the night's result stands)`);
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS).unref();
    }, notify.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      log(`notify: could not start: ${error.message} (the night's result stands)`);
      resolve({ exitCode: null, timedOut: false });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (!timedOut && code !== 0) log(`notify: the command ${code === null ? `was killed by ${signal}` : `exited ${code}`} (the night's result stands)`);
      resolve({ exitCode: code, timedOut });
    });
  });
}
