/**
 * `shakedown validate FILE… [--json]`: checks board profiles and rigs (a rig together with the profiles it names) and
 * prints every problem of every file as `file:line:col: key.path: message` (or all of it as JSON); exit 2 if there
 * is any.
 */
import { Command, Option } from 'commander';
import type { BoardProfile, LoadedBench } from '../../config/types.js';
import type { ConfigIssue } from '../../config/issues.js';
import { ConfigError, detectKind, formatIssue, loadBench, loadProfile, type ConfigKind } from '../../config/load.js';
import { EXIT } from '../../core/exit-codes.js';
import { engineNamed } from '../../protocols/engines.js';

export interface ValidateOptions {
  kind?: ConfigKind;
  boards?: string;
}

export interface ValidateResult {
  /** One summary line per valid file. */
  ok: string[];
  /** Every problem, formatted, without duplicates (a rig repeats the problems of its profiles). */
  problems: string[];
  failedFiles: string[];
  /** Per file given, in order: what `validate --json` prints. */
  files: FileResult[];
}

export interface FileResult {
  file: string;
  kind: ConfigKind | null;
  ok: boolean;
  /** The ok line's summary (`board stm32f103c8, stm32, engine stm32, expects 0x410`); null when not ok. */
  summary: string | null;
  /** Its problems (a rig's include those of its profiles, each naming its own file). */
  problems: ConfigIssue[];
}

export function describeProfile(p: BoardProfile): string {
  const expected = engineNamed(p.protocol.engine)?.describeExpected(p.expect) ?? null;
  return `board ${p.id}, ${p.family}, engine ${p.protocol.engine}, ${expected === null ? 'no identity check' : `expects ${expected}`}`;
}

export function describeBench(b: LoadedBench): string {
  const { rig } = b;
  const channels = rig.relays.reduce((n, r) => n + r.channels.length, 0);
  return `rig ${rig.id} (${rig.kind}), ${rig.duts.length} DUT${rig.duts.length === 1 ? '' : 's'}, ${b.profiles.size} profile${b.profiles.size === 1 ? '' : 's'}, ${rig.relays.length} relay board${rig.relays.length === 1 ? '' : 's'} (${channels} channels)`;
}

export function validateFiles(files: string[], options: ValidateOptions = {}): ValidateResult {
  const result: ValidateResult = { ok: [], problems: [], failedFiles: [], files: [] };
  const seen = new Set<string>();
  for (const file of files) {
    let kind: ConfigKind | null = options.kind ?? null;
    try {
      kind ??= detectKind(file);
      const summary = kind === 'rig' ? describeBench(loadBench(file, options.boards)) : describeProfile(loadProfile(file));
      result.ok.push(`${file}: ok — ${summary}`);
      result.files.push({ file, kind, ok: true, summary, problems: [] });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      result.failedFiles.push(file);
      result.files.push({ file, kind, ok: false, summary: null, problems: error.issues });
      for (const issue of error.issues) {
        const line = formatIssue(issue);
        if (!seen.has(line)) result.problems.push(line);
        seen.add(line);
      }
    }
  }
  return result;
}

export function register(program: Command): void {
  program
    .command('validate')
    .description('check board profiles (boards/*.yaml) and rigs (rigs/*.yaml); a rig is checked with its profiles')
    .argument('<files...>', 'profile or rig files')
    .addOption(new Option('--kind <kind>', 'treat every file as this kind (default: rigs/ folder or a duts: key → rig)').choices(['board', 'rig']))
    .option('--boards <dir>', "profiles for rigs (default: the rig's boards: key, else <rig dir>/../boards)")
    .option('--json', 'print { ok, files: [{ file, kind, ok, summary, problems: [{ file, line, col, path, message }] }] } on stdout')
    .action((files: string[], flags: { kind?: ConfigKind; boards?: string; json?: boolean }) => {
      const result = validateFiles(files, flags);
      if (result.problems.length > 0) process.exitCode = EXIT.badInput;
      if (flags.json) {
        process.stdout.write(JSON.stringify({ ok: result.problems.length === 0, files: result.files }, null, 2) + '\n');
        return;
      }
      for (const line of result.ok) process.stdout.write(`${line}\n`);
      if (result.problems.length === 0) return;
      for (const line of result.problems) process.stderr.write(`${line}\n`);
      const n = result.problems.length;
      const f = result.failedFiles.length;
      process.stderr.write(`${n} problem${n === 1 ? '' : 's'} in ${f} of ${files.length} file${files.length === 1 ? '' : 's'}\n`);
    });
}
