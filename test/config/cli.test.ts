import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { jsonSchemaText } from '../../harness/config/json-schema.js';
import { fixtures, inPool, ROOT, runCli, shippedFiles } from './helpers.js';

const STACK_LINE = /^\s+at /m;

describe('config: CLI', () => {
  it('validate: exit 0 and one summary line per shipped file', async () => {
    const files = [...shippedFiles('boards'), ...shippedFiles('rigs')];
    const r = await runCli(['validate', ...files]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.equal('');
    const lines = r.stdout.trim().split('\n');
    expect(lines).to.have.length(files.length);
    expect(lines).to.include('boards/stm32f103c8.yaml: ok — board stm32f103c8, stm32, engine stm32, expects 0x410');
    expect(lines.find((l) => l.startsWith('rigs/sim-bench.yaml: ok — rig sim-bench (simulated), 11 DUTs'))).to.not.equal(undefined);
  });

  it('validate: exit 2 for each broken fixture, its lines in stderr, no stack trace', async function () {
    // One process per fixture: on a loaded machine this takes minutes, not the default minute.
    this.timeout(300_000);
    const results = await inPool(fixtures(), 4, async (f) => ({ f, r: await runCli(['validate', f.file]) }));
    for (const { f, r } of results) {
      expect(r.code, `${f.file}\n${r.stderr}`).to.equal(2);
      expect(r.stderr, f.file).to.not.match(STACK_LINE);
      expect(r.stderr).to.not.include('internal error');
      for (const want of f.expected) expect(r.stderr, f.file).to.include(`${want.file}:${want.line}:${want.col}: `);
    }
  });

  it('run and nightly refuse a rig whose profile cannot fit its trial timeout before any relay is touched: exit 2, file:line:col', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-cli-'));
    try {
      const rig = 'fixtures/config/rigs/timeout-shorter-than-profile.yaml';
      for (const args of [['run', '--rig', rig, '--db', join(dir, 'run.db')], ['nightly', '--rig', rig, '--out', dir]]) {
        const r = await runCli(args);
        expect(r.code, `${args[0]}\n${r.stderr}`).to.equal(2);
        expect(r.stderr).to.include(`${rig}:7:19: nightly.trialTimeoutMs: 300 ms is shorter than one trial can take`);
        expect(r.stderr).to.not.match(STACK_LINE);
        expect(r.stdout, 'no trial ran').to.not.match(/trial 1/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('validate: prints the problems of every file, and ok lines for the good ones', async () => {
    const r = await runCli(['validate', 'boards/mt6765.yaml', 'fixtures/config/boards/tabs.yaml', 'fixtures/config/rigs/duplicate-id.yaml', 'missing.yaml']);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.include('boards/mt6765.yaml: ok — board mt6765, mediatek, engine mediatek, expects 0x0766 (brom)');
    expect(r.stderr).to.include('fixtures/config/boards/tabs.yaml:5:1: ');
    expect(r.stderr).to.include('fixtures/config/rigs/duplicate-id.yaml:11:18: supplies[0].id: ');
    expect(r.stderr).to.include('missing.yaml:1:1: no such file');
    expect(r.stderr).to.match(/4 problems in 3 of 4 files/);
  });

  it('validate --kind overrides the guess from the folder', async () => {
    const r = await runCli(['validate', '--kind', 'rig', 'boards/stm32f103c8.yaml']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include("boards/stm32f103c8.yaml:4:1: kind: missing required key 'kind' (one of \"simulated\" | \"hardware\")");
    expect(r.stderr).to.include("boards/stm32f103c8.yaml:5:1: family: unknown key 'family'");
    expect((await runCli(['validate', '--kind', 'other', 'boards/stm32f103c8.yaml'])).code).to.equal(2);
  });

  it('boards: a table of every profile with family, chip id and engine', async () => {
    const r = await runCli(['boards']);
    expect(r.code, r.stderr).to.equal(0);
    const rows = r.stdout.trim().split('\n');
    expect(rows[0]).to.match(/^id\s+family\s+chip id\s+engine\s+title$/);
    expect(rows.length - 2).to.equal(shippedFiles('boards').length);
    expect(rows.find((l) => l.startsWith('mt6735 '))).to.match(/mediatek\s+0x0321\s+mediatek/);
    expect(rows.find((l) => l.startsWith('stm32-sync-only '))).to.match(/stm32\s+0x410\s+script/);
  });

  it('boards --dir: flags broken profiles with exit 2', async () => {
    const r = await runCli(['boards', '--dir', 'fixtures/config/boards']);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.match(/unknown-engine\s+\?\s+\?\s+\?\s+invalid/);
    expect(r.stderr).to.include('fixtures/config/boards/unknown-engine.yaml:5:3: protocol.engine:');
    expect(r.stderr).to.not.match(STACK_LINE);
  });

  it('schema: prints the committed schemas, and --out writes them', async () => {
    const board = await runCli(['schema', 'board']);
    expect(board.code).to.equal(0);
    expect(board.stdout).to.equal(readFileSync(join(ROOT, 'schema/board.schema.json'), 'utf8'));
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-schema-'));
    try {
      const r = await runCli(['schema', '--out', dir]);
      expect(r.code, r.stderr).to.equal(0);
      expect(readFileSync(join(dir, 'rig.schema.json'), 'utf8')).to.equal(jsonSchemaText('rig'));
      expect(readFileSync(join(dir, 'board.schema.json'), 'utf8')).to.equal(jsonSchemaText('board'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await runCli(['schema', 'nonsense'])).code).to.equal(2);
  });

  it('ports --json: a JSON list of the ports the OS sees', async () => {
    const r = await runCli(['ports', '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const ports = JSON.parse(r.stdout) as Array<{ path: string }>;
    expect(ports).to.be.an('array');
    for (const p of ports) expect(p.path).to.be.a('string');
  });
});
