/**
 * Hand-built MediaTek chip facts and board profiles for the emulator tests, plus a probe that records what a
 * device transmits. Identity numbers follow the MediaTek fact sheet (hw_code, watchdog register and value);
 * the rest (ids, timings, log text) are plausible values chosen for the tests.
 */
import type { BoardProfile, PinDef, ProtocolConfig } from '../../../harness/config/types.js';
import type { MediatekChipFacts, MediatekOptions } from '../../../harness/families/mediatek/schema.js';
import type { Clock, ManualClock } from '../../../harness/core/clock.js';
import { concatBytes, parseHex } from '../../../harness/core/bytes.js';
import type { DeviceFaults, EmulatedDevice } from '../../../firmware-stubs/device.js';
import { MediatekDevice } from '../../../harness/families/mediatek/emulator/index.js';

function idBytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seed + i * 37) & 0xff);
}

export const MT6765: MediatekChipFacts = {
  family: 'mediatek',
  hwCode: 0x0766,
  hwSubcode: 0x8a00,
  hwVersion: 0xca00,
  swVersion: 0x0000,
  targetConfig: 0x000000e5,
  bromVersion: 0x05,
  preloaderVersion: 0x02,
  meId: idBytes(16, 0x11),
  socId: idBytes(32, 0x42),
  startupMs: 120,
  watchdogTimeoutMs: 2000,
  preloader: {
    windowMs: 1000,
    logBaud: 921600,
    logText: '[PL] boot reason: power key\r\n[PL] DRAM calibration done\r\n',
  },
};

export const MT6580: MediatekChipFacts = {
  family: 'mediatek',
  hwCode: 0x6580,
  hwSubcode: 0x8a00,
  hwVersion: 0xca01,
  swVersion: 0x0001,
  targetConfig: 0x00000000,
  bromVersion: 0x05,
  preloaderVersion: 0x01,
  meId: idBytes(16, 0x23),
  socId: idBytes(32, 0x65),
  startupMs: 80,
  watchdogTimeoutMs: 1500,
  preloader: {
    windowMs: 150,
    logBaud: 921600,
    logText: 'hello from preloader\r\n',
  },
};

export const MT6735: MediatekChipFacts = {
  family: 'mediatek',
  hwCode: 0x0321,
  hwSubcode: 0x8a00,
  hwVersion: 0xcb00,
  swVersion: 0x0000,
  targetConfig: 0x00000001,
  bromVersion: 0x05,
  preloaderVersion: 0x03,
  meId: idBytes(16, 0x37),
  socId: idBytes(32, 0x79),
  startupMs: 150,
  watchdogTimeoutMs: 3000,
  preloader: {
    windowMs: 1500,
    logBaud: 460800,
    logText: '[PLFM] keypad init\r\n',
  },
};

const WATCHDOGS = new Map<MediatekChipFacts, { address: number; value: number }>([
  [MT6765, { address: 0x10007000, value: 0x22000064 }],
  [MT6580, { address: 0x10007000, value: 0x22000064 }],
  [MT6735, { address: 0x10212000, value: 0x22000000 }],
]);

export interface ProfileOptions {
  /** Declare a `power` pin (power then needs both the supply and this pin). */
  powerPin?: boolean;
  /** Declare a `reset` pin. */
  resetPin?: boolean;
  /** Override the watchdog the profile's protocol writes. */
  watchdog?: { address: number; value: number };
}

function pin(name: string, role: PinDef['role'], active: 'high' | 'low'): PinDef {
  return { name, role, active, idle: 'inactive' };
}

export function mediatekProfile(chip: MediatekChipFacts, options: ProfileOptions = {}): BoardProfile {
  const name = `mt${chip.hwCode.toString(16)}`;
  const mediatek: MediatekOptions = { watchdog: options.watchdog ?? WATCHDOGS.get(chip) ?? { address: 0x10007000, value: 0x22000064 } };
  const protocol: ProtocolConfig = {
    engine: 'mediatek',
    serial: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 },
    deadlines: { replyMs: 50, handshakeMs: 2000, byteMs: 20 },
    retries: 3,
    options: mediatek,
  };
  const pins: Record<string, PinDef> = { kcol0: pin('kcol0', 'boot-strap', 'low') };
  if (options.powerPin) pins.power = pin('power', 'power', 'high');
  if (options.resetPin) pins.reset = pin('reset', 'reset', 'low');
  return {
    id: `test-${name}`,
    title: `Test board with ${name}`,
    family: 'mediatek',
    protocol,
    pins,
    enter: [{ kind: 'set', pins: { kcol0: true } }],
    leave: [{ kind: 'set', pins: { kcol0: false } }],
    expect: { hwCode: chip.hwCode, mode: 'brom' },
    chip,
    digest: '0'.repeat(64),
    file: `boards/${name}.yaml`,
  };
}

export interface Transmission {
  at: number;
  baud: number;
  bytes: Uint8Array;
}

/** Records every transmission of a device; take() returns (and forgets) what arrived since the last take(). */
export class Probe {
  readonly log: Transmission[] = [];
  private taken = 0;

  constructor(
    device: EmulatedDevice,
    private readonly clock: Clock,
  ) {
    device.onTransmit((bytes, baud) => this.log.push({ at: clock.now(), baud, bytes }));
  }

  take(): Uint8Array {
    const fresh = this.log.slice(this.taken);
    this.taken = this.log.length;
    return concatBytes(fresh.map((t) => t.bytes));
  }

  /** Like take(), but the transmissions themselves (for baud and time checks). */
  takeTransmissions(): Transmission[] {
    const fresh = this.log.slice(this.taken);
    this.taken = this.log.length;
    return fresh;
  }

  get total(): number {
    return this.log.reduce((n, t) => n + t.bytes.length, 0);
  }
}

/** Sends hex bytes one at a time and returns everything the device answered, in order. */
export function sendBytewise(device: EmulatedDevice, probe: Probe, hex: string): Uint8Array {
  probe.take();
  for (const b of parseHex(hex)) device.receive(Uint8Array.of(b));
  return probe.take();
}

/** Sends hex bytes as one chunk and returns the answer. */
export function sendChunk(device: EmulatedDevice, probe: Probe, hex: string | Uint8Array): Uint8Array {
  probe.take();
  device.receive(typeof hex === 'string' ? parseHex(hex) : hex);
  return probe.take();
}

export interface Bench {
  clock: ManualClock;
  device: MediatekDevice;
  probe: Probe;
}

/** A device on a board with the supply on and KCOL0 set as asked, powered up but not yet started. */
export function powerUp(
  clock: ManualClock,
  chip: MediatekChipFacts,
  options: ProfileOptions & { kcol0: boolean; faults?: DeviceFaults },
): Bench {
  const device = new MediatekDevice(chip, mediatekProfile(chip, options), clock, options.faults ?? {});
  const probe = new Probe(device, clock);
  device.setPin('kcol0', options.kcol0);
  if (options.powerPin) device.setPin('power', true);
  device.setPower(true);
  return { clock, device, probe };
}
