/**
 * The `shakedown` command line. Each subcommand lives in harness/cli/commands/<name>.ts and exports
 * `register(program)`; this file only wires them up and turns errors into exit codes: one line saying what failed
 * and what to do, no stack trace (`--debug` adds it).
 */
import { Command } from 'commander';
import { EXIT } from '../core/exit-codes.js';
import { PRODUCT_VERSIONS } from '../nightly/versions.js';
import { commands } from './commands/index.js';
import { describeFailure } from './failure.js';

const EXIT_HELP = `
Exit codes:
  0  ok
  1  trials failed or components flagged
  2  bad input (profile, rig or arguments)
  3  infrastructure error (relay board, store, disk, host)
  129/130/143  stopped by SIGHUP/SIGINT/SIGTERM`;

export function buildProgram(): Command {
  const program = new Command('shakedown')
    .description('Boot-ROM handshakes on a lab bench, and statistics that say which part is failing.')
    .version(PRODUCT_VERSIONS.shakedown ?? 'unknown', '-V, --version', 'print the version of shakedown')
    .option('--debug', 'print the stack trace of an error too')
    .showHelpAfterError()
    .addHelpText('after', EXIT_HELP)
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    const failure = describeFailure(error, argv.includes('--debug'));
    if (failure.text) process.stderr.write(failure.text);
    return failure.code;
  }
}

const code = await main(process.argv.slice(2));
// Exit once output is flushed, even if a library left a handle open: a hung process would keep the rig's lock.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
