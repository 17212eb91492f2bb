/**
 * Conformance against the reference client: Espressif's esptool-js talks to the ESP32-family emulator served by
 * `shakedown stub` on a pty, through the real `serialport` binding, exactly as a browser talks to a DevKitC —
 * its classic DTR/RTS reset goes through the board's auto-reset circuit (the stub's `lines` control lines).
 */
import { expect } from 'chai';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ESPLoader, Transport } from 'esptool-js';
import { PtyWebSerialPort } from './web-serial-port.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Stub {
  process: ChildProcessWithoutNullStreams;
  link: string;
  out(): string;
}

async function startStub(dir: string, profile: string, ...flags: string[]): Promise<Stub> {
  const link = join(dir, 'ttyUSB0');
  const child = spawn(process.execPath, ['bin/shakedown.js', 'stub', profile, '--link', link, '--auto-reset', ...flags]);
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  for (let i = 0; i < 1500 && !out.includes('ready'); i++) await sleep(10);
  expect(out, err).to.equal(`ready ${link}\n`);
  return { process: child, link, out: () => out };
}

async function stopStub(stub: Stub | undefined): Promise<void> {
  if (!stub || stub.process.exitCode !== null) return;
  const exited = new Promise((resolve) => stub.process.once('exit', resolve));
  stub.process.stdin.write('quit\n');
  await exited;
}

/** The stub's answer to `state`. */
async function stateOf(stub: Stub): Promise<string> {
  const before = stub.out().length;
  stub.process.stdin.write('state\n');
  for (let i = 0; i < 200; i++) {
    const match = /state (\S+)/.exec(stub.out().slice(before));
    if (match) return match[1]!;
    await sleep(10);
  }
  throw new Error('no answer to state');
}

function loaderOn(port: PtyWebSerialPort, log: string[]): ESPLoader {
  const terminal = { clean: () => undefined, writeLine: (line: string) => log.push(line), write: (text: string) => log.push(text) };
  const transport = new Transport(port as unknown as ConstructorParameters<typeof Transport>[0], false);
  transport.trace = () => undefined; // it prints some lines even with tracing off
  return new ESPLoader({ transport, baudrate: 115200, terminal });
}

const BOARDS = [
  { profile: 'boards/esp32-devkitc.yaml', name: 'ESP32', description: /^ESP32-D0WDQ6 \(revision 1\)$/, mac: '24:0a:c4:5e:10:2c' },
  { profile: 'boards/esp32-s3-devkitc.yaml', name: 'ESP32-S3', description: /^ESP32-S3 \(QFN56\) \(revision v0\.2\)$/, mac: '7c:df:a1:e2:4b:90' },
  { profile: 'boards/esp32-c3-devkitm.yaml', name: 'ESP32-C3', description: /^ESP32-C3 \(QFN32\) \(revision v0\.3\)$/, mac: '58:cf:79:0a:31:e4' },
];

describe('esptool-js 0.7 against the ESP32 emulators on a pty (shakedown stub --auto-reset)', function () {
  this.timeout(90_000);
  // esptool-js drops stale input by time, not by framing: it flushes its buffer before each command and drains the
  // ROM's eight repeated answers until 100 ms pass without a byte. A loaded machine that holds the stub's process
  // back mid-burst can leave half a packet for the next read ("Invalid head of packet (0x1)", seen once in CI, not
  // reproduced under a two-core load). One more attempt, from a fresh stub, tells that from a real disagreement.
  this.retries(1);
  let dir: string;
  let stub: Stub | undefined;
  let port: PtyWebSerialPort | undefined;
  let transport: Transport | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-esptool-js-'));
  });
  afterEach(async () => {
    await transport?.disconnect().catch(() => undefined);
    await port?.close();
    await stopStub(stub);
    transport = undefined;
    port = undefined;
    stub = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  for (const board of BOARDS) {
    it(`${board.name}: connects with the classic DTR/RTS reset, detects the chip and reads its MAC`, async () => {
      stub = await startStub(dir, board.profile);
      expect(await stateOf(stub), 'the board runs its application until reset').to.equal('app');
      port = new PtyWebSerialPort(stub.link, stub.process.stdin);
      const log: string[] = [];
      const loader = loaderOn(port, log);
      transport = loader.transport;

      await loader.detectChip('default_reset');
      expect(loader.chip.CHIP_NAME, log.join('\n')).to.equal(board.name);
      // The reset went through the circuit: EN low (RTS), then EN high with the strap low (DTR).
      expect(port.signals.slice(0, 2)).to.deep.equal([
        { dtr: false, rts: true },
        { dtr: true, rts: false },
      ]);
      expect(await stateOf(stub)).to.equal('download');
      expect(await loader.chip.getChipDescription(loader)).to.match(board.description);
      expect(await loader.chip.getCrystalFreq(loader)).to.equal(40);
      expect(await loader.chip.readMac(loader)).to.equal(board.mac);
    });
  }

  it('ESP32: uploads the flasher stub through MEM_BEGIN/MEM_DATA/MEM_END, and the ROM jumps to it', async () => {
    stub = await startStub(dir, 'boards/esp32-devkitc.yaml');
    port = new PtyWebSerialPort(stub.link, stub.process.stdin);
    const log: string[] = [];
    const loader = loaderOn(port, log);
    transport = loader.transport;
    await loader.detectChip('default_reset');
    // Every block was accepted (a bad checksum or sequence would fail here); then the ROM runs the code in RAM,
    // which the emulator cannot execute: the stub's "OHAI" never comes.
    const error = await loader.runStub().then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(log).to.include.members(['Uploading stub...', 'Running stub...']);
    expect(error?.message ?? '').to.match(/Serial data stream stopped|No serial data received|Failed to start stub/);
    expect(await stateOf(stub)).to.equal('ram');
  });

  it('ESP32 with a 26 MHz crystal: esptool-js reads 26 MHz back from the UART divider the ROM set for the host', async () => {
    const profile = join(dir, 'esp32-26mhz.yaml');
    writeFileSync(profile, readFileSync('boards/esp32-devkitc.yaml', 'utf8').replace('crystalMhz: 40', 'crystalMhz: 26'));
    stub = await startStub(dir, profile);
    port = new PtyWebSerialPort(stub.link, stub.process.stdin);
    const loader = loaderOn(port, []);
    transport = loader.transport;
    await loader.detectChip('default_reset');
    expect(await loader.chip.getCrystalFreq(loader)).to.equal(26);
  });
});
