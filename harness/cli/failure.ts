/**
 * What a command prints when it fails, and its exit code: one line that says what failed and what to do — bad input
 * exit 2, the bench, the store or the disk exit 3 — and no stack trace unless asked for (`--debug`).
 */
import { CommanderError } from 'commander';
import { EXIT, InfrastructureError, InputError } from '../core/exit-codes.js';

/** OS error codes of a disk or a folder that cannot take a write, and what to do about each. */
const OS_ADVICE: Record<string, string> = {
  ENOSPC: 'the disk is full — free space on it and run again',
  EDQUOT: 'the disk quota is used up — free space and run again',
  EROFS: 'the file system is read-only — give a folder on a writable disk',
  EACCES: 'permission denied — check that this user may write there',
  EPERM: 'not permitted — check that this user may write there',
  ENOENT: 'no such file or folder — check the path',
  ENOTDIR: 'a part of the path is a file, not a folder — check the path',
  EIO: 'an I/O error — check the disk (dmesg)',
};

/** The exit code of an error and what to print: one line, and the stack too with `--debug`. */
export function describeFailure(error: unknown, debug: boolean): { code: number; text: string } {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0 (commander printed them); usage mistakes are bad input.
    return { code: error.exitCode === 0 ? EXIT.ok : EXIT.badInput, text: '' };
  }
  const stack = debug && error instanceof Error && error.stack ? `${error.stack}\n` : '';
  if (error instanceof InputError) return { code: EXIT.badInput, text: `shakedown: ${error.message}\n${stack}` };
  if (error instanceof InfrastructureError) return { code: EXIT.infrastructure, text: `shakedown: ${error.message}\n${stack}` };
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  const path = (error as { path?: unknown } | null)?.path;
  if (OS_ADVICE[code] && typeof path === 'string') {
    return { code: EXIT.infrastructure, text: `shakedown: cannot write ${path}: ${OS_ADVICE[code]} (${code})\n${stack}` };
  }
  const message = error instanceof Error ? error.message : String(error);
  const more = stack || 'run again with --debug for the stack trace, and report it\n';
  return { code: EXIT.infrastructure, text: `shakedown: internal error: ${message}\n${more}` };
}

