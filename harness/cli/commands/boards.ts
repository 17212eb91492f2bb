/** `shakedown boards [--dir boards] [--json]`: the board profiles available, one line each (or a JSON array). */
import { join } from 'node:path';
import { Command } from 'commander';
import type { BoardProfile } from '../../config/types.js';
import type { ConfigIssue } from '../../config/issues.js';
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

/** One profile as `boards --json` prints it; family, chipId, engine and title are null for an invalid profile. */
export interface BoardEntry {
  id: string;
  file: string;
  valid: boolean;
  family: string | null;
  chipId: string | null;
  engine: string | null;
  title: string | null;
  problems: ConfigIssue[];
}

export function boardEntries(dir: string): BoardEntry[] {
  const ids = profileIdsIn(dir);
  if (ids.length === 0) throw new InputError(`no board profiles (*.yaml) in ${dir}`);
  return ids.map((id) => {
    const file = join(dir, `${id}.yaml`);
    try {
      const p = loadProfile(file);
      return { id: p.id, file, valid: true, family: p.family, chipId: chipIdOf(p), engine: p.protocol.engine, title: p.title, problems: [] };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return { id, file, valid: false, family: null, chipId: null, engine: null, title: null, problems: error.issues };
    }
  });
}

export function boardsTable(dir: string): { table: string; problems: string[] } {
  const entries = boardEntries(dir);
  const rows = entries.map((b) =>
    b.valid ? [b.id, b.family!, b.chipId!, b.engine!, b.title!] : [b.id, '?', '?', '?', `invalid: ${b.problems.length} problem(s), see below`],
  );
  const problems = entries.flatMap((b) => b.problems.map(formatIssue));
  return { table: formatTable(['id', 'family', 'chip id', 'engine', 'title'], rows), problems };
}

export function register(program: Command): void {
  program
    .command('boards')
    .description('list the board profiles: id, family, chip id, protocol engine, title')
    .option('--dir <dir>', 'folder of board profiles', 'boards')
    .option('--json', 'print [{ id, file, valid, family, chipId, engine, title, problems }] on stdout')
    .action((flags: { dir: string; json?: boolean }) => {
      if (flags.json) {
        const entries = boardEntries(flags.dir);
        process.stdout.write(JSON.stringify(entries, null, 2) + '\n');
        if (entries.some((b) => !b.valid)) process.exitCode = EXIT.badInput;
        return;
      }
      const { table, problems } = boardsTable(flags.dir);
      process.stdout.write(table);
      if (problems.length === 0) return;
      for (const line of problems) process.stderr.write(`${line}\n`);
      process.exitCode = EXIT.badInput;
    });
}
