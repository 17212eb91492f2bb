/**
 * A hardware rig made of pseudo-terminals: the STM32 emulator served on a pty like a USB-serial adapter, and a
 * fake LCUS relay module on another pty whose contacts drive the emulator's reset and boot pins — so the run goes
 * through the real serialport binding end to end, relays included.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDevice } from '../../firmware-stubs/index.js';
import { servePty, type PtyServer } from '../../firmware-stubs/pty/index.js';
import { FakeLcusModule } from '../../firmware-stubs/relays/fake-lcus-module.js';
import { loadProfile } from '../../harness/config/load.js';
import { realClock } from '../../harness/core/clock.js';

export interface PtyBench {
  dir: string;
  rigFile: string;
  dbFile: string;
  stub: PtyServer;
  relays: FakeLcusModule;
  /** The relay module's pty: close it to unplug the relay board. */
  relayServer: PtyServer;
  /** Unplugs the DUT's adapter: its pty and link are gone until replug(). */
  unplug(): Promise<void>;
  /** Plugs the adapter back in at the same path (a fresh pty behind the same link, like a by-id link). */
  replug(): Promise<void>;
  close(): Promise<void>;
}

/** LCUS channel → the logical pin it switches on the board (a closed contact asserts the pin). */
const WIRING: Record<number, string> = { 1: 'reset', 2: 'boot0', 3: 'boot1' };

export async function startPtyBench(): Promise<PtyBench> {
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-pty-bench-'));
  const profile = loadProfile('boards/stm32f103c8.yaml');
  const device = createDevice(profile, realClock);
  const serveDut = () => servePty(device, { link: join(dir, 'ttyUSB-dut'), baud: 115200, pins: { boot0: false, boot1: false } });
  let stub = await serveDut();
  let plugged = true;
  const relays = new FakeLcusModule(4);
  relays.onChange(({ channel, closed }) => {
    const pin = WIRING[channel];
    if (pin && plugged) stub.setPin(pin, closed);
  });
  const relayServer = await servePty(relays, { link: join(dir, 'ttyUSB-relay'), baud: 9600 });
  const rigFile = join(dir, 'pty-bench.yaml');
  writeFileSync(
    rigFile,
    `title: Bench of pseudo-terminals
kind: hardware
host: test-host
boards: ${JSON.stringify(resolve('boards'))}
nightly: { trials: 5, concurrency: 1, trialTimeoutMs: 10000 }
relays:
  - id: lcus1
    driver: lcus
    port: { path: ${JSON.stringify(relayServer.link)} }
    channels: 4
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
    pins: { reset: lcus1.1, boot0: lcus1.2, boot1: lcus1.3 }
`,
  );
  return {
    dir,
    rigFile,
    dbFile: join(dir, 'trials.db'),
    get stub() {
      return stub;
    },
    relays,
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
