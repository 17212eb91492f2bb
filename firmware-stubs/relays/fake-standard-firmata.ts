/**
 * An Arduino Uno running StandardFirmata, as far as a host on its serial port can tell: the Firmata relay
 * backend's counterpart in tests and on a pseudo-terminal (57600 baud).
 *
 * Boot (power-on or reset): pins float while the firmware starts (`bootMs`, about 2.1 s of LED blink on a real
 * board, bytes received meanwhile are lost), then it reports its protocol version (F9 02 04) and its name and
 * version (sysex 0x79), and resets the pins: digital pins 2–13 OUTPUT LOW, A0–A5 (14–19) analog inputs, as
 * the real firmware does. Pins 0/1 are the serial port and take no commands.
 *
 * Answered: version and firmware queries, CAPABILITY_QUERY, ANALOG_MAPPING_QUERY, PIN_STATE_QUERY, SET_PIN_MODE,
 * DIGITAL_MESSAGE (a port at a time: OUTPUT pins follow, INPUT pins take the bit as their pull-up),
 * REPORT_DIGITAL (sends the port once), SYSTEM_RESET (modes back to their boot defaults). Not emulated: analog
 * readings, PWM, servo, I2C.
 *
 * Two firmware versions, as they differ where relays are concerned:
 * - `2.4` (the default; the StandardFirmata hex most boards were flashed with): SET_PIN_MODE OUTPUT drives the pin
 *   LOW before making it an output, whatever was written to it; an INPUT pin takes a 0 bit as "pull-up off";
 *   SET_DIGITAL_PIN_VALUE and the PULLUP mode do not exist.
 * - `2.5` (2.5.4 and later): OUTPUT keeps the level last written to the pin (LOW only after PWM);
 *   SET_DIGITAL_PIN_VALUE and PULLUP exist; a 0 bit leaves an INPUT pin's pull-up alone.
 *
 * `hang()` plays firmware that stopped (a crash, a wedged loop) while the USB-serial chip keeps the port open:
 * pins hold their levels, nothing is read or answered until a reset or a power cycle.
 *
 * For tests it keeps every pin's mode and the level it drives (0/1, or null when not driven), and a log of level
 * changes with the clock time and the count of bytes received when each happened (at the line's baud, a
 * distance in bytes is a distance in time that no timer jitter blurs).
 */
import type { Clock } from '../../harness/core/clock.js';
import { realClock } from '../../harness/core/clock.js';
import type { DeviceFaults, EmulatedDevice } from '../device.js';
import { encodeTwoSevenBit, FIRMATA, FirmataMessageReader, PIN_MODE, type FirmataMessage } from './firmata-messages.js';

export const FIRMATA_BAUD = 57600;
export const UNO_PIN_COUNT = 20;
const FIRST_ANALOG_PIN = 14;
const PWM_PINS = new Set([3, 5, 6, 9, 10, 11]);
const I2C_PINS = new Set([18, 19]);

export type FirmataVersion = '2.4' | '2.5';

/** The level a pin drives: 0, 1, or null (input, analog, or not powered). */
export type PinLevel = 0 | 1 | null;

export interface PinLevelChange {
  /** Clock time of the change. */
  at: number;
  /** Bytes received from the host (since the fake was made) when the change happened. */
  rxBytes: number;
  pin: number;
  level: PinLevel;
  /** What caused it. */
  cause: 'boot' | 'command' | 'power';
}

export interface FakeFirmataOptions {
  clock?: Clock;
  /** Time from power-on/reset to the version report (the real board blinks its LED for about 2.1 s). */
  bootMs?: number;
  /** Firmware name in the REPORT_FIRMWARE answer. */
  firmwareName?: string;
  /** Start powered (boots at once); false waits for setPower(true). */
  powered?: boolean;
  /** Firmware version (default 2.4). */
  version?: FirmataVersion;
}

interface PinState {
  mode: number;
  /** The output latch (PORTx bit): drives the pin in OUTPUT mode, is the pull-up in INPUT mode. */
  latch: 0 | 1;
  /** What PIN_STATE_QUERY reports. */
  state: number;
}

