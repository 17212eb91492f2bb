/**
 * What the host knows of a StandardFirmata board's pins, and the bytes that move some of them without moving any
 * other. Two firmware facts shape it:
 * - DIGITAL_MESSAGE writes a whole port (8 pins): a pin the message does not mean to change must carry the level
 *   it has now. firmata-io builds the message from its own cache, all zeros until written, so its first write
 *   drove the port's other pins LOW; this image starts from the board's own answers (PIN_STATE_QUERY).
 * - SET_PIN_MODE OUTPUT drives the pin LOW on StandardFirmata up to 2.5.3 whatever was written to it, and keeps
 *   the written level from 2.5.4 on. A pin that is already an output is therefore never sent a mode again; one
 *   that is not gets its level written just before its mode (enough from 2.5.4 on) and again right after it, in
 *   the same serial write, so older firmware drives it LOW for the time of one 3-byte message (0.52 ms at
 *   57600 baud), far below any relay's operate time.
 */
import { FIRMATA, PIN_MODE } from './protocol.js';

export type Level = 0 | 1;

/** A pin as PIN_STATE_RESPONSE reports it: for an output, state is its level; for an input, its pull-up. */
export interface PinState {
  mode: number;
  state: number;
}

const PINS_PER_PORT = 8;

export class FirmataPinImage {
  private readonly pins: Map<number, PinState>;

  /** `known`: the state of every pin of every port that will be written (pins missing are never written). */
  constructor(known: ReadonlyMap<number, PinState>) {
    this.pins = new Map([...known].map(([pin, state]) => [pin, { ...state }]));
  }

  /** The level an output pin drives, or undefined for a pin that is not (known as) an output. */
  level(pin: number): Level | undefined {
    const known = this.pins.get(pin);
    return known?.mode === PIN_MODE.OUTPUT ? levelOf(known.state) : undefined;
  }

  /** The pins this image knows (they are what a port message writes). */
  knownPins(): number[] {
    return [...this.pins.keys()];
  }

  /** StandardFirmata's state after it boots or restarts: analog-capable pins analog inputs, the others OUTPUT LOW. */
  resetTo(defaultMode: (pin: number) => number): void {
    for (const [pin, known] of this.pins) Object.assign(known, { mode: defaultMode(pin), state: 0 });
  }

  /**
   * The bytes (one serial write) that drive every target pin as an output at its level, leaving every other pin
   * as it is; the image follows. Targets must be pins the image knows.
   */
  drive(targets: ReadonlyMap<number, Level>): number[] {
    const bytes: number[] = [];
    const switching = [...targets.keys()].filter((pin) => this.known(pin).mode !== PIN_MODE.OUTPUT);
    for (const pin of switching) {
      const known = this.known(pin);
      // Through INPUT, whose bit in a port message is the pull-up, so that the level can be written before the
      // pin drives: needed from any other mode, and to drop a pull-up the pin must not drive HIGH with.
      if (known.mode !== PIN_MODE.INPUT || (targets.get(pin) === 0 && levelOf(known.state) === 1)) {
        bytes.push(FIRMATA.SET_PIN_MODE, pin, PIN_MODE.INPUT);
        Object.assign(known, { mode: PIN_MODE.INPUT, state: 0 });
      }
    }
    for (const [pin, level] of targets) this.known(pin).state = level;
    for (const port of new Set([...targets.keys()].map(portOf))) bytes.push(...this.portMessage(port));
    for (const pin of switching) {
      bytes.push(FIRMATA.SET_PIN_MODE, pin, PIN_MODE.OUTPUT);
      this.known(pin).mode = PIN_MODE.OUTPUT;
      bytes.push(...this.portMessage(portOf(pin)));
    }
    return bytes;
  }

  private known(pin: number): PinState {
    const known = this.pins.get(pin);
    if (!known) throw new Error(`pin ${pin} is not in the image`);
    return known;
  }

  /** DIGITAL_MESSAGE for a port: each output's level and each input's pull-up as they are in the image. */
  private portMessage(port: number): number[] {
    let value = 0;
    for (let bit = 0; bit < PINS_PER_PORT; bit++) {
      const known = this.pins.get(port * PINS_PER_PORT + bit);
      const written = known && (known.mode === PIN_MODE.OUTPUT || known.mode === PIN_MODE.INPUT);
      if (written && levelOf(known.state) === 1) value |= 1 << bit;
    }
    return [FIRMATA.DIGITAL_MESSAGE | port, value & 0x7f, (value >> 7) & 0x7f];
  }
}

/** The pins of the ports that hold these pins (a port message writes all of them). */
export function portPins(pins: Iterable<number>): number[] {
  const ports = new Set([...pins].map(portOf));
  const first = [...ports].sort((a, b) => a - b).map((port) => port * PINS_PER_PORT);
  return first.flatMap((start) => Array.from({ length: PINS_PER_PORT }, (_, bit) => start + bit));
}

function portOf(pin: number): number {
  return Math.floor(pin / PINS_PER_PORT);
}

function levelOf(state: number): Level {
  return state & 1 ? 1 : 0;
}
