/** Drives an STM32 emulator directly on a ManualClock and collects what it transmits. */
import type { BoardProfile } from '../../../harness/config/types.js';
import type { Stm32ChipFacts } from '../../../harness/families/stm32/schema.js';
import { u32be, xorAll } from '../../../harness/core/bytes.js';
import { ManualClock } from '../../../harness/core/clock.js';
import type { DeviceFaults } from '../../../firmware-stubs/device.js';
import { createStm32Device, type Stm32Device } from '../../../harness/families/stm32/emulator/index.js';
import { f103Profile } from './fixtures.js';

export class Stm32Bench {
  readonly clock = new ManualClock();
  readonly device: Stm32Device;
  readonly chip: Stm32ChipFacts;
  private out: number[] = [];
  readonly bauds: number[] = [];

  constructor(profile: BoardProfile = f103Profile(), faults: DeviceFaults = {}) {
    this.chip = profile.chip as Stm32ChipFacts;
    this.device = createStm32Device(this.chip, profile, this.clock, faults) as Stm32Device;
    this.device.onTransmit((bytes, baud) => {
      this.out.push(...bytes);
      this.bauds.push(baud);
    });
  }

  /** Everything transmitted since the last take(). */
  take(): number[] {
    return this.out.splice(0);
  }

  text(): string {
    return String.fromCharCode(...this.take());
  }

  send(...parts: Array<number | readonly number[] | Uint8Array>): void {
    const bytes: number[] = [];
    for (const part of parts) {
      if (typeof part === 'number') bytes.push(part);
      else bytes.push(...part);
    }
    this.device.receive(Uint8Array.from(bytes));
  }

  /** Sends bytes and returns what came back within `ms` of device time. */
  exchange(bytes: readonly number[], ms = 0): number[] {
    this.send(bytes);
    this.clock.advance(ms);
    return this.take();
  }

  /** BOOT0 high, power on, wait the start-up time, sync. */
  bootloader(): this {
    this.device.setPin('boot0', true);
    this.device.setPower(true);
    this.clock.advance(this.chip.startupMs);
    this.send(0x7f);
    const reply = this.take();
    if (reply.length !== 1 || reply[0] !== 0x79) throw new Error(`no sync ACK: ${reply.join(',')}`);
    return this;
  }
}

export function cmd(code: number): number[] {
  return [code, code ^ 0xff];
}

export function addr(address: number): number[] {
  const bytes = Array.from(u32be(address));
  return [...bytes, xorAll(bytes)];
}

/** Write Memory payload: N-1, data, XOR. */
export function payload(data: readonly number[]): number[] {
  const n1 = data.length - 1;
  return [n1, ...data, xorAll([n1, ...data])];
}

/** Read Memory length: N-1 and its complement. */
export function length(n: number): number[] {
  return [n - 1, (n - 1) ^ 0xff];
}

export function range(n: number, f: (i: number) => number = (i) => i & 0xff): number[] {
  return Array.from({ length: n }, (_, i) => f(i));
}
