/**
 * An STM32 board as seen from its pins and UART: power, NRST, BOOT0/BOOT1, and whatever runs after reset —
 * the system-memory bootloader (session.ts), the application (prints its banner, ignores input), code in SRAM
 * (silent), or a faulty board (dead, bootlooping).
 */
import type { BoardProfile } from '../../../config/types.js';
import type { Stm32ChipFacts } from '../schema.js';
import type { Clock } from '../../../core/clock.js';
import type { DeviceFaults, EmulatedDevice } from '../../../../firmware-stubs/device.js';
import { BoardPins } from '../../../../firmware-stubs/common/board-pins.js';
import { BOOTLOOP_ROUND_MS, bootloopBurst, chooseBootMode, type BootMode } from './boot.js';
import type { CommandContext } from './commands.js';
import { Stm32Memory } from './memory.js';
import { BootloaderSession } from './session.js';

/** Time from a Go to flash until the application prints. */
const APP_START_AFTER_JUMP_MS = 2;
const DEFAULT_BAUD = 115200;

type Listener = (bytes: Uint8Array, baud: number) => void;

export class Stm32Device implements EmulatedDevice {
  readonly memory: Stm32Memory;
  /**
   * The baud the host talks at. The bootloader measures it from the sync byte and answers at the same rate;
   * defaults to the profile's serial setting. A server on a pty sets it to its line rate.
   */
  hostBaud: number;
  private current = 'off';
  private supply = false;
  /** Pins by role: power pins switch the board's power on top of the supply, a reset pin holds it in reset. */
  private readonly pins: BoardPins;
  private faults: DeviceFaults;
  private session: BootloaderSession | null = null;
  private readonly listeners: Listener[] = [];
  private readonly timers = new Set<() => void>();

  constructor(
    readonly chip: Stm32ChipFacts,
    profile: BoardProfile,
    private readonly clock: Clock,
    faults: DeviceFaults = {},
  ) {
    this.memory = new Stm32Memory(chip);
    this.faults = { ...faults };
    this.hostBaud = profile.protocol.serial.baudRate || DEFAULT_BAUD;
    // Pins rest where the profile says they rest between trials, as the relays leave them.
    this.pins = new BoardPins(profile);
  }

  get state(): string {
    return this.current;
  }

  /** The running bootloader has answered its sync byte (false outside the bootloader). */
  get synced(): boolean {
    return this.session?.synced ?? false;
  }

  /** Memory as it is now, for tests: unmapped addresses read as 0. */
  peek(address: number, length: number): Uint8Array {
    return this.memory.peek(address, length);
  }

  receive(bytes: Uint8Array): void {
    // Only the bootloader listens; the application, SRAM code and a booting chip drop what arrives.
    this.session?.receive(bytes);
  }

  setPin(name: string, asserted: boolean): void {
    const wasPowered = this.powered;
    const before = this.pin(name);
    this.pins.set(name, asserted);
    const role = this.pins.roleOf(name);
    if (role === 'power') return this.powerChanged(wasPowered);
    if (role !== 'reset' || before === asserted || !this.powered) return;
    if (asserted) this.holdInReset();
    else if (this.pins.running(this.supply)) this.boot();
  }

  setPower(on: boolean): void {
    const wasPowered = this.powered;
    this.supply = on;
    this.powerChanged(wasPowered);
  }

  onTransmit(listener: Listener): void {
    this.listeners.push(listener);
  }

  setFaults(faults: DeviceFaults): void {
    this.faults = { ...faults };
  }

  dispose(): void {
    this.halt();
  }

  private pin(name: string): boolean {
    return this.pins.isAsserted(name);
  }

  private get powered(): boolean {
    return this.pins.powered(this.supply);
  }

  private powerChanged(wasPowered: boolean): void {
    const powered = this.powered;
    if (powered === wasPowered) return;
    if (!powered) {
      this.halt();
      this.current = 'off';
    } else if (!this.pins.running(this.supply)) {
      this.holdInReset();
    } else {
      this.boot();
    }
  }

  private holdInReset(): void {
    this.halt();
    this.current = 'reset';
  }

  /** Reset released (or power applied with reset released): sample the boot pins, then start after startupMs. */
  private boot(): void {
    this.halt();
    if (this.faults.dead) {
      this.current = 'dead';
      return;
    }
    if (this.faults.bootloop) {
      this.current = 'bootloop';
      this.bootloop(0);
      return;
    }
    const mode = chooseBootMode(this.pin('boot0'), this.pin('boot1'), this.faults.forcedMode);
    this.current = 'booting';
    this.after(this.chip.startupMs + (this.faults.extraStartupMs ?? 0), () => this.enter(mode));
  }

  private enter(mode: BootMode): void {
    this.current = mode;
    if (mode === 'bootloader') this.session = new BootloaderSession(this.commandContext(), this.clock);
    if (mode === 'app' && this.chip.appBanner) this.transmit(new TextEncoder().encode(this.chip.appBanner), this.chip.appBaud);
  }

  private bootloop(round: number): void {
    const text = new TextEncoder().encode(bootloopBurst(this.chip, round));
    this.transmit(text, this.chip.appBaud);
    // Never faster than the line can carry, so a slow console does not pile up without end.
    const lineMs = (text.length * 10 * 1000) / (this.chip.appBaud || DEFAULT_BAUD);
    this.after(Math.max(BOOTLOOP_ROUND_MS, lineMs * 1.25), () => this.bootloop(round + 1));
  }

  private commandContext(): CommandContext {
    return {
      chip: this.chip,
      memory: this.memory,
      reply: (bytes) => this.transmit(Uint8Array.from(bytes), this.hostBaud),
      systemReset: () => this.boot(),
      jump: (target) => {
        this.halt();
        this.current = target;
        if (target === 'app' && this.chip.appBanner) {
          this.after(APP_START_AFTER_JUMP_MS, () =>
            this.transmit(new TextEncoder().encode(this.chip.appBanner), this.chip.appBaud),
          );
        }
      },
    };
  }

  /** Stops whatever runs: the bootloader session and every pending timer. */
  private halt(): void {
    this.session?.close();
    this.session = null;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
  }

  private after(ms: number, fn: () => void): void {
    const cancel = this.clock.setTimer(ms, () => {
      this.timers.delete(cancel);
      fn();
    });
    this.timers.add(cancel);
  }

  private transmit(bytes: Uint8Array, baud: number): void {
    if (bytes.length === 0) return;
    for (const listener of this.listeners) listener(bytes, baud);
  }
}
