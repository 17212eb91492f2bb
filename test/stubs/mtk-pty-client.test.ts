/**
 * `shakedown stub` for a MediaTek board, met by a client with mtkclient's serial timing: it writes one handshake
 * byte, sleeps about 5 ms, reads only what is waiting, and starts again from A0 on anything but the one inverted
 * byte. Such a client keeps sync only while every answer is back within its sleep, boot after boot.
 *
 * It is at the mercy of the machine as well: on a loaded one even socat's own echo on a pty misses 5 ms now and
 * then (benchmark B7L in docs/benchmarks.md). So each case may run a second time after a miss: a miss in one run
 * is the machine, misses in both are the emulator. The old millisecond pacer (median 2.4 ms) got through anyway
 * when the machine was quiet; its tail past 5 ms is what B7L shows and what broke such a client under load.
 */
import { expect } from 'chai';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { HANDSHAKE_BYTES } from '../../harness/families/mediatek/emulator/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** What mtkclient sleeps after each write before it looks at what has arrived. */
const CLIENT_SLEEP_MS = 5;
/** Boots, each with its own handshake: one late answer in any of them loses sync. */
const BOOTS = 5;
/** Runs of a case: the emulator must get through one of them without a miss. */
const RUNS = 2;
const ANSWERS = HANDSHAKE_BYTES.map((b) => [~b & 0xff]);

/** The port, and what has arrived on it and not been read yet (the OS buffer a client reads from). */
interface Client {
  port: SerialPort;
  waiting: number[];
}

/** mtkclient's serial handshake loop, bounded to `maxWrites` bytes; returns what each read found waiting. */
async function mtkclientHandshake(client: Client, maxWrites: number): Promise<number[][]> {
  const reads: number[][] = [];
  for (let step = 0; reads.length < maxWrites && step < HANDSHAKE_BYTES.length; ) {
    const byte = HANDSHAKE_BYTES[step]!;
    client.port.write(Buffer.of(byte));
    await sleep(CLIENT_SLEEP_MS);
    const read = client.waiting.splice(0);
    reads.push(read);
    step = read.length === 1 && read[0] === (~byte & 0xff) ? step + 1 : 0;
  }
  return reads;
}

/** Runs `attempt` until it reports no miss, at most RUNS times; returns the misses it reported. */
async function upToRuns(attempt: () => Promise<string | null>): Promise<string[]> {
  const misses: string[] = [];
  for (let run = 0; run < RUNS && misses.length === run; run++) {
    const miss = await attempt();
    if (miss !== null) misses.push(`run ${run + 1}: ${miss}`);
  }
  return misses;
}

/** What a run read, as a miss, or null when it read exactly the answers. */
function missed(reads: number[][], what: string): string | null {
  return JSON.stringify(reads) === JSON.stringify(ANSWERS) ? null : `${what} read ${JSON.stringify(reads)}`;
}

describe('shakedown stub with a MediaTek board and an mtkclient-timed client', function () {
  this.timeout(60_000);
  let dir: string;
  let stub: ChildProcessWithoutNullStreams | undefined;
  let out = '';
  let port: SerialPort | undefined;

  async function startStub(...args: string[]): Promise<string> {
    const link = join(dir, 'ttyUSB0');
    stub = spawn(process.execPath, ['bin/shakedown.js', 'stub', 'boards/mt6765.yaml', '--link', link, ...args]);
    out = '';
    let err = '';
    stub.stdout.on('data', (c: Buffer) => (out += c.toString()));
    stub.stderr.on('data', (c: Buffer) => (err += c.toString()));
    for (let i = 0; i < 1000 && !out.includes('ready'); i++) await sleep(10);
    expect(out, err).to.equal(`ready ${link}\n`);
    return link;
  }

  /**
   * Switches the board off and on through the stub's stdin, and waits until it reports `state`. What the client
   * had not read is dropped: it belongs to the board's last life.
   */
  async function powerCycle(client: Client, state: string): Promise<void> {
    out = '';
    stub!.stdin.write('power cycle 5\n');
    client.waiting.length = 0;
    for (let i = 0; i < 500 && !out.includes(`state ${state}\n`); i++) {
      await sleep(5);
      stub!.stdin.write('state\n');
    }
    expect(out).to.contain(`state ${state}\n`);
    // Let the last control lines settle: a client starts once the board listens, not within the same millisecond.
    await sleep(20);
  }

  /** One handshake first, not counted: both sides' code is still being compiled (as in benchmark B7L). */
  async function warmUp(client: Client): Promise<void> {
    await mtkclientHandshake(client, 12);
  }

  async function openClient(link: string): Promise<Client> {
    const opened = new SerialPort({ path: link, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => opened.open((error) => (error ? reject(error) : resolve())));
    port = opened;
    const client: Client = { port: opened, waiting: [] };
    opened.on('data', (chunk: Buffer) => client.waiting.push(...chunk));
    return client;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-mtkclient-'));
  });
  afterEach(async () => {
    if (port?.isOpen) await new Promise<void>((resolve) => port!.close(() => resolve()));
    port = undefined;
    if (stub && stub.exitCode === null) {
      const exited = new Promise((resolve) => stub!.once('exit', resolve));
      stub.kill('SIGTERM');
      await exited;
    }
    stub = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it(`BROM: every answer is back within the client's sleep, so four writes sync it, ${BOOTS} boots in a row`, async () => {
    const link = await startStub('--pin', 'kcol0=1', '--startup-ms', '0');
    const client = await openClient(link);
    await warmUp(client);
    const misses = await upToRuns(async () => {
      for (let boot = 0; boot < BOOTS; boot++) {
        // A synced BROM takes handshake bytes as commands: each handshake needs a fresh boot.
        await powerCycle(client, 'brom');
        const miss = missed(await mtkclientHandshake(client, 8), `boot ${boot}`);
        if (miss) return miss;
      }
      return null;
    });
    expect(misses.length, misses.join('\n')).to.be.lessThan(RUNS);
  });

  it('Preloader: READY once at boot, the first A0 swallowed, then four writes sync it', async () => {
    const link = await startStub();
    const client = await openClient(link);
    await warmUp(client);
    const misses = await upToRuns(async () => {
      // Boot the board again with the client listening, and give its Preloader time to have repeated READY, had
      // it been going to.
      await powerCycle(client, 'preloader');
      await sleep(100);
      const reads = await mtkclientHandshake(client, 12);
      // The first read finds READY (sent at boot) and no answer: the Preloader swallows its first A0.
      expect(Buffer.from(reads[0]!).toString('latin1')).to.equal('READY');
      return missed(reads.slice(1), 'after READY,');
    });
    expect(misses.length, misses.join('\n')).to.be.lessThan(RUNS);
  });
});
