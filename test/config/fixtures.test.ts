import { expect } from 'chai';
import { ConfigError, formatIssue, loadBench, loadProfile, type ConfigIssue } from '../../harness/config/load.js';
import { fixtures, ROOT } from './helpers.js';

/** Loads a fixture as its kind and returns the problems it raises (none if it loads). */
function problemsOf(file: string, kind: 'board' | 'rig'): ConfigIssue[] {
  const cwd = process.cwd();
  process.chdir(ROOT); // fixtures name files relative to the repo root, as the CLI does
  try {
    if (kind === 'board') loadProfile(file);
    else loadBench(file);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  } finally {
    process.chdir(cwd);
  }
}

describe('config: broken fixtures', () => {
  const all = fixtures();

  it('has a corpus of at least 25 broken profiles and rigs, each stating what it must produce', () => {
    expect(all.length).to.be.at.least(25);
    for (const f of all) expect(f.expected, `${f.file} has no "# error:" header`).to.not.be.empty;
  });

  for (const fixture of all) {
    it(`${fixture.file}: reports file, line, column, key and message`, () => {
      const issues = problemsOf(fixture.file, fixture.kind);
      expect(issues, `${fixture.file} loaded without errors`).to.not.be.empty;
      const listing = issues.map(formatIssue).join('\n');
      for (const want of fixture.expected) {
        const found = issues.find(
          (i) => i.file === want.file && i.line === want.line && i.col === want.col && i.path === want.path && i.message.includes(want.fragment),
        );
        expect(found, `expected ${want.file}:${want.line}:${want.col}: ${want.path}: …${want.fragment}… among:\n${listing}`).to.not.equal(undefined);
      }
    });
  }

  it('formats every problem as file:line:col: key.path: message, one per line, in file order', () => {
    const issues = problemsOf('fixtures/config/boards/several-problems.yaml', 'board');
    expect(issues.length).to.equal(5);
    const error = new ConfigError(issues);
    const lines = error.message.split('\n');
    expect(lines).to.have.length(5);
    for (const line of lines) expect(line).to.match(/^fixtures\/config\/boards\/several-problems\.yaml:\d+:\d+: [\w.[\]]+: .+/);
    const numbers = lines.map((l) => Number(l.split(':')[1]));
    expect(numbers).to.deep.equal([...numbers].sort((a, b) => a - b));
  });
});
