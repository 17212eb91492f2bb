/**
 * Families are plug-ins: each one a folder under harness/families, listed once in the registry, and the core names
 * none of them — it imports the registry and the family-neutral interface, never a family's folder.
 */
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { FAMILIES } from '../../harness/families/index.js';
import { ENGINES } from '../../harness/protocols/engines.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FAMILIES_DIR = join(ROOT, 'harness/families');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every .ts file under a folder. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The project files a module imports directly (type-only imports too). */
function importsOf(file: string): string[] {
  const out: string[] = [];
  for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const spec = match[1] ?? match[2]!;
    if (spec.startsWith('.')) out.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
  }
  return out;
}

const familyFolders = readdirSync(FAMILIES_DIR).filter((f) => statSync(join(FAMILIES_DIR, f)).isDirectory());

/** Everything outside the family folders that runs or evaluates the harness. */
const CORE = [
  ...['config', 'core', 'runner', 'store', 'diagnose', 'report', 'cli', 'nightly', 'link', 'pins', 'protocols', 'sim'].map((d) => join(ROOT, 'harness', d)),
  join(ROOT, 'firmware-stubs'),
  join(ROOT, 'bench/eval'),
];

/** Source with its comments taken out (good enough to look for names in code). */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('families: plug-ins', () => {
  it('every folder under harness/families is a registered family of the same name, and every family has its folder', () => {
    expect(familyFolders.sort()).to.deep.equal(FAMILIES.map((f) => f.name).sort());
    expect(familyFolders).to.include.members(['stm32', 'mediatek', 'esp32']);
  });

  it('one name per family: lower case, its engine named as the family, no former name in use, a README in its folder', () => {
    const names = FAMILIES.map((f) => f.name);
    expect(new Set(names).size).to.equal(names.length);
    for (const family of FAMILIES) {
      expect(family.name).to.match(/^[a-z][a-z0-9_-]*$/);
      expect(family.engine.name).to.equal(family.name);
      for (const former of family.formerNames ?? []) expect(ENGINES.map((e) => e.name)).to.not.include(former);
      expect(existsSync(join(FAMILIES_DIR, family.name, 'README.md')), `harness/families/${family.name}/README.md`).to.equal(true);
      expect(family.simulation.modes).to.include(family.simulation.wrongMode);
      for (const strap of family.straps) expect(strap).to.equal(strap.toLowerCase());
    }
  });

  it('no two engines check the same expect key (the profile schema merges them)', () => {
    const keys = ENGINES.flatMap((e) => Object.keys(e.expectKeys));
    expect(keys.length).to.equal(new Set(keys).size);
  });

  it('the core imports the registry and the family-neutral interface, never a family folder', () => {
    const folders = familyFolders.map((f) => join(FAMILIES_DIR, f) + '/');
    const offending: string[] = [];
    for (const file of CORE.flatMap(tsFiles)) {
      for (const target of importsOf(file)) {
        if (folders.some((folder) => target.startsWith(folder))) offending.push(`${relative(ROOT, file)} → ${relative(ROOT, target)}`);
      }
    }
    expect(offending).to.deep.equal([]);
    // The check reaches what it must: the loader and the runner's engine dispatch go through the registry.
    expect(importsOf(join(ROOT, 'harness/config/board.ts'))).to.include(join(FAMILIES_DIR, 'index.ts'));
  });

  it('the core names no family in its code (comments aside)', () => {
    const names = FAMILIES.flatMap((f) => [f.name, ...(f.formerNames ?? [])]);
    const pattern = new RegExp(`\\b(${names.join('|')})\\b`, 'i');
    const dirs = ['config', 'runner', 'store', 'diagnose', 'report', 'cli'].map((d) => join(ROOT, 'harness', d));
    const naming = dirs.flatMap(tsFiles).filter((file) => pattern.test(code(file)));
    expect(naming.map((f) => relative(ROOT, f))).to.deep.equal([]);
  });
});
