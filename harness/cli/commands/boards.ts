/** `shakedown boards [--dir boards]`: the board profiles available, one line each. */
import { join } from 'node:path';
import { Command } from 'commander';
import type { BoardProfile } from '../../config/types.js';
import { ConfigError, formatIssue, loadProfile, profileIdsIn } from '../../config/load.js';
import { EXIT, InputError } from '../../core/exit-codes.js';
import { familyNamed } from '../../families/index.js';
import { formatTable } from '../table.js';

/** The chip id a profile stands for: what its engine expects, else what its chip facts say (its family's words). */
export function chipIdOf(profile: BoardProfile): string {
  const family = familyNamed(profile.family);
  const expected = profile.protocol.engine === family?.engine.name ? profile.expect : undefined;
  return family?.chipId(expected, profile.chip) ?? '-';
}

export function boardsTable(dir: string): { table: string; problems: string[] } {
  const ids = profileIdsIn(dir);
  if (ids.length === 0) throw new InputError(`no board profiles (*.yaml) in ${dir}`);
  const rows: string[][] = [];
  const problems: string[] = [];
  for (const id of ids) {
    try {
      const p = loadProfile(join(dir, `${id}.yaml`));
      rows.push([p.id, p.family, chipIdOf(p), p.protocol.engine, p.title]);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      rows.push([id, '?', '?', '?', `invalid: ${error.issues.length} problem(s), see below`]);
      problems.push(...error.issues.map(formatIssue));
    }
  }
  return { table: formatTable(['id', 'family', 'chip id', 'engine', 'title'], rows), problems };
}

export function register(program: Command): void {
  program
    .command('boards')
    .description('list the board profiles: id, family, chip id, protocol engine, title')
    .option('--dir <dir>', 'folder of board profiles', 'boards')
    .action((flags: { dir: string }) => {
      const { table, problems } = boardsTable(flags.dir);
      process.stdout.write(table);
      if (problems.length === 0) return;
      for (const line of problems) process.stderr.write(`${line}\n`);
      process.exitCode = EXIT.badInput;
    });
}
