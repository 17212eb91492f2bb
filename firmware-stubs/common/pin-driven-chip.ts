/**
 * What every emulated chip does the same way with its board: it runs while it has power (the supply, and the
 * profile's power pins if it has any) and is not held in reset (a pin with role reset); it starts when that
 * becomes true and stops when it ends. A subclass says what starting and stopping mean for its boot ROM.
 */
import type { BoardProfile } from '../../harness/config/types.js';
import type { Clock } from '../../harness/core/clock.js';
import type { DeviceFaults, EmulatedDevice } from '../device.js';
import { BoardPins } from './board-pins.js';
import { TimerSet } from './timers.js';
import { Transmitter, type TransmitListener } from './transmitter.js';

export abstract class PinDrivenChip implements EmulatedDevice {
  protected readonly pins: BoardPins;
  protected readonly timers: TimerSet;
  protected readonly tx = new Transmitter();
  protected faults: DeviceFaults;
  protected disposed = false;
  private supplied = false;
  private running = false;
  /** Since when the chip has been without power (null while powered). */
  private unpoweredSince: number | null = null;
  private everStarted = false;

  constructor(
    profile: BoardProfile,
    protected readonly clock: Clock,
    faults: DeviceFaults = {},
  ) {
    this.pins = new BoardPins(profile);
    this.timers = new TimerSet(clock);
    this.faults = { ...faults };
  }

  abstract get state(): string;
  abstract receive(bytes: Uint8Array): void;

  /**
   * The chip starts: power came, or reset was released. `unpoweredMs` is how long it was without power just
   * before — null when it only left reset, or on its very first start.
   */
  protected abstract startChip(unpoweredMs: number | null): void;

  /** The chip is not running: without power ('off') or held in reset ('reset'). Called again while it stays so. */
  protected abstract stopChip(resting: 'off' | 'reset'): void;

  setPin(name: string, asserted: boolean): void {
    this.pins.set(name, asserted);
    this.applyPower();
  }

  setPower(on: boolean): void {
    this.supplied = on;
    this.applyPower();
  }

  onTransmit(listener: TransmitListener): void {
    this.tx.subscribe(listener);
  }

  setFaults(faults: DeviceFaults): void {
    this.faults = { ...faults };
  }

  dispose(): void {
    this.disposed = true;
    this.stopChip('off');
    this.running = false;
    this.tx.clear();
  }

  private applyPower(): void {
    if (this.disposed) return;
    const powered = this.pins.powered(this.supplied);
    if (!powered) this.unpoweredSince ??= this.clock.now();
    const run = this.pins.running(this.supplied);
    const changed = run !== this.running;
    this.running = run;
    if (!run) return this.stopChip(powered ? 'reset' : 'off');
    if (!changed) return;
    const unpoweredMs = this.everStarted && this.unpoweredSince !== null ? this.clock.now() - this.unpoweredSince : null;
    this.unpoweredSince = null;
    this.everStarted = true;
    this.startChip(unpoweredMs);
  }
}
