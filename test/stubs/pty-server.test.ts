import { expect } from 'chai';
import { existsSync, lstatSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { SerialPort } from 'serialport';
import { createStm32Device, type Stm32Device } from '../../harness/families/stm32/emulator/index.js';
import { servePty, type PtyServer } from '../../firmware-stubs/pty/index.js';
import { realClock } from '../../harness/core/clock.js';
import { InputError } from '../../harness/core/exit-codes.js';
import type { Stm32ChipFacts } from '../../harness/families/stm32/schema.js';
import { applyOverrides, autoResetWiring, runStub, settingsFrom, startStub, unescapeText } from '../../harness/cli/commands/stub.js';
import { loadProfile } from '../../harness/config/load.js';
import { f103Profile } from '../families/stm32/fixtures.js';
import { MT6765, mediatekProfile } from '../families/mediatek/fixtures.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A client on the pty through the real serialport binding, collecting everything it receives. */
async function openClient(path: string): Promise<{ port: SerialPort; received: () => number[]; close: () => Promise<void> }> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  const bytes: number[] = [];
  port.on('data', (chunk: Buffer) => bytes.push(...chunk));
  return {
    port,
    received: () => bytes.splice(0),
    close: () => new Promise<void>((resolve) => port.close(() => resolve())),
  };
}

