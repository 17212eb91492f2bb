/** Every subcommand, in the order `--help` lists them. Add a command by adding its module here. */
import type { Command } from 'commander';
import { register as diagnose } from './diagnose.js';
import { register as run } from './run.js';
import { register as nightly } from './nightly.js';
import { register as report } from './report.js';
import { register as stub } from './stub.js';
import { register as lab } from './lab.js';
import { register as sync } from './sync.js';
import { register as validate } from './validate.js';
import { register as boards } from './boards.js';
import { register as ports } from './ports.js';
import { register as schema } from './schema.js';

export const commands: Array<(program: Command) => void> = [nightly, run, report, diagnose, lab, sync, validate, boards, ports, schema, stub];
