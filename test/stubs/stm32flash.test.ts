/**
 * Conformance against the reference client: Debian's stm32flash talks to the F103 emulator on a pty served
 * by our pty server, exactly as it would talk to a board on /dev/ttyUSB0 (except -m 8n1: a pty drops parity).
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { createStm32Device, type Stm32Device } from '../../harness/families/stm32/emulator/index.js';
import { servePty, type PtyServer } from '../../firmware-stubs/pty/index.js';
import { realClock } from '../../harness/core/clock.js';
import type { Stm32ChipFacts } from '../../harness/families/stm32/schema.js';
import { f103Profile, f407Profile } from '../families/stm32/fixtures.js';

const FLASH = 0x08000000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Run {
  code: number | null;
  out: string;
}

describe('stm32flash 0.7 against the F103 emulator on a pty', function () {
  this.timeout(60_000);
  let dir: string;
  let link: string;
  let device: Stm32Device;
  let server: PtyServer;
  /** Everything the emulator sent, before the cable and the pty. */
  const sent: number[] = [];

  /** stm32flash runs as a child process while this process keeps serving the pty. */
  function stm32flash(...args: string[]): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn('stm32flash', ['-b', '115200', '-m', '8n1', ...args, link], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('error', reject);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, out });
      });
    });
  }

  /** Reads the pty until nothing has arrived for 100 ms, so the next client starts with nothing waiting. */
  async function drainPty(): Promise<void> {
    const port = new SerialPort({ path: link, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    const started = Date.now();
    let lastData = started;
    port.on('data', () => (lastData = Date.now()));
    while (Date.now() - lastData < 100 && Date.now() - started < 2000) await sleep(20);
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  async function untilState(state: string): Promise<void> {
    for (let i = 0; i < 300 && device.state !== state; i++) await sleep(10);
    expect(device.state).to.equal(state);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-stm32flash-'));
    link = join(dir, 'ttyUSB0');
    const profile = f103Profile();
    device = createStm32Device(profile.chip as Stm32ChipFacts, profile, realClock) as Stm32Device;
    device.onTransmit((bytes) => sent.push(...bytes));
    server = await servePty(device, { link, baud: 115200, pins: { boot0: true, boot1: false }, resetPin: 'reset' });
    await untilState('bootloader');
  });

  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('identifies the chip: version 0x22, device id 0x0410', async () => {
    expect(device.synced).to.equal(false);
    sent.length = 0;
    const run = await stm32flash();
    expect(run.code, run.out).to.equal(0);
    expect(sent[0], 'first reply of the session').to.equal(0x79);
    expect(run.out).to.match(/Version\s*:\s*0x22/);
    expect(run.out).to.match(/Device ID\s*:\s*0x0410/);
    expect(device.synced).to.equal(true);
  });

  it('a second session finds the bootloader already synced (7F waits, 7F 7F is NACKed) and succeeds', async () => {
    expect(device.synced).to.equal(true);
    sent.length = 0;
    const run = await stm32flash();
    expect(run.code, run.out).to.equal(0);
    expect(run.out).to.match(/Device ID\s*:\s*0x0410/);
    expect(sent[0], 'first reply of the session').to.equal(0x1f);
  });

  it('reads 4 KiB of erased flash', async () => {
    const file = join(dir, 'read.bin');
    const run = await stm32flash('-r', file, '-S', `0x${FLASH.toString(16)}:4096`);
    expect(run.code, run.out).to.equal(0);
    const data = readFileSync(file);
    expect(data.length).to.equal(4096);
    expect(data.every((b) => b === 0xff)).to.equal(true);
  });

  it('writes a random 5001-byte image with verify, and reads it back byte-identical', async () => {
    const image = randomBytes(5001);
    const file = join(dir, 'image.bin');
    writeFileSync(file, image);
    const written = await stm32flash('-w', file, '-v');
    expect(written.code, written.out).to.equal(0);
    expect(written.out).to.contain('Wrote and verified address 0x08001389');
    expect(Buffer.from(device.peek(FLASH, 5001)).equals(image)).to.equal(true);

    const back = join(dir, 'back.bin');
    const read = await stm32flash('-r', back, '-S', `0x${FLASH.toString(16)}:5001`);
    expect(read.code, read.out).to.equal(0);
    expect(readFileSync(back).equals(image)).to.equal(true);
  });

  it('starts the application with -g', async () => {
    const run = await stm32flash('-g', `0x${FLASH.toString(16)}`);
    expect(run.code, run.out).to.equal(0);
    expect(run.out).to.contain('Starting execution at address 0x08000000');
    expect(device.state).to.equal('app');
  });

  it('fails with "after retry" when the bootloader starts too late for the first 0x7F', async () => {
    // Hold NRST while stm32flash sends its first 0x7F; release once that byte has been lost, so the
    // bootloader is listening for the retry and ACKs it instead of the NACK stm32flash expects.
    const seen: number[] = [];
    const receive = device.receive.bind(device);
    device.receive = (bytes) => {
      seen.push(...bytes);
      receive(bytes);
    };
    try {
      server.setPin('reset', true);
      // The application started by the test before may still have banner text on its way through the pty;
      // stm32flash would read it as the answer to its first 0x7F.
      await drainPty();
      const running = stm32flash();
      for (let i = 0; i < 500 && seen.length === 0; i++) await sleep(5);
      expect(seen).to.deep.equal([0x7f]);
      server.setPin('reset', false);
      const run = await running;
      expect(run.code).to.not.equal(0);
      expect(run.out).to.contain('Failed to init device after retry');
    } finally {
      device.receive = receive;
    }
  });

  it('works again after a reset pulse: a fresh bootloader syncs on the first 0x7F', async () => {
    await server.pulseReset();
    await untilState('bootloader');
    expect(device.synced).to.equal(false);
    const run = await stm32flash('-r', join(dir, 'again.bin'), '-S', `0x${FLASH.toString(16)}:256`);
    expect(run.code, run.out).to.equal(0);
    expect(readFileSync(join(dir, 'again.bin')).subarray(0, 16).equals(readFileSync(join(dir, 'image.bin')).subarray(0, 16))).to.equal(true);
  });

  it('readout protection round trip: -j makes reads NACK, -k mass-erases and lifts it', async () => {
    const protect = await stm32flash('-j');
    expect(protect.code, protect.out).to.equal(0);
    // The chip resets itself after the option-byte change; a client that comes back during start-up loses its 0x7F.
    await untilState('bootloader');
    const refused = await stm32flash('-r', join(dir, 'protected.bin'), '-S', `0x${FLASH.toString(16)}:256`);
    expect(refused.code).to.not.equal(0);
    expect(refused.out).to.contain('Got NACK from device on command 0x11');

    const unprotect = await stm32flash('-k');
    expect(unprotect.code, unprotect.out).to.equal(0);
    await untilState('bootloader');
    const read = await stm32flash('-r', join(dir, 'erased.bin'), '-S', `0x${FLASH.toString(16)}:256`);
    expect(read.code, read.out).to.equal(0);
    expect(readFileSync(join(dir, 'erased.bin')).every((b) => b === 0xff)).to.equal(true);
  });
});

