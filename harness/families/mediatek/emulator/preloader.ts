/**
 * The Preloader's listening window over UART. Our model: `READY` once when the window opens and again every
 * readyIntervalMs until the host sends its first byte (so pushes never interleave with handshake answers),
 * the first A0 it ever receives is swallowed without an answer, and if the handshake has not completed when
 * windowMs has passed, the Preloader boots on (the caller then prints the log).
 */
import type { MediatekChipFacts } from '../schema.js';
import { HANDSHAKE_BYTES } from './constants.js';
import type { TimerSet } from '../../../../firmware-stubs/common/timers.js';

export class PreloaderWindow {
  private stopReady: () => void = () => {};
  private stopWindow: () => void = () => {};
  private heardHost = false;
  private swallowed = false;

  constructor(
    private readonly chip: MediatekChipFacts,
    private readonly timers: TimerSet,
    private readonly pushReady: () => void,
    private readonly bootOn: () => void,
  ) {}

  open(): void {
    this.pushReady();
    const interval = this.chip.preloader.readyIntervalMs;
    if (interval > 0) this.stopReady = this.timers.every(interval, this.pushReady);
    this.stopWindow = this.timers.after(this.chip.preloader.windowMs, () => {
      this.stopReady();
      this.bootOn();
    });
  }

  /**
   * Called for every byte received before sync. Returns true when the byte is the first A0, which the
   * Preloader swallows (no answer, handshake not advanced).
   */
  swallows(byte: number): boolean {
    if (!this.heardHost) {
      this.heardHost = true;
      this.stopReady();
    }
    if (!this.swallowed && byte === HANDSHAKE_BYTES[0]) {
      this.swallowed = true;
      return true;
    }
    return false;
  }

  /** The handshake completed: the Preloader stays in download mode instead of booting on. */
  synced(): void {
    this.stopReady();
    this.stopWindow();
  }
}
