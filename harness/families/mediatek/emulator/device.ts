/**
 * A MediaTek SoC on a board, as seen from its UART: power and pins decide whether it runs and in which mode
 * (BROM with KCOL0 held at power-on, else Preloader); the mode decides what it sends and how it answers.
 *
 * States: 'off' (no power), 'reset' (powered, held in reset), 'booting' (startup time, input lost), 'brom',
 * 'preloader' (listening; `synced` once the handshake is through), 'booted' (Preloader window passed, log
 * flood at the log baud), 'bootloop' (fault: log flood), 'dead' (fault: silent), 'da' (download agent running).
 *
 * After the handshake the watchdog runs: unless WRITE32 puts the profile's disable value into the watchdog
 * register within chip.watchdogTimeoutMs, the SoC resets and boots again as the pins say at that moment.
 */
import type { BoardProfile } from '../../../config/types.js';
import { mediatekOptionsOf, type MediatekChipFacts, type MediatekMode } from '../schema.js';
import type { Clock } from '../../../core/clock.js';
import type { DeviceFaults } from '../../../../firmware-stubs/device.js';
import { PinDrivenChip } from '../../../../firmware-stubs/common/pin-driven-chip.js';
import { planBoot, type BootPlan } from './boot-plan.js';
import { CommandSession } from './command-session.js';
import type { CommandContext } from './commands.js';
import { DA_RUNNING_MARKER, DEFAULT_WATCHDOG, PROTOCOL_BAUD, READY_TEXT } from './constants.js';
import { Handshake } from './handshake.js';
import { startLogFlood } from './log-flood.js';
import { SparseMemory } from './memory.js';
import { PreloaderWindow } from './preloader.js';
import { asciiBytes } from '../../../../firmware-stubs/common/transmitter.js';

export type MediatekState = 'off' | 'reset' | 'booting' | MediatekMode | 'booted' | 'bootloop' | 'dead' | 'da';

export class MediatekDevice extends PinDrivenChip {
  private readonly memory = new SparseMemory();
  private readonly handshake = new Handshake();
  private readonly watchdog: { address: number; value: number };
  private current: MediatekState = 'off';
  private baud = PROTOCOL_BAUD;
  private session: CommandSession | null = null;
  private preloader: PreloaderWindow | null = null;
  private stopWatchdog: (() => void) | null = null;
  private da: { address: number; length: number } | null = null;
  private bootCount = 0;
  /** Bytes received while an earlier chunk is still being handled (a listener may answer synchronously). */
  private readonly inbox: Uint8Array[] = [];
  private draining = false;

  constructor(
    readonly chip: MediatekChipFacts,
    profile: BoardProfile,
    clock: Clock,
    faults: DeviceFaults = {},
  ) {
    super(profile, clock, faults);
    this.watchdog = { ...(mediatekOptionsOf(profile)?.watchdog ?? DEFAULT_WATCHDOG) };
  }

  get state(): MediatekState {
    return this.current;
  }

  /** The handshake went through and the target is in command mode. */
  get synced(): boolean {
    return this.session !== null;
  }

  /** Times the SoC has started since creation (power-ons, reset releases, watchdog resets). */
  get boots(): number {
    return this.bootCount;
  }

  /** The watchdog is counting down (handshake done, disable value not written yet). */
  get watchdogArmed(): boolean {
    return this.stopWatchdog !== null;
  }

  /** Rate of everything the protocol side sends now (115200 until UART1_SET_BAUDRATE). */
  get uartBaud(): number {
    return this.baud;
  }

  /** A u32 of the emulated memory map, as READ32 would return it. */
  peek(address: number): number {
    return this.memory.read(address);
  }

  receive(bytes: Uint8Array): void {
    if (this.disposed) return;
    this.inbox.push(bytes.slice());
    if (this.draining) return;
    this.draining = true;
    try {
      for (let chunk = this.inbox.shift(); chunk; chunk = this.inbox.shift()) {
        for (const byte of chunk) this.take(byte);
      }
    } finally {
      this.draining = false;
    }
  }

  // ------------------------------------------------------------------ power and boot