const isDigital = (pin: number): boolean => pin >= 2 && pin < UNO_PIN_COUNT;
const isAnalog = (pin: number): boolean => pin >= FIRST_ANALOG_PIN && pin < UNO_PIN_COUNT;

/** Modes and resolutions each pin reports, in the order StandardFirmata lists them. */
function capabilities(pin: number, version: FirmataVersion): Array<[mode: number, resolution: number]> {
  const out: Array<[number, number]> = [];
  if (isDigital(pin)) out.push([PIN_MODE.INPUT, 1]);
  if (isDigital(pin) && version === '2.5') out.push([PIN_MODE.PULLUP, 1]);
  if (isDigital(pin)) out.push([PIN_MODE.OUTPUT, 1]);
  if (isAnalog(pin)) out.push([PIN_MODE.ANALOG, 10]);
  if (PWM_PINS.has(pin)) out.push([PIN_MODE.PWM, 8]);
  if (isDigital(pin)) out.push([PIN_MODE.SERVO, 14]);
  if (I2C_PINS.has(pin)) out.push([PIN_MODE.I2C, 1]);
  return out;
}

export class FakeStandardFirmata implements EmulatedDevice {
  /** Every pin level change since creation. */
  readonly log: PinLevelChange[] = [];
  /** Completed boots (power-ons and resets that reached the version report). */
  bootCount = 0;
  /** Messages handled, for tests. */
  messagesHandled = 0;
  /** Bytes that reached the board from the host (while booting or hung too). */
  rxBytes = 0;
  readonly version: FirmataVersion;

  private readonly clock: Clock;
  private readonly bootMs: number;
  private readonly firmwareName: string;
  private readonly reader = new FirmataMessageReader();
  private readonly listeners: Array<(bytes: Uint8Array, baud: number) => void> = [];
  private readonly levelListeners: Array<(change: PinLevelChange) => void> = [];
  private readonly pins: PinState[];
  private powered = false;
  private running = false;
  private hung = false;
  private cancelBoot: (() => void) | null = null;

  constructor(options: FakeFirmataOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.bootMs = options.bootMs ?? 0;
    this.firmwareName = options.firmwareName ?? 'StandardFirmata.ino';
    this.version = options.version ?? '2.4';
    this.pins = Array.from({ length: UNO_PIN_COUNT }, () => ({ mode: PIN_MODE.INPUT, latch: 0 as const, state: 0 }));
    if (options.powered ?? true) this.setPower(true);
  }

  get state(): string {
    if (!this.powered) return 'off';
    if (this.hung) return 'hung';
    return this.running ? 'running' : 'booting';
  }

  /** Bytes ignored by the firmware's parser (stray data, unknown commands). */
  get ignoredBytes(): number {
    return this.reader.ignored;
  }

  /** The level pin drives now. */
  level(pin: number): PinLevel {
    const state = this.pins[pin];
    if (!state || !this.running || !isDigital(pin)) return null;
    return state.mode === PIN_MODE.OUTPUT ? state.latch : null;
  }

  levels(): PinLevel[] {
    return this.pins.map((_, pin) => this.level(pin));
  }

  /** The pin's Firmata mode, or undefined while the firmware is not running. */
  mode(pin: number): number | undefined {
    return this.running ? this.pins[pin]?.mode : undefined;
  }

  receive(bytes: Uint8Array): void {
    // While the board boots (bootloader, LED blink) or hangs nothing listens for Firmata.
    if (!this.running || this.hung) {
      this.rxBytes += bytes.length;
      return;
    }
    // Byte by byte: a message takes effect when its last byte is in, which is what rxBytes says.
    for (const byte of bytes) {
      this.rxBytes += 1;
      for (const message of this.reader.push(Uint8Array.of(byte))) {
        this.messagesHandled += 1;
        this.handle(message);
      }
    }
  }

  /** The firmware stops (crash, wedged loop) while the port stays open: pins hold, nothing is read or answered. */
  hang(): void {
    if (this.running) this.hung = true;
  }

  onTransmit(listener: (bytes: Uint8Array, baud: number) => void): void {
    this.listeners.push(listener);
  }

  /** Called for every logged level change: lets a test wire the relays this pin drives to a board's pins. */
  onLevel(listener: (change: PinLevelChange) => void): void {
    this.levelListeners.push(listener);
  }

