/**
 * An ESP32-family chip on a board, as seen from its pins and UART0. When it starts — power-on, EN (`reset`)
 * released, or the rail coming back after a brown-out — it latches its boot strap (`boot`: GPIO0, GPIO9 on the
 * C3; asserted = held low) and, after its start-up time, prints its ROM banner: `waiting for download` and the
 * ROM loader (loader.ts) when the strap was held, else the flash-boot lines and the application's log.
 *
 * States: 'off', 'reset' (EN held low), 'booting', 'download' (ROM loader listening), 'app' (booted from flash;
 * input ignored), 'ram' (jumped to code loaded with MEM_END: silent), 'bootloop', 'dead'.
 *
 * The ROM prints at 115200 baud (74880 on an ESP32 with a 26 MHz crystal); the loader answers at the rate the
 * host talks at (it measures it from SYNC) until CHANGE_BAUDRATE. Faults: `dead` (no life), `bootloop` (the
 * application crashes and restarts over and over), `forcedMode` 'bootloader' or 'app' (whatever the strap
 * says), `extraStartupMs`.
 */
import type { BoardProfile } from '../../../config/types.js';
import type { Clock } from '../../../core/clock.js';
import type { DeviceFaults } from '../../../../firmware-stubs/device.js';
import { PinDrivenChip } from '../../../../firmware-stubs/common/pin-driven-chip.js';
import { asciiBytes } from '../../../../firmware-stubs/common/transmitter.js';
import { CHIPS, type ChipInfo, type ResetCause } from '../chips.js';
import type { Esp32ChipFacts } from '../schema.js';
import { panicText, romBanner } from './banner.js';
import { RomLoader } from './loader.js';
import { RomMemory } from './memory.js';

export type Esp32State = 'off' | 'reset' | 'booting' | 'download' | 'app' | 'ram' | 'bootloop' | 'dead';

/** The rate of the ROM's UART at 40 MHz, and of the application's console. */
const ROM_BAUD = 115200;
/** A rail back within this long was a dip, not a power-off: the chip reports a brown-out reset. */
export const BROWNOUT_MAX_OFF_MS = 100;
/** A bootlooping application crashes this long after its log, then the chip starts again. */
const CRASH_AFTER_MS = 40;

export class Esp32Device extends PinDrivenChip {
  /** The rate the host talks at; the loader answers at it (a pty server sets its line rate here). */
  hostBaud: number;
  private readonly info: ChipInfo;
  private memory: RomMemory;
  private loader: RomLoader | null = null;
  private loaderBaud: number | null = null;
  private current: Esp32State = 'off';
  private bootCount = 0;

  constructor(
    readonly chip: Esp32ChipFacts,
    profile: BoardProfile,
    clock: Clock,
    faults: DeviceFaults = {},
  ) {
    super(profile, clock, faults);
    this.info = CHIPS[chip.variant];
    this.memory = new RomMemory(chip);
    this.hostBaud = profile.protocol.serial.baudRate || ROM_BAUD;
  }

  get state(): Esp32State {
    return this.current;
  }

  /** Starts since creation (power-ons, EN releases, brown-outs, bootloop restarts). */
  get boots(): number {
    return this.bootCount;
  }

  /** The ROM's UART rate: 115200 scaled by the crystal (74880 with 26 MHz). */
  get romBaud(): number {
    return Math.round((ROM_BAUD * this.chip.crystalMhz) / 40);
  }

  /** A word of the address space, as READ_REG would return it. */
  peek(address: number): number {
    return this.memory.read(address);
  }

  peekBytes(address: number, length: number): Uint8Array {
    return this.memory.readBytes(address, length);
  }

  receive(bytes: Uint8Array): void {
    if (!this.disposed && this.current === 'download') this.loader?.receive(bytes);
  }

  // ------------------------------------------------------------------ power, EN and the strap

  /** A rail back after a short dip is a brown-out reset; a real power-on, or EN, a power-on reset. */
  protected startChip(unpoweredMs: number | null): void {
    this.boot(unpoweredMs !== null && unpoweredMs < BROWNOUT_MAX_OFF_MS ? 'brownout' : 'poweron');
  }

  protected stopChip(resting: 'off' | 'reset'): void {
    this.halt(resting);
  }

  /** Everything volatile is lost: timers, the loader and what it was told, RAM contents. */
  private halt(state: Esp32State): void {
    this.timers.cancelAll();
    this.current = state;
    this.loader = null;
    this.loaderBaud = null;
    this.memory = new RomMemory(this.chip);
  }

  /** The strap is latched as the chip leaves reset; the banner follows after the start-up time. */
  private boot(cause: ResetCause): void {
    this.halt('booting');
    this.bootCount++;
    if (this.faults.dead) return void (this.current = 'dead');
    const forced = this.faults.forcedMode;
    const download = forced === 'bootloader' ? true : forced === 'app' ? false : this.pins.strapAsserted();
    const startupMs = this.chip.startupMs + Math.max(0, this.faults.extraStartupMs ?? 0);
    if (this.faults.bootloop) {
      this.current = 'bootloop';
      this.timers.after(startupMs, () => this.bootloopRound(cause, 0));
      return;
    }
    this.timers.after(startupMs, () => (download ? this.enterDownload(cause) : this.runApp(cause)));
  }

  private enterDownload(cause: ResetCause): void {
    this.current = 'download';
    this.print(romBanner(this.info, cause, true), this.romBaud);
    this.loader = new RomLoader(this.chip, {
      memory: this.memory,
      send: (frame) => this.tx.send(frame, this.loaderBaud ?? this.hostBaud),
      hostBaud: () => this.hostBaud,
      setBaud: (baud) => (this.loaderBaud = baud),
      jump: () => {
        this.current = 'ram';
        this.loader = null;
      },
    });
  }

  private runApp(cause: ResetCause): void {
    this.current = 'app';
    this.print(romBanner(this.info, cause, false), this.romBaud);
    this.print(this.chip.appLog, ROM_BAUD);
  }

  /** The application starts, crashes, and the chip restarts (a software reset), again and again. */
  private bootloopRound(cause: ResetCause, round: number): void {
    const text = romBanner(this.info, cause, false) + this.chip.appLog + panicText(round);
    this.print(text, this.romBaud);
    const lineMs = (text.length * 10 * 1000) / this.romBaud;
    this.timers.after(lineMs + CRASH_AFTER_MS + this.chip.startupMs, () => {
      this.bootCount++;
      this.bootloopRound('software', round + 1);
    });
  }

  private print(text: string, baud: number): void {
    this.tx.send(asciiBytes(text), baud);
  }
}
