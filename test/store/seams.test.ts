/** The seams the layout promises, checked on the source: who may import the database, and what the product imports. */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f).split(sep).join('/'));
}

/** Module specifiers a source file imports (static and dynamic). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

describe('seams in the source', () => {
  it('only harness/store knows the database: nothing else imports better-sqlite3', () => {
    const offenders = sourcesUnder('harness').filter((f) => !f.startsWith('harness/store/') && importsOf(f).some((m) => m === 'better-sqlite3'));
    expect(offenders).to.deep.equal([]);
  });

  it('the product imports nothing from bench/ (the evaluation and the benchmarks sit beside it)', () => {
    const offenders = sourcesUnder('harness').filter((f) =>
      importsOf(f).some((m) => m.startsWith('.') && relative(ROOT, join(ROOT, f, '..', m)).split(sep)[0] === 'bench'),
    );
    expect(offenders).to.deep.equal([]);
  });
});
