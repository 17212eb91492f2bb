/** `shakedown boards [--dir boards]`: the board profiles available, one line each. */
import { join } from 'node:path';
import { Command } from 'commander';
import type { BoardProfile } from '../../config/types.js';
import { ConfigError, formatIssue, loadProfile, profileIdsIn } from '../../config/load.js';
import { EXIT, InputError } from '../../core/exit-codes.js';
import { formatTable } from '../table.js';

/** The identity a profile checks: STM32 product id, MediaTek hw_code, ESP32 chip id or magic word. */
export function chipIdOf(profile: BoardProfile): string {
  if (profile.expect.chipId !== undefined) return String(profile.expect.chipId);
  if (profile.expect.magic !== undefined) return '0x' + profile.expect.magic.toString(16).toUpperCase().padStart(8, '0');
  const id = profile.expect.productId ?? profile.expect.hwCode ?? (profile.chip?.family === 'stm32' ? profile.chip.productId : profile.chip?.family === 'mediatek' ? profile.chip.hwCode : undefined);
  if (id === undefined) return '-';
  const digits = profile.expect.hwCode !== undefined || profile.chip?.family === 'mediatek' ? 4 : 3;
  return '0x' + id.toString(16).toUpperCase().padStart(digits, '0');
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
