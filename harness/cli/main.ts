/**
 * The `shakedown` command line. Each subcommand lives in harness/cli/commands/<name>.ts and exports
 * `register(program)`; this file only wires them up and turns errors into exit codes without stack traces.
 */
import { Command, CommanderError } from 'commander';
import { EXIT, InfrastructureError, InputError } from '../core/exit-codes.js';
import { commands } from './commands/index.js';

const EXIT_HELP = `
Exit codes:
  0  ok
  1  trials failed or components flagged
  2  bad input (profile, rig or arguments)
  3  infrastructure error (relay board, store, host)`;

export function buildProgram(): Command {
  const program = new Command('shakedown')
    .description('Boot-ROM handshakes on a lab bench, and statistics that say which part is failing.')
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
    return exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; usage mistakes are bad input.
    return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  }
  if (error instanceof InputError) {
    process.stderr.write(`shakedown: ${error.message}\n`);
    return EXIT.badInput;
  }
  if (error instanceof InfrastructureError) {
    process.stderr.write(`shakedown: ${error.message}\n`);
    return EXIT.infrastructure;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`shakedown: internal error: ${message}\n`);
  return EXIT.infrastructure;
}

const code = await main(process.argv.slice(2));
// Exit once output is flushed, even if a library left a handle open: a hung process would keep the rig's lock.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
