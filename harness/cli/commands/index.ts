/** Every subcommand, in the order `--help` lists them. Add a command by adding its module here. */
import type { Command } from 'commander';

export const commands: Array<(program: Command) => void> = [];
