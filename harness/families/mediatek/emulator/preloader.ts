/**
 * The Preloader's listening window over UART. It sends `READY` once when the window opens (over USB CDC it would
 * repeat it every ~20 ms while the host asserts DTR; over UART it does not), swallows the first A0 it ever
 * receives without an answer, and if the handshake has not completed when windowMs has passed, boots on (the
 * caller then prints the log).
 */
import type { MediatekChipFacts } from '../schema.js';
import { HANDSHAKE_BYTES } from './constants.js';
import type { TimerSet } from '../../../../firmware-stubs/common/timers.js';

export class PreloaderWindow {
  private stopWindow: () => void = () => {};
  private swallowed = false;

  constructor(
    private readonly chip: MediatekChipFacts,
    private readonly timers: TimerSet,
    private readonly pushReady: () => void,
    private readonly bootOn: () => void,
  ) {}

  open(): void {
    this.pushReady();
    this.stopWindow = this.timers.after(this.chip.preloader.windowMs, () => this.bootOn());
  }

  /**
   * Called for every byte received before sync. Returns true when the byte is the first A0, which the
   * Preloader swallows (no answer, handshake not advanced).
   */
  swallows(byte: number): boolean {
    if (!this.swallowed && byte === HANDSHAKE_BYTES[0]) {
      this.swallowed = true;
      return true;
    }
    return false;
  }

  /** The handshake completed: the Preloader stays in download mode instead of booting on. */
  synced(): void {
    this.stopWindow();
  }
}
