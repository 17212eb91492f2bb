/**
 * A KMTronic USB relay board (FT232 at 9600 8N1) as its host sees it: `FF ch 01` closes relay ch (1-based),
 * `FF ch 00` opens it, `FF 09 00` is answered with one byte per relay (1 closed, 0 open); a command for a relay it
 * does not have, or with another state, is ignored. Bytes are taken three at a time after an FF, so garbage
 * before an FF is skipped. `hang()` plays firmware that stopped with its port open; `restart()` one that restarted
 * (every relay released). `answerPauseMs` plays a USB adapter that flushes the answer in two parts, its first
 * byte alone.
 */
import type { DeviceFaults, EmulatedDevice } from '../../firmware-stubs/device.js';

const COMMAND = 0xff;
const STATUS = 0x09;

export class FakeKmtronicBoard implements EmulatedDevice {
  /** Every accepted command, in order. */
  readonly log: Array<{ relay: number; closed: boolean }> = [];
  /** Every byte that reached the board. */
  readonly raw: number[] = [];
  private readonly relays: boolean[];
  private readonly listeners: Array<(bytes: Uint8Array, baud: number) => void> = [];
  private readonly changeListeners: Array<(change: { relay: number; closed: boolean }) => void> = [];
  private buffer: number[] = [];
  private hung = false;

  constructor(
    relays: number,
    initial: boolean[] = [],
    private readonly answerPauseMs = 0,
  ) {
    this.relays = Array.from({ length: relays }, (_, i) => initial[i] ?? false);
  }

  get state(): string {
    return this.hung ? 'hung' : 'on';
  }

  states(): boolean[] {
    return [...this.relays];
  }

  receive(bytes: Uint8Array): void {
    this.raw.push(...bytes);
    if (this.hung) return;
    for (const byte of bytes) {
      if (this.buffer.length === 0 && byte !== COMMAND) continue;
      this.buffer.push(byte);
      if (this.buffer.length === 3) this.take(this.buffer[1]!, this.buffer[2]!);
    }
  }

  onTransmit(listener: (bytes: Uint8Array, baud: number) => void): void {
    this.listeners.push(listener);
  }

  /** Called for every accepted command: lets a test wire the relays to a board's pins. */
  onChange(listener: (change: { relay: number; closed: boolean }) => void): void {
    this.changeListeners.push(listener);
  }

  hang(): void {
    this.hung = true;
  }

  restart(): void {
    this.relays.fill(false);
  }

  setPin(_name: string, _asserted: boolean): void {}
  setPower(_on: boolean): void {}
  setFaults(_faults: DeviceFaults): void {}

  dispose(): void {
    this.listeners.length = 0;
  }

  private take(relay: number, state: number): void {
    this.buffer = [];
    if (relay === STATUS && state === 0) {
      const answer = Uint8Array.from(this.relays.map((closed) => (closed ? 1 : 0)));
      const emit = (bytes: Uint8Array) => {
        for (const listener of this.listeners) listener(bytes, 9600);
      };
      if (this.answerPauseMs <= 0) return emit(answer);
      emit(answer.subarray(0, 1));
      setTimeout(() => emit(answer.subarray(1)), this.answerPauseMs);
      return;
    }
    if (relay < 1 || relay > this.relays.length || state > 1) return;
    this.relays[relay - 1] = state === 1;
    const change = { relay, closed: state === 1 };
    this.log.push(change);
    for (const listener of this.changeListeners) listener(change);
  }
}
