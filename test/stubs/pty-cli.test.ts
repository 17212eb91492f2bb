/** `shakedown stub` as a user runs it: a separate process, a board file, signals and stdin lines. */
import { expect } from 'chai';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function run(cmd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out }));
  });
}

describe('shakedown stub (the command, in its own process)', function () {
  this.timeout(60_000);
  let dir: string;
  let stub: ChildProcessWithoutNullStreams | undefined;
  let out = '';
  let err = '';

  async function startStub(...args: string[]): Promise<string> {
    const link = join(dir, 'ttyUSB0');
    stub = spawn(process.execPath, ['bin/shakedown.js', 'stub', ...args, '--link', link]);
    out = '';
    err = '';
    stub.stdout.on('data', (c: Buffer) => (out += c.toString()));
    stub.stderr.on('data', (c: Buffer) => (err += c.toString()));
    for (let i = 0; i < 1000 && !out.includes('ready'); i++) await sleep(10);
    expect(out, err).to.equal(`ready ${link}\n`);
    return link;
  }

  function exited(): Promise<number | null> {
    return new Promise((resolve) => {
      if (!stub || stub.exitCode !== null) return resolve(stub?.exitCode ?? null);
      stub.once('exit', (code) => resolve(code));
    });
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-stub-cli-'));
  });
  afterEach(async () => {
    if (stub && stub.exitCode === null) {
      stub.kill('SIGKILL');
      await exited();
    }
    stub = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the F103 board file to stm32flash, pulses reset on SIGHUP, and cleans up on SIGTERM', async () => {
    const link = await startStub('boards/stm32f103c8.yaml');
    const first = await run('stm32flash', ['-b', '115200', '-m', '8n1', link]);
    expect(first.code, first.out).to.equal(0);
    expect(first.out).to.match(/Device ID\s*:\s*0x0410/);

    stub!.stdin.write('state\n');
    for (let i = 0; i < 200 && !out.includes('state bootloader'); i++) await sleep(10);
    expect(out).to.contain('state bootloader');

    stub!.kill('SIGHUP');
    await sleep(200);
    stub!.stdin.write('boot0 0\nreset\n');
    await sleep(200);
    stub!.stdin.write('state\n');
    for (let i = 0; i < 200 && !out.includes('state app'); i++) await sleep(10);
    expect(out).to.contain('state app');

    stub!.kill('SIGTERM');
    expect(await exited()).to.equal(0);
    expect(existsSync(link)).to.equal(false);
  });

  it('quits on "quit" with exit 0 and refuses bad options with exit 2', async () => {
    const link = await startStub('boards/stm32f103c8.yaml', '--boot0', '0', '--banner', 'hi\r\n');
    stub!.stdin.write('quit\n');
    expect(await exited()).to.equal(0);
    expect(existsSync(link)).to.equal(false);

    const bad = await run(process.execPath, ['bin/shakedown.js', 'stub', 'boards/stm32f103c8.yaml', '--link', join(dir, 'x'), '--boot0', '7']);
    expect(bad.code).to.equal(2);
    expect(bad.out).to.contain('expected 0 or 1');
    expect(bad.out).to.not.match(/\n\s+at /);
  });
});
