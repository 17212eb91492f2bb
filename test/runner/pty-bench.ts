/**
 * A hardware rig made of pseudo-terminals: the STM32 emulator served on a pty like a USB-serial adapter, and a
 * fake relay board (an LCUS module, a KMTronic board, or an Uno running StandardFirmata) on another pty whose contacts drive the
 * emulator's reset and boot pins — so the run goes through the real serialport binding end to end, relays included.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDevice } from '../../firmware-stubs/index.js';
import { servePty, type PtyServer } from '../../firmware-stubs/pty/index.js';
import type { EmulatedDevice } from '../../firmware-stubs/device.js';
import { FakeLcusModule, FakeStandardFirmata } from '../../firmware-stubs/relays/index.js';
import { loadProfile } from '../../harness/config/load.js';
import { realClock } from '../../harness/core/clock.js';
import { FakeKmtronicBoard } from '../pins/fake-kmtronic.js';

export interface PtyBench<Relays extends EmulatedDevice = FakeLcusModule> {
  dir: string;
  rigFile: string;
  dbFile: string;
  stub: PtyServer;
  relays: Relays;
  /** The relay board's pty: close it to unplug the relay board. */
  relayServer: PtyServer;
  /** Unplugs the DUT's adapter: its pty and link are gone until replug(). */
  unplug(): Promise<void>;
  /** Plugs the adapter back in at the same path (a fresh pty behind the same link, like a by-id link). */
  replug(): Promise<void>;
  close(): Promise<void>;
}

/** How the relay board is wired on the bench: its rig entry, and which logical pin each of its outputs switches. */
interface RelaySide<Relays extends EmulatedDevice> {
  device: Relays;
  baud: number;
  /** The `relays:` entry of the rig, given the board's port path. */
  rigEntry(path: string): string;
  pins: string;
  /** Connects the board's outputs to the DUT's pins (a closed contact asserts the pin). */
  wire(setPin: (name: string, asserted: boolean) => void): void;
}

const PINS = ['reset', 'boot0', 'boot1'];

/** The bench with an LCUS-4 module: channels 1–3 switch reset, boot0, boot1. */
export function startPtyBench(): Promise<PtyBench> {
  const relays = new FakeLcusModule(4);
  return startBench({
    device: relays,
    baud: 9600,
    rigEntry: (path) => `  - id: lcus1
    driver: lcus
    port: { path: ${JSON.stringify(path)} }
    channels: 4`,
    pins: '{ reset: lcus1.1, boot0: lcus1.2, boot1: lcus1.3 }',
    wire: (setPin) =>
      relays.onChange(({ channel, closed }) => {
        const pin = PINS[channel - 1];
        if (pin) setPin(pin, closed);
      }),
  });
}

/** The bench with a KMTronic 4-relay USB board: relays 1–3 switch reset, boot0, boot1. */
export function startKmtronicPtyBench(): Promise<PtyBench<FakeKmtronicBoard>> {
  const relays = new FakeKmtronicBoard(4);
  return startBench({
    device: relays,
    baud: 9600,
    rigEntry: (path) => `  - id: km1
    driver: kmtronic
    port: { path: ${JSON.stringify(path)} }
    channels: 4`,
    pins: '{ reset: km1.1, boot0: km1.2, boot1: km1.3 }',
    wire: (setPin) =>
      relays.onChange(({ relay, closed }) => {
        const pin = PINS[relay - 1];
        if (pin) setPin(pin, closed);
      }),
  });
}

/**
 * The bench with an Uno running StandardFirmata 2.4 and an active-low relay shield (an undriven input leaves its
 * relay off): pins 7, 8, 9 switch reset, boot0, boot1.
 */
export function startFirmataPtyBench(): Promise<PtyBench<FakeStandardFirmata>> {
  const relays = new FakeStandardFirmata({ powered: false }); // powered (booted) once wired and served
  const pinOf = [7, 8, 9];
  return startBench({
    device: relays,
    baud: 57600,
    rigEntry: (path) => `  - id: uno1
    driver: firmata
    polarity: active-low
    port: { path: ${JSON.stringify(path)} }
    channels: [ { n: 1, pin: 7 }, { n: 2, pin: 8 }, { n: 3, pin: 9 } ]`,
    pins: '{ reset: uno1.1, boot0: uno1.2, boot1: uno1.3 }',
    wire: (setPin) =>
      relays.onLevel(({ pin, level }) => {
        const name = PINS[pinOf.indexOf(pin)];
        if (name) setPin(name, level === 0);
      }),
  });
}

async function startBench<Relays extends EmulatedDevice>(relay: RelaySide<Relays>): Promise<PtyBench<Relays>> {
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-pty-bench-'));
  const profile = loadProfile('boards/stm32f103c8.yaml');
  const device = createDevice(profile, realClock);
  const serveDut = () => servePty(device, { link: join(dir, 'ttyUSB-dut'), baud: 115200, pins: { boot0: false, boot1: false } });
  let stub = await serveDut();
  let plugged = true;
  relay.wire((name, asserted) => {
    if (plugged) stub.setPin(name, asserted);
  });
  const relayServer = await servePty(relay.device, { link: join(dir, 'ttyUSB-relay'), baud: relay.baud });
  const rigFile = join(dir, 'pty-bench.yaml');
  writeFileSync(
    rigFile,
    `title: Bench of pseudo-terminals
kind: hardware
host: test-host
boards: ${JSON.stringify(resolve('boards'))}
nightly: { trials: 5, concurrency: 1, trialTimeoutMs: 10000 }
relays:
${relay.rigEntry(relayServer.link)}
ports: [ { id: pc.usb1 } ]
cables: [ { id: c1 } ]
supplies: [ { id: psu1 } ]
duts:
  - id: f103
    board: stm32f103c8
    serial: { path: ${JSON.stringify(stub.link)} }
    serialOverrides: { parity: none }   # a pty cannot keep even parity
    cable: c1
    port: pc.usb1
    supply: psu1
    pins: ${relay.pins}
`,
  );
  return {
    dir,
    rigFile,
    dbFile: join(dir, 'trials.db'),
    get stub() {
      return stub;
    },
    relays: relay.device,
    relayServer,
    async unplug() {
      plugged = false;
      await stub.close();
    },
    async replug() {
      stub = await serveDut();
      plugged = true;
    },
    async close() {
      if (plugged) await stub.close();
      await relayServer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