  /** Board pins of a DUT profile mean nothing here. */
  setPin(_name: string, _asserted: boolean): void {}

  setPower(on: boolean): void {
    if (on === this.powered) return;
    this.powered = on;
    if (on) {
      this.startBoot();
      return;
    }
    this.stopBoot();
    this.changeLevels(() => {
      this.running = false;
    }, 'power');
  }

  /** A hardware reset (the Uno's DTR auto-reset, or its button): the chip restarts and boots again. */
  reset(): void {
    if (!this.powered) return;
    this.stopBoot();
    this.changeLevels(() => {
      this.running = false;
    }, 'boot');
    this.startBoot();
  }

  setFaults(_faults: DeviceFaults): void {}

  dispose(): void {
    this.stopBoot();
    this.listeners.length = 0;
    this.levelListeners.length = 0;
  }

  private startBoot(): void {
    this.hung = false;
    this.reader.reset();
    // The chip's reset clears every latch; pins stay inputs until the firmware sets them up.
    for (const pin of this.pins) Object.assign(pin, { mode: PIN_MODE.INPUT, latch: 0, state: 0 });
    this.cancelBoot = this.clock.setTimer(this.bootMs, () => {
      this.cancelBoot = null;
      this.bootCount += 1;
      this.running = true;
      this.sendVersion();
      this.sendFirmware();
      this.changeLevels(() => this.systemReset(), 'boot');
    });
  }

  private stopBoot(): void {
    this.cancelBoot?.();
    this.cancelBoot = null;
  }

  /** StandardFirmata's pin defaults: analog pins to analog input, other digital pins to OUTPUT. */
  private systemReset(): void {
    for (let pin = 0; pin < UNO_PIN_COUNT; pin++) {
      if (isAnalog(pin)) this.setMode(pin, PIN_MODE.ANALOG);
      else if (isDigital(pin)) this.setMode(pin, PIN_MODE.OUTPUT);
    }
  }

  private handle(message: FirmataMessage): void {
    if (message.kind === 'sysex') {
      this.handleSysex(message.id, message.data);
      return;
    }
    const { command, data } = message;
    const high = command & 0xf0;
    if (high === FIRMATA.DIGITAL_MESSAGE) {
      this.changeLevels(() => this.writePort(command & 0x0f, data[0]! | (data[1]! << 7)), 'command');
    } else if (high === FIRMATA.REPORT_DIGITAL) {
      if (data[0]) this.sendPort(command & 0x0f);
    } else if (command === FIRMATA.SET_PIN_MODE) {
      this.changeLevels(() => this.setMode(data[0]!, data[1]!), 'command');
    } else if (command === FIRMATA.SET_DIGITAL_PIN_VALUE) {
      // Unknown to 2.4: its parser drops the command and then its data bytes.
      if (this.version === '2.5') this.changeLevels(() => this.writePin(data[0]!, data[1]! ? 1 : 0), 'command');
    } else if (command === FIRMATA.REPORT_VERSION) {
      this.sendVersion();
    } else if (command === FIRMATA.SYSTEM_RESET) {
      this.changeLevels(() => this.systemReset(), 'command');
    }
    // REPORT_ANALOG and ANALOG_MESSAGE are accepted and do nothing here.
  }

  private handleSysex(id: number, data: number[]): void {
    switch (id) {
      case FIRMATA.REPORT_FIRMWARE:
        this.sendFirmware();
        return;
      case FIRMATA.CAPABILITY_QUERY: {
        const body: number[] = [];
        for (let pin = 0; pin < UNO_PIN_COUNT; pin++) {
          for (const [mode, resolution] of capabilities(pin, this.version)) body.push(mode, resolution);
          body.push(0x7f);
        }
        this.sendSysex(FIRMATA.CAPABILITY_RESPONSE, body);
        return;
      }
      case FIRMATA.ANALOG_MAPPING_QUERY:
        this.sendSysex(
          FIRMATA.ANALOG_MAPPING_RESPONSE,
          this.pins.map((_, pin) => (isAnalog(pin) ? pin - FIRST_ANALOG_PIN : 0x7f)),
        );
        return;
      case FIRMATA.PIN_STATE_QUERY: {
        const pin = data[0];
        if (pin === undefined || pin >= UNO_PIN_COUNT) return;
        const state = this.pins[pin]!;
        const mode = isDigital(pin) ? state.mode : PIN_MODE.IGNORE;
        const body = [pin, mode, state.state & 0x7f];
        for (let rest = state.state >> 7; rest > 0; rest >>= 7) body.push(rest & 0x7f);
        this.sendSysex(FIRMATA.PIN_STATE_RESPONSE, body);
        return;
      }
      default:
      // SAMPLING_INTERVAL and everything else: accepted silently.
    }
  }