  protected startChip(): void {
    this.boot();
  }

  protected stopChip(resting: 'off' | 'reset'): void {
    this.halt(resting);
  }

  /** Everything volatile is lost: timers, sync, memory, the UART rate, a loaded DA. */
  private halt(state: MediatekState): void {
    this.timers.cancelAll();
    this.current = state;
    this.session = null;
    this.preloader = null;
    this.stopWatchdog = null;
    this.da = null;
    this.handshake.reset();
    this.memory.clear();
    this.baud = PROTOCOL_BAUD;
  }

  private boot(): void {
    this.halt('booting');
    this.bootCount++;
    const plan = planBoot(this.pins.isAsserted('kcol0'), this.faults);
    if (plan === 'dead') {
      this.current = 'dead';
      return;
    }
    const startupMs = this.chip.startupMs + Math.max(0, this.faults.extraStartupMs ?? 0);
    this.timers.after(startupMs, () => this.start(plan));
  }

  private start(plan: Exclude<BootPlan, 'dead'>): void {
    const pre = this.chip.preloader;
    switch (plan) {
      case 'bootloop':
        this.current = 'bootloop';
        startLogFlood(this.timers, pre.logText, pre.logBaud, (bytes, baud) => this.tx.send(bytes, baud));
        return;
      case 'brom':
        this.current = 'brom';
        return;
      case 'preloader':
        this.current = 'preloader';
        this.preloader = new PreloaderWindow(
          this.chip,
          this.timers,
          () => this.send(asciiBytes(READY_TEXT)),
          () => this.bootOn(),
        );
        this.preloader.open();
        return;
    }
  }

  /** The Preloader heard no handshake in time and goes on to boot the system, printing its log. */
  private bootOn(): void {
    const pre = this.chip.preloader;
    this.current = 'booted';
    this.preloader = null;
    this.handshake.reset();
    startLogFlood(this.timers, pre.logText, pre.logBaud, (bytes, baud) => this.tx.send(bytes, baud));
  }

  private watchdogReset(): void {
    this.boot();
  }

  // ------------------------------------------------------------------ bytes in

  private take(byte: number): void {
    const mode = this.current;
    if (mode !== 'brom' && mode !== 'preloader') return; // nobody listening: the byte is lost
    if (this.session) {
      this.session.feed(byte);
      return;
    }
    if (mode === 'preloader' && this.preloader?.swallows(byte)) return;
    this.send([this.handshake.answer(byte)]);
    if (this.handshake.synced) this.enterCommandMode(mode);
  }

  private enterCommandMode(mode: MediatekMode): void {
    this.preloader?.synced();
    this.session = new CommandSession(this.commandContext(mode));
    this.stopWatchdog = this.timers.after(this.chip.watchdogTimeoutMs, () => this.watchdogReset());
  }

  private commandContext(mode: MediatekMode): CommandContext {
    return {
      mode,
      chip: this.chip,
      send: (bytes) => this.send(bytes),
      readWord: (address) => this.memory.read(address),
      writeWord: (address, value) => this.writeWord(address, value),
      storeDa: (address, length) => {
        this.da = { address: address >>> 0, length };
      },
      hasDaAt: (address) => this.da !== null && this.da.address === address >>> 0,
      runDa: () => this.runDa(),
      setBaud: (baud) => {
        this.baud = baud;
      },
    };
  }

  private writeWord(address: number, value: number): void {
    this.memory.write(address, value);
    const disablesWatchdog =
      address >>> 0 === this.watchdog.address >>> 0 && value >>> 0 === this.watchdog.value >>> 0;
    if (disablesWatchdog && this.stopWatchdog) {
      this.stopWatchdog();
      this.stopWatchdog = null;
    }
  }

  /** The download agent takes over: it says it runs with one marker byte and then ignores the UART. */
  private runDa(): void {
    this.current = 'da';
    this.session = null;
    this.send([DA_RUNNING_MARKER]);
  }

  private send(bytes: Uint8Array | readonly number[]): void {
    this.tx.send(bytes, this.baud);
  }
}
