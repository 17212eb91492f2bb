/** Shared by the config tests: the fixture corpus and its expectations, and a way to run the CLI. */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = 'fixtures/config';

export interface ExpectedError {
  /** Repo-relative file the problem is reported in (usually the fixture itself). */
  file: string;
  line: number;
  col: number;
  /** Key path, or '' when the problem concerns the file as a whole. */
  path: string;
  fragment: string;
}

export interface Fixture {
  /** Repo-relative path, as the tests pass it to the loaders and the CLI. */
  file: string;
  kind: 'board' | 'rig';
  expected: ExpectedError[];
}

/**
 * Every broken fixture states what it must produce in header comments:
 * `# error: [other/file.yaml ]LINE:COL [key.path] ~ message fragment`.
 */
export function parseExpectations(file: string): ExpectedError[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: ExpectedError[] = [];
  for (const line of text.split('\n')) {
    const m = /^# error: (?:(\S+\.yaml) )?(\d+):(\d+) ?(\S*) ~ (.+)$/.exec(line.trimEnd());
    if (m) out.push({ file: m[1] ?? file, line: Number(m[2]), col: Number(m[3]), path: m[4] ?? '', fragment: m[5]!.trim() });
  }
  return out;
}

export function fixtures(): Fixture[] {
  const list: Fixture[] = [];
  for (const [folder, kind] of [['boards', 'board'], ['rigs', 'rig']] as const) {
    for (const name of readdirSync(join(ROOT, FIXTURES, folder)).sort()) {
      if (!name.endsWith('.yaml')) continue;
      const file = `${FIXTURES}/${folder}/${name}`;
      list.push({ file, kind, expected: parseExpectations(file) });
    }
  }
  return list;
}

export function shippedFiles(folder: 'boards' | 'rigs'): string[] {
  return readdirSync(join(ROOT, folder))
    .filter((n) => n.endsWith('.yaml'))
    .sort()
    .map((n) => `${folder}/${n}`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/shakedown.js …` from the repo root, as a user would. */
export function runCli(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/shakedown.js', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `jobs` at most `width` at a time. */
export async function inPool<T, R>(items: T[], width: number, job: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await job(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return results;
}

export const rel = (file: string) => relative(ROOT, join(ROOT, file));