describe('stm32flash 0.7 against the F407 emulator (Extended Erase, sectors)', function () {
  this.timeout(60_000);

  it('identifies 0x0413 and writes + verifies an image through Extended Erase', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-stm32flash-f4-'));
    const link = join(dir, 'ttyACM0');
    const profile = f407Profile();
    const device = createStm32Device(profile.chip as Stm32ChipFacts, profile, realClock) as Stm32Device;
    const received: number[] = [];
    const receive = device.receive.bind(device);
    device.receive = (bytes) => {
      received.push(...bytes);
      receive(bytes);
    };
    const server = await servePty(device, { link, baud: 115200, pins: { boot0: true } });
    try {
      for (let i = 0; i < 300 && device.state !== 'bootloader'; i++) await sleep(10);
      const image = randomBytes(2048);
      writeFileSync(join(dir, 'image.bin'), image);
      const run = await new Promise<Run>((resolve, reject) => {
        const child = spawn('stm32flash', ['-b', '115200', '-m', '8n1', '-w', join(dir, 'image.bin'), '-v', link]);
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.stderr.on('data', (c: Buffer) => (out += c.toString()));
        child.once('error', reject);
        child.once('exit', (code) => resolve({ code, out }));
      });
      expect(run.code, run.out).to.equal(0);
      expect(run.out).to.match(/Device ID\s*:\s*0x0413/);
      expect(received).to.include(0x44);
      expect(Buffer.from(device.peek(FLASH, 2048)).equals(image)).to.equal(true);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
