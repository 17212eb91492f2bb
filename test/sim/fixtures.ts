/**
 * Hand-built rigs and a scriptable emulator for the simulated-bench tests: the bench wiring is checked here
 * without depending on YAML loading or on the real boot-ROM emulators.
 */
import type { BoardProfile, LoadedBench, RelayBoard, Rig } from '../../harness/config/types.js';
import type { Clock } from '../../harness/core/clock.js';
import { ManualClock } from '../../harness/core/clock.js';
import type { DeviceFaults, EmulatedDevice } from '../../firmware-stubs/device.js';
import { SimBench, type SimBenchOptions } from '../../harness/sim/bench.js';

/** A device that records everything done to it and sends what a test tells it to (or echoes). */
export class ScriptedDevice implements EmulatedDevice {
  readonly received: Array<{ at: number; bytes: Uint8Array }> = [];
  readonly pinEvents: Array<{ at: number; pin: string; asserted: boolean }> = [];
  readonly powerEvents: Array<{ at: number; on: boolean }> = [];
  readonly faultHistory: DeviceFaults[] = [];
  readonly pins = new Map<string, boolean>();
  powered = false;
  faults: DeviceFaults;
  /** Echo every received batch back at this baud (0 = no echo). */
  echoBaud = 0;
  disposed = false;
  private listeners: Array<(bytes: Uint8Array, baud: number) => void> = [];

  constructor(
    readonly profile: BoardProfile,
    private readonly clock: Clock,
    faults: DeviceFaults,
  ) {
    this.faults = faults;
  }

  get state(): string {
    return this.powered ? 'on' : 'off';
  }

  get receivedBytes(): number[] {
    return this.received.flatMap((r) => [...r.bytes]);
  }

  receive(bytes: Uint8Array): void {
    this.received.push({ at: this.clock.now(), bytes: bytes.slice() });
    if (this.echoBaud > 0) this.transmit(bytes, this.echoBaud);
  }

  setPin(name: string, asserted: boolean): void {
    this.pins.set(name, asserted);
    this.pinEvents.push({ at: this.clock.now(), pin: name, asserted });
  }

  setPower(on: boolean): void {
    this.powered = on;
    this.powerEvents.push({ at: this.clock.now(), on });
  }

  onTransmit(listener: (bytes: Uint8Array, baud: number) => void): void {
    this.listeners.push(listener);
  }

  setFaults(faults: DeviceFaults): void {
    this.faults = faults;
    this.faultHistory.push(faults);
  }

  transmit(bytes: Uint8Array | number[], baud: number): void {
    const data = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
    for (const listener of this.listeners) listener(data, baud);
  }

  dispose(): void {
    this.disposed = true;
  }
}

function profile(id: string, pins: BoardProfile['pins'], baudRate = 115200): BoardProfile {
  return {
    id,
    title: id,
    family: 'test',
    protocol: {
      engine: 'script',
      serial: { baudRate, dataBits: 8, parity: 'none', stopBits: 1 },
      deadlines: { replyMs: 100 },
      retries: 0,
      options: { script: [] },
    },
    pins,
    enter: [],
    leave: [],
    expect: {},
    digest: 'test',
    file: `${id}.yaml`,
  };
}

export const RESET_BOOT_BOARD = profile('reset-boot-board', {
  reset: { name: 'reset', role: 'reset', active: 'low', idle: 'inactive' },
  boot0: { name: 'boot0', role: 'boot-strap', active: 'high', idle: 'inactive' },
});

export const POWER_BOARD = profile('power-board', {
  power: { name: 'power', role: 'power', active: 'high', idle: 'active' },
  kcol0: { name: 'kcol0', role: 'boot-strap', active: 'low', idle: 'inactive' },
});

/**
 * A small bench: d1 (relay board rb1 drives reset/boot0, cable c1, hub1.p1, psu1), d2 (its own adapter's DTR/RTS
 * drive reset/boot0 through board a1, active-low; c2, hub1.p2, psu1), d3 (rb1 switches its power and kcol0; c3,
 * host port pc.usb1, psu2).
 */
