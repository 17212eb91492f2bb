/**
 * An LCUS-n USB relay module (CH340 at 9600 8N1) as its host sees it: frames `A0 ch state sum` switch relay
 * `ch` (1-based) off (state 0) or on (state 1); sum = (A0 + ch + state) & FF. Frames with a bad sum, an unknown
 * channel or state are ignored, as the module's firmware does, and never answered. A multi-channel module answers
 * the status query FF between frames with one text line per relay (`CH1:OFF\r\n`, one of the formats found on
 * these modules); an LCUS-1 ignores it. The parser hunts for the next A0 after any bad byte, so garbage cannot
 * wedge it.
 *
 * `hang()` plays firmware that stopped while the CH340 keeps the port open: nothing switches or answers until
 * the module loses power.
 */
import type { Clock } from '../../harness/core/clock.js';
import { realClock } from '../../harness/core/clock.js';
import type { DeviceFaults, EmulatedDevice } from '../device.js';

export const LCUS_BAUD = 9600;
const START = 0xa0;
const STATUS_QUERY = 0xff;
const FRAME_LENGTH = 4;

export interface LcusRelayChange {
  /** Clock time the frame completed. */
  at: number;
  channel: number;
  closed: boolean;
}

export class FakeLcusModule implements EmulatedDevice {
  /** Every accepted frame, in order (a frame that repeats the current state is still listed). */
  readonly log: LcusRelayChange[] = [];
  /** Frames dropped: bad sum, channel out of range, unknown state. */
  badFrames = 0;
  /** Bytes skipped while hunting for a frame start. */
  skippedBytes = 0;

  private readonly relays: boolean[];
  private readonly clock: Clock;
  private readonly changeListeners: Array<(change: LcusRelayChange) => void> = [];
  private readonly transmitListeners: Array<(bytes: Uint8Array, baud: number) => void> = [];
  private readonly answersStatus: boolean;
  private buffer: number[] = [];
  private powered = true;
  private hung = false;

  constructor(
    readonly channels: number,
    options: { clock?: Clock; answersStatus?: boolean } = {},
  ) {
    this.clock = options.clock ?? realClock;
    this.relays = Array.from({ length: channels }, () => false);
    this.answersStatus = options.answersStatus ?? channels > 1;
  }

  get state(): string {
    if (!this.powered) return 'off';
    return this.hung ? 'hung' : 'on';
  }

  /** Whether relay ch (1-based) is energised (contact closed). */
  closed(channel: number): boolean {
    return this.relays[channel - 1] ?? false;
  }

  states(): boolean[] {
    return [...this.relays];
  }

  receive(bytes: Uint8Array): void {
    if (!this.powered || this.hung) return;
    for (const byte of bytes) {
      if (this.buffer.length === 0 && byte === STATUS_QUERY && this.answersStatus) {
        this.sendStatus();
        continue;
      }
      if (this.buffer.length === 0 && byte !== START) {
        this.skippedBytes += 1;
        continue;
      }
      this.buffer.push(byte);
      if (this.buffer.length === FRAME_LENGTH) this.takeFrame();
    }
  }

  /** Called for every accepted frame: lets a test wire the module's contacts to a board's pins. */
  onChange(listener: (change: LcusRelayChange) => void): void {
    this.changeListeners.push(listener);
  }

  /** Only status answers are ever transmitted. */
  onTransmit(listener: (bytes: Uint8Array, baud: number) => void): void {
    this.transmitListeners.push(listener);
  }

  /** The firmware stops while the port stays open: frames and queries go unheard until power is lost. */
  hang(): void {
    if (this.powered) this.hung = true;
  }

  setPin(_name: string, _asserted: boolean): void {}

  /** Losing USB power releases every relay. */
  setPower(on: boolean): void {
    if (on === this.powered) return;
    this.powered = on;
    this.hung = false;
    this.buffer = [];
    if (!on) this.relays.fill(false);
  }

  setFaults(_faults: DeviceFaults): void {}

  dispose(): void {
    this.transmitListeners.length = 0;
  }

  private sendStatus(): void {
    const text = this.relays.map((closed, i) => `CH${i + 1}:${closed ? 'ON' : 'OFF'}\r\n`).join('');
    const bytes = Uint8Array.from(Buffer.from(text, 'latin1'));
    for (const listener of this.transmitListeners) listener(bytes, LCUS_BAUD);
  }

  private takeFrame(): void {
    const [start, channel, state, sum] = this.buffer as [number, number, number, number];
    const valid = ((start + channel + state) & 0xff) === sum && channel >= 1 && channel <= this.channels && state <= 1;
    if (valid) {
      this.buffer = [];
      this.relays[channel - 1] = state === 1;
      const change = { at: this.clock.now(), channel, closed: state === 1 };
      this.log.push(change);
      for (const listener of this.changeListeners) listener(change);
      return;
    }
    this.badFrames += 1;
    // Resynchronise: the frame may have started at a later A0 inside these bytes.
    const rest = this.buffer.slice(1);
    this.buffer = [];
    this.skippedBytes += 1;
    for (const byte of rest) {
      if (this.buffer.length === 0 && byte !== START) {
        this.skippedBytes += 1;
        continue;
      }
      this.buffer.push(byte);
    }
  }
}
