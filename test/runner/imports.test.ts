/** The runner is handed its world: nothing it loads comes from the simulator or from a relay backend's folder. */
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { RELAY_BACKENDS } from '../../harness/pins/registry.js';

const ROOT = resolve(import.meta.dirname, '../..');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The project files a module imports (type-only imports too: the runner must not even name a backend's types). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2]!;
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    if (existsSync(target)) out.push(target);
  }
  return out;
}

/** Every project file the given files load, directly or through others, with the first path that reaches it. */
function reachable(start: string[]): Map<string, string[]> {
  const via = new Map<string, string[]>(start.map((f) => [f, [f]]));
  const queue = [...start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const next of importsOf(file)) {
      if (via.has(next)) continue;
      via.set(next, [...via.get(file)!, next]);
      queue.push(next);
    }
  }
  return via;
}

describe('runner: imports', () => {
  const runnerDir = join(ROOT, 'harness/runner');
  const runnerFiles = readdirSync(runnerDir).filter((f) => f.endsWith('.ts')).map((f) => join(runnerDir, f));

  it('every folder under harness/pins is a registered relay backend', () => {
    const pins = join(ROOT, 'harness/pins');
    const folders = readdirSync(pins).filter((f) => statSync(join(pins, f)).isDirectory());
    expect(folders.sort()).to.deep.equal(RELAY_BACKENDS.map((b) => b.driver).filter((d) => folders.includes(d)).sort());
    expect(folders).to.include.members(['firmata', 'lcus', 'dtr-rts']);
  });

  it('loads nothing from harness/sim, harness/cli, the relay backend registry or a backend folder, not even indirectly', () => {
    const pins = join(ROOT, 'harness/pins');
    const forbidden = [
      join(ROOT, 'harness/sim') + '/',
      join(ROOT, 'harness/cli') + '/',
      join(pins, 'registry.ts'),
      ...readdirSync(pins).filter((f) => statSync(join(pins, f)).isDirectory()).map((f) => join(pins, f) + '/'),
    ];
    // Serial-line arithmetic (byte times) the protocol engines share with the simulator: no part of a bench.
    const shared = [join(ROOT, 'harness/sim/frame.ts')];
    const loaded = reachable(runnerFiles);
    expect(loaded.size, 'the runner loads its own files at least').to.be.at.least(runnerFiles.length);
    const offending = [...loaded].filter(([file]) => !shared.includes(file) && forbidden.some((f) => file === f || file.startsWith(f)));
    expect(offending.map(([, path]) => path.map((p) => relative(ROOT, p)).join(' → '))).to.deep.equal([]);
  });

  it('would notice one: the simulated world reaches the simulator', () => {
    const loaded = reachable([join(ROOT, 'harness/sim/world.ts')]);
    expect([...loaded.keys()].map((f) => relative(ROOT, f))).to.include('harness/sim/bench.ts');
  });
});
