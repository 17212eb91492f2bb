/**
 * `shakedown stub` for a MediaTek board, met by a client with mtkclient's serial handshake loop: it writes one
 * handshake byte, sleeps, reads only what is waiting, and starts again from A0 on anything but the one inverted
 * byte. Such a client syncs as soon as four answers in a row are back within its sleep.
 *
 * Whether they are back within mtkclient's own 5 ms is the machine's as much as the emulator's (on a loaded
 * machine even socat's own echo on a pty misses 5 ms now and then), so that is measured by benchmark B7L
 * (docs/benchmarks.md), not asserted here. Here the client waits for an answer however long a loaded machine takes
 * to deliver it, so what is asserted holds on any machine: the client gets in sync, boot after boot, and a
 * Preloader greets it with READY once per boot.
 */
import { expect } from 'chai';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { HANDSHAKE_BYTES } from '../../harness/families/mediatek/emulator/index.js';
import { eventually } from '../pins/fixtures.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * mtkclient sleeps about 5 ms after each write and reads only what has arrived by then; an answer a busy machine
 * delivers later is read as none and the client falls out of step. This client waits for the first byte of an answer
 * (up to ANSWER_WAIT_MS, so a byte that is never answered still shows as an empty read), then CLIENT_SLEEP_MS more for
 * whatever else the board sends with it: a late answer is never mistaken for a missing one.
 */
const CLIENT_SLEEP_MS = 30;
/** How long a write waits for the first byte of its answer: far beyond any machine's scheduling delay. */
const ANSWER_WAIT_MS = 500;
/** Boots, each with its own handshake. */
const BOOTS = 5;
/** Writes a client makes before it gives up on a boot (mtkclient itself keeps trying). */
const MAX_WRITES = 60;

/** The port, and what has arrived on it and not been read yet (the OS buffer a client reads from). */
interface Client {
  port: SerialPort;
  waiting: number[];
}

/** mtkclient's serial handshake loop, bounded to `maxWrites` bytes: what each read found waiting, and whether it synced. */
async function mtkclientHandshake(client: Client, maxWrites: number): Promise<{ reads: number[][]; synced: boolean }> {
  const reads: number[][] = [];
  let step = 0;
  while (reads.length < maxWrites && step < HANDSHAKE_BYTES.length) {
    const byte = HANDSHAKE_BYTES[step]!;
    client.port.write(Buffer.of(byte));
    // A byte never answered is an empty read, not an error.
    await eventually(() => client.waiting.length > 0, ANSWER_WAIT_MS).catch(() => undefined);
    await sleep(CLIENT_SLEEP_MS);
    const read = client.waiting.splice(0);
    reads.push(read);
    step = read.length === 1 && read[0] === (~byte & 0xff) ? step + 1 : 0;
  }
  return { reads, synced: step === HANDSHAKE_BYTES.length };
}

/** Whether READY appears anywhere in what was read. */
function saysReady(reads: number[][]): boolean {
  return Buffer.from(reads.flat()).toString('latin1').includes('READY');
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

  it(`BROM: the client gets in sync, ${BOOTS} boots in a row`, async () => {
    const link = await startStub('--pin', 'kcol0=1', '--startup-ms', '0');
    const client = await openClient(link);
    await warmUp(client);
    for (let boot = 0; boot < BOOTS; boot++) {
      // A synced BROM takes handshake bytes as commands: each handshake needs a fresh boot.
      await powerCycle(client, 'brom');
      const { reads, synced } = await mtkclientHandshake(client, MAX_WRITES);
      expect(synced, `boot ${boot} read ${JSON.stringify(reads)}`).to.equal(true);
    }
  });

  it('Preloader: READY once at boot, the first A0 swallowed, then the client syncs', async () => {
    const link = await startStub();
    const client = await openClient(link);
    await warmUp(client);
    // Boot the board again with the client listening, and give its Preloader time to have repeated READY, had it
    // been going to.
    await powerCycle(client, 'preloader');
    await sleep(100);
    const { reads, synced } = await mtkclientHandshake(client, MAX_WRITES);
    // The first read finds READY (sent at boot) and no answer: the Preloader swallows its first A0.
    expect(Buffer.from(reads[0]!).toString('latin1')).to.equal('READY');
    expect(synced, JSON.stringify(reads)).to.equal(true);
    expect(saysReady(reads.slice(1)), 'a second READY').to.equal(false);
  });
});