async function waitFor<T>(probe: () => T | undefined, what: string, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('pty server: an emulated STM32 on a real pseudo-terminal', function () {
  this.timeout(20_000);
  let dir: string;
  let server: PtyServer | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-pty-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  function f103(): Stm32Device {
    const profile = f103Profile();
    return createStm32Device(profile.chip as Stm32ChipFacts, profile, realClock) as Stm32Device;
  }

  it('makes the link, answers sync and Get ID through serialport, and removes the link on close', async () => {
    const link = join(dir, 'ttyUSB0');
    const device = f103();
    server = await servePty(device, { link, baud: 115200, pins: { boot0: true } });
    expect(lstatSync(link).isSymbolicLink()).to.equal(true);
    expect(readlinkSync(link)).to.equal(server.ptyPath);
    await waitFor(() => (device.state === 'bootloader' ? true : undefined), 'the bootloader');
    const client = await openClient(link);
    client.port.write(Buffer.from([0x7f]));
    await waitFor(() => (device.synced ? true : undefined), 'sync');
    client.port.write(Buffer.from([0x02, 0xfd]));
    const reply: number[] = [];
    await waitFor(() => (reply.push(...client.received()), reply.length >= 6 ? true : undefined), 'Get ID reply');
    expect(reply).to.deep.equal([0x79, 0x79, 0x01, 0x04, 0x10, 0x79]);
    await client.close();
    await server.close();
    server = undefined;
    expect(existsSync(link)).to.equal(false);
  });

  it('carries the application banner byte-exact (no echo, no CR/LF translation), and reset re-samples the pins', async () => {
    const link = join(dir, 'ttyACM0');
    const device = f103();
    server = await servePty(device, { link, baud: 115200, pins: { boot0: false }, resetPin: 'reset' });
    const client = await openClient(link);
    await waitFor(() => (device.state === 'app' ? true : undefined), 'the application');
    const text: number[] = [];
    await waitFor(() => (text.push(...client.received()), text.length >= 19 ? true : undefined), 'the banner');
    expect(Buffer.from(text).toString('latin1')).to.equal('blinky v1.0 ready\r\n');
    client.port.write(Buffer.from([0x7f]));
    await sleep(100);
    expect(client.received()).to.deep.equal([]);

    server.setPin('boot0', true);
    await server.pulseReset();
    await waitFor(() => (device.state === 'bootloader' ? true : undefined), 'the bootloader after reset');
    client.port.write(Buffer.from([0x7f]));
    await waitFor(() => (client.received().includes(0x79) ? true : undefined), 'sync ACK');
    await client.close();
  });

  it('survives clients opening and closing the pty in turn', async () => {
    const link = join(dir, 'tty-stm32');
    const device = f103();
    server = await servePty(device, { link, baud: 115200, pins: { boot0: true } });
    await waitFor(() => (device.state === 'bootloader' ? true : undefined), 'the bootloader');
    for (const [send, expected] of [
      [[0x7f], [0x79]],
      [[0x01, 0xfe], [0x79, 0x22, 0x00, 0x00, 0x79]],
    ] as const) {
      const client = await openClient(link);
      client.port.write(Buffer.from(send));
      const got: number[] = [];
      await waitFor(() => (got.push(...client.received()), got.length >= expected.length ? true : undefined), 'reply');
      expect(got).to.deep.equal(expected);
      await client.close();
    }
  });

  it('applies cable faults: a cable that drops every byte never lets the host sync', async () => {
    const link = join(dir, 'ttyUSB-bad');
    const device = f103();
    server = await servePty(device, { link, baud: 115200, pins: { boot0: true }, cable: { dropRate: 1, seed: 3 } });
    await waitFor(() => (device.state === 'bootloader' ? true : undefined), 'the bootloader');
    const client = await openClient(link);
    client.port.write(Buffer.from([0x7f, 0x7f, 0x7f]));
    await sleep(150);
    expect(device.synced).to.equal(false);
    expect(client.received()).to.deep.equal([]);
    await client.close();
  });

  it('replaces a stale link but refuses to overwrite a regular file', async () => {
    const stale = join(dir, 'stale');
    symlinkSync('/dev/pts/9999', stale);
    server = await servePty(f103(), { link: stale, baud: 115200 });
    expect(readlinkSync(stale)).to.equal(server.ptyPath);
    const file = join(dir, 'file');
    writeFileSync(file, 'keep me');
    let error: unknown;
    try {
      await servePty(f103(), { link: file, baud: 115200 });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(InputError);
  });
});

describe('stub command: runStub with control lines', function () {
  this.timeout(20_000);

  it('prints ready, obeys state / pin / reset / power lines, and quits cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-stub-'));
    const link = join(dir, 'ttyUSB9');
    try {
      const settings = settingsFrom({ link, boot0: false, banner: 'hello from the app\r\n', startupMs: 30 });
      const profile = applyOverrides(f103Profile(), settings);
      const server = await startStub(profile, settings);
      const input = new PassThrough();
      const output = new PassThrough();
      const errors = new PassThrough();
      let out = '';
      let err = '';
      output.on('data', (c: Buffer) => (out += c.toString()));
      errors.on('data', (c: Buffer) => (err += c.toString()));
      const running = runStub(server, profile, { input, output, errors, signals: false });
      await waitFor(() => (out.includes(`ready ${link}\n`) ? true : undefined), 'ready line');

      const client = await openClient(link);
      await waitFor(() => (server.device.state === 'app' ? true : undefined), 'app');
      input.write('state\n');
      await waitFor(() => (out.includes('state app') ? true : undefined), 'state line');

      input.write('boot0 1\nreset\n');
      await waitFor(() => (server.device.state === 'bootloader' ? true : undefined), 'bootloader after reset');
      input.write('power off\n');
      await waitFor(() => (server.device.state === 'off' ? true : undefined), 'power off');
      input.write('power on\nfrobnicate\nkcol0 1\n');
      await waitFor(() => (server.device.state === 'bootloader' ? true : undefined), 'bootloader after power on');
      await waitFor(() => (err.includes('unknown command') && err.includes('"kcol0"') ? true : undefined), 'warnings');
      await client.close();

      input.write('quit\n');
      await running;
      expect(existsSync(link)).to.equal(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--auto-reset: `lines` move EN and the strap through the board circuit; both asserted do nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-stub-esp32-'));
    const link = join(dir, 'ttyUSB3');
    try {
      const profile = loadProfile('boards/esp32-devkitc.yaml');
      const settings = settingsFrom({ link, autoReset: true });
      expect(autoResetWiring(profile, settings.autoReset!), 'EN is the reset pin, the strap the boot-strap pin').to.deep.equal({ en: 'reset', strap: 'boot' });
      const server = await startStub(applyOverrides(profile, settings), settings);
      const input = new PassThrough();
      const output = new PassThrough();
      const errors = new PassThrough();
      let err = '';
      errors.on('data', (c: Buffer) => (err += c.toString()));
      const running = runStub(server, profile, { input, output, errors, signals: false });
      await waitFor(() => (server.device.state === 'app' ? true : undefined), 'app at power-on');
      input.write('lines dtr=1 rts=1\n');
      await sleep(100);
      expect(server.device.state, 'both lines asserted: no reset').to.equal('app');
      input.write('lines dtr=0 rts=1\n');
      await waitFor(() => (server.device.state === 'reset' ? true : undefined), 'EN held low by RTS');
      input.write('lines dtr=1 rts=0\n');
      await waitFor(() => (server.device.state === 'download' ? true : undefined), 'download: the strap held as EN rose');
      input.write('quit\n');
      await running;
      expect(err).to.equal('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without --auto-reset, `lines` is refused with a hint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-stub-esp32-'));
    const link = join(dir, 'ttyUSB4');
    try {
      const profile = loadProfile('boards/esp32-c3-devkitm.yaml');
      const settings = settingsFrom({ link });
      const server = await startStub(applyOverrides(profile, settings), settings);
      const input = new PassThrough();
      const errors = new PassThrough();
      let err = '';
      errors.on('data', (c: Buffer) => (err += c.toString()));
      const running = runStub(server, profile, { input, output: new PassThrough(), errors, signals: false });
      input.write('lines dtr=0 rts=1\n');
      await waitFor(() => (err.includes('--auto-reset') ? true : undefined), 'the hint');
      expect(server.device.state).to.equal('app');
      input.write('quit\n');
      await running;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves a MediaTek board too: KCOL0 held at power-on gives the BROM handshake', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-stub-mtk-'));
    const link = join(dir, 'ttyACM7');
    const profile = mediatekProfile(MT6765);
    const settings = settingsFrom({ link, pin: { kcol0: true } });
    const server = await startStub(applyOverrides(profile, settings), settings);
    try {
      await waitFor(() => (server.device.state === 'brom' ? true : undefined), 'BROM');
      const client = await openClient(link);
      const answers: number[] = [];
      for (const [i, byte] of [0xa0, 0x0a, 0x50, 0x05].entries()) {
        client.port.write(Buffer.from([byte]));
        await waitFor(() => (answers.push(...client.received()), answers.length > i ? true : undefined), 'answer');
      }
      await sleep(20);
      answers.push(...client.received());
      expect(answers).to.deep.equal([0x5f, 0xf5, 0xaf, 0xfa]);
      await client.close();
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads \\r and \\n in --banner as CR and LF', () => {
    expect(unescapeText('blinky\\r\\n')).to.equal('blinky\r\n');
    expect(unescapeText('a\\\\n')).to.equal('a\\n');
    expect(settingsFrom({ link: '/tmp/x', banner: 'v2\\n' }).banner).to.equal('v2\n');
  });

  it('turns a mode of another family into bad input', () => {
    expect(() => applyOverrides(f103Profile(), settingsFrom({ link: '/tmp/x', mode: 'brom' }))).to.throw(InputError);
  });
});