export function sampleRig(): Rig {
  const rb1: RelayBoard = {
    id: 'rb1',
    driver: 'sim',
    polarity: 'active-high',
    channels: Array.from({ length: 8 }, (_, i) => ({
      id: `rb1.${i + 1}`,
      board: 'rb1',
      channel: i + 1,
      safe: i === 2 ? ('closed' as const) : ('open' as const),
    })),
  };
  const a1: RelayBoard = {
    id: 'a1',
    driver: 'dtr-rts',
    dut: 'd2',
    polarity: 'active-low',
    channels: [
      { id: 'a1.dtr', board: 'a1', channel: 'dtr', safe: 'open' },
      { id: 'a1.rts', board: 'a1', channel: 'rts', safe: 'open' },
    ],
  };
  return {
    id: 'test-bench',
    title: 'Test bench',
    kind: 'simulated',
    host: 'host',
    sim: { seed: 42 },
    nightly: { trialsPerDut: 10, concurrency: 4, trialTimeoutMs: 5000, historyNights: 14 },
    relays: [rb1, a1],
    hubs: [{ id: 'hub1', upstream: 'pc.usb2' }],
    ports: [
      { id: 'hub1.p1', hub: 'hub1' },
      { id: 'hub1.p2', hub: 'hub1' },
      { id: 'pc.usb1' },
    ],
    cables: [{ id: 'c1' }, { id: 'c2' }, { id: 'c3' }],
    supplies: [{ id: 'psu1' }, { id: 'psu2' }],
    duts: [
      {
        id: 'd1',
        board: RESET_BOOT_BOARD.id,
        cable: 'c1',
        port: 'hub1.p1',
        supply: 'psu1',
        pins: { reset: { channel: 'rb1.1', closed: 'active' }, boot0: { channel: 'rb1.2', closed: 'active' } },
      },
      {
        id: 'd2',
        board: RESET_BOOT_BOARD.id,
        cable: 'c2',
        port: 'hub1.p2',
        supply: 'psu1',
        pins: { reset: { channel: 'a1.dtr', closed: 'active' }, boot0: { channel: 'a1.rts', closed: 'inactive' } },
      },
      {
        id: 'd3',
        board: POWER_BOARD.id,
        cable: 'c3',
        port: 'pc.usb1',
        supply: 'psu2',
        pins: { power: { channel: 'rb1.3', closed: 'active' }, kcol0: { channel: 'rb1.4', closed: 'active' } },
      },
    ],
    digest: 'test',
    file: 'rigs/test-bench.yaml',
  };
}

export function loaded(rig: Rig, profiles: BoardProfile[] = [RESET_BOOT_BOARD, POWER_BOARD]): LoadedBench {
  return { rig, profiles: new Map(profiles.map((p) => [p.id, p])) };
}

export interface TestBench {
  sim: SimBench;
  clock: ManualClock;
  devices: Map<string, ScriptedDevice>;
  dev(dut: string): ScriptedDevice;
  rig: Rig;
}

/** A SimBench on a ManualClock with ScriptedDevices; `edit` adjusts the sample rig first (fault blocks, …). */
export function testBench(edit?: (rig: Rig) => void, options: SimBenchOptions = {}): TestBench {
  const rig = sampleRig();
  edit?.(rig);
  const clock = new ManualClock();
  const devices = new Map<string, ScriptedDevice>();
  const sim = new SimBench(loaded(rig), {
    clock,
    ...options,
    deviceFactory: (p, c, faults) => {
      const device = new ScriptedDevice(p, c, faults);
      // Devices are created in DUT order; remember each by the next DUT id.
      devices.set(rig.duts[devices.size]!.id, device);
      return device;
    },
  });
  return { sim, clock, devices, rig, dev: (id) => devices.get(id)! };
}

export function find<T extends { id: string }>(items: T[], id: string): T {
  const item = items.find((i) => i.id === id);
  if (!item) throw new Error(`fixture has no ${id}`);
  return item;
}

/** |observed − np| within z standard deviations (z = 3.29: a two-sided 99.9 % interval), plus one for discreteness. */
export function withinInterval(observed: number, n: number, p: number, z = 3.29): boolean {
  const mean = n * p;
  const sd = Math.sqrt(n * p * (1 - p));
  return Math.abs(observed - mean) <= z * sd + 1;
}