  private setMode(pin: number, mode: number): void {
    if (!isDigital(pin)) return;
    if (!capabilities(pin, this.version).some(([supported]) => supported === mode)) return;
    const state = this.pins[pin]!;
    const previous = state.mode;
    state.state = 0;
    if (mode === PIN_MODE.ANALOG || mode === PIN_MODE.INPUT) state.latch = 0;
    else if (mode === PIN_MODE.PULLUP) state.latch = 1;
    // 2.4 writes LOW before it enables the output driver ("disable PWM"), whatever the pin was; 2.5.4 and later
    // do so only after PWM and otherwise drive what was last written to the pin.
    else if (mode === PIN_MODE.OUTPUT && (this.version === '2.4' || previous === PIN_MODE.PWM)) state.latch = 0;
    state.mode = mode;
  }

  private writePort(port: number, value: number): void {
    for (let bit = 0; bit < 8; bit++) {
      const pin = port * 8 + bit;
      if (!isDigital(pin)) continue;
      const state = this.pins[pin]!;
      const level = ((value >> bit) & 1) as 0 | 1;
      if (state.mode === PIN_MODE.OUTPUT) {
        state.latch = level;
        state.state = level;
      } else if (state.mode === PIN_MODE.INPUT) {
        // The bit is the input's pull-up: 2.4 writes it either way, 2.5 only turns it on (kept for old clients).
        if (level === 1 || this.version === '2.4') state.latch = level;
        state.state = level;
      }
    }
  }

  private writePin(pin: number, level: 0 | 1): void {
    const state = this.pins[pin];
    if (!state || !isDigital(pin) || state.mode !== PIN_MODE.OUTPUT) return;
    state.latch = level;
    state.state = level;
  }

  /** What the inputs of a port read: nothing is connected, so a pulled-up input reads 1, others 0. */
  private sendPort(port: number): void {
    let value = 0;
    for (let bit = 0; bit < 8; bit++) {
      const state = this.pins[port * 8 + bit];
      if (!state) continue;
      const pulledUp = (state.mode === PIN_MODE.INPUT && state.latch === 1) || state.mode === PIN_MODE.PULLUP;
      if (pulledUp) value |= 1 << bit;
    }
    this.send([FIRMATA.DIGITAL_MESSAGE | port, value & 0x7f, (value >> 7) & 0x7f]);
  }

  /** Runs a change and logs every pin whose driven level differs afterwards. */
  private changeLevels(change: () => void, cause: PinLevelChange['cause']): void {
    const before = this.levels();
    change();
    const at = this.clock.now();
    this.levels().forEach((level, pin) => {
      if (level === before[pin]) return;
      const entry: PinLevelChange = { at, rxBytes: this.rxBytes, pin, level, cause };
      this.log.push(entry);
      for (const listener of this.levelListeners) listener(entry);
    });
  }

  /** Protocol and firmware versions: the same two numbers in both sketches. */
  private versionBytes(): number[] {
    return this.version.split('.').map(Number);
  }

  private sendVersion(): void {
    this.send([FIRMATA.REPORT_VERSION, ...this.versionBytes()]);
  }

  private sendFirmware(): void {
    this.sendSysex(FIRMATA.REPORT_FIRMWARE, [...this.versionBytes(), ...encodeTwoSevenBit(this.firmwareName)]);
  }

  private sendSysex(id: number, body: number[]): void {
    this.send([FIRMATA.START_SYSEX, id, ...body, FIRMATA.END_SYSEX]);
  }

  private send(bytes: number[]): void {
    const out = Uint8Array.from(bytes);
    for (const listener of this.listeners) listener(out, FIRMATA_BAUD);
  }
}
