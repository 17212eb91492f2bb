/**
 * Relay boards made of an Arduino running StandardFirmata plus a relay shield. johnny-five's Board, with firmata-io
 * as its IO plugin over our own serialport stream, connects and learns the board's pins; the pins themselves are
 * driven with messages built here (FirmataPinImage), because johnny-five's Relay sets the pin mode before any
 * level and firmata-io writes whole ports from a cache of zeros — both moved contacts at every connect.
 *
 * Connecting moves no contact: the state of every pin of the channels' ports is asked first (PIN_STATE_QUERY), a
 * pin that is already an output only gets its safe level, and the other pins of a port are written back as they
 * are. A pin that is not yet an output gets its level and its mode in one serial write (see firmata-pins.ts).
 *
 * Watched: probe() asks for a channel pin's state, which the firmware must answer within `answerTimeoutMs`; a
 * board whose firmware stopped while its USB-serial chip keeps the port open answers nothing.
 *
 * Boot state, and what it means for the bench. StandardFirmata drives every digital pin OUTPUT LOW when it
 * boots or resets (and the Uno resets each time its port is opened, DTR). On an active-low board a LOW input
 * energises the relay: from the end of the firmware's boot until open() applies the safe states, EVERY contact
 * of an active-low board is closed (about 2 s of boot blink on a real Uno, then a few ms until our writes land);
 * before the firmware runs the pins float and the shield's pull-ups keep the relays off. A power, NRST or BOOT0
 * line behind such a board therefore sees a pulse at every open of the port and every relay-board restart:
 * wire power relays so that a closed contact means "off", or use an active-high board, and expect the glitch
 * in the DUT's history. On an active-high board LOW means open, so the boot state is all contacts open. Hence
 * "connecting moves no contact" holds for a board that keeps running while its port is opened: an Uno with its
 * auto-reset disabled (the RESET-EN trace cut, or 10 µF from RESET to GND), or one without auto-reset.
 */
import type { SerialPortStream } from '@serialport/stream';
import firmataIo from 'firmata-io';
import five from 'johnny-five';
import type { RelayBoard, RelayChannel } from '../../config/types.js';
import { InfrastructureError, InputError } from '../../core/exit-codes.js';
import { FirmataPinImage, portPins, type Level, type PinState } from './pins.js';
import { FirmataStreamTransport } from './transport.js';
import { closePort, drainPort, openHardwarePort, watchPort, type OpenPort } from '../open-serial.js';
import { boardChannel, inputLevel, safeClosed } from '../relay-channels.js';
import { LossSignal, messageOf, withTimeout } from '../support.js';
import type { ContactChange, RelayBackend } from '../types.js';

export interface FirmataBackendOptions {
  path: string;
  baudRate?: number;
  openPort?: OpenPort;
  /**
   * How long to wait for the board to answer. A real Uno resets when its port opens: bootloader plus
   * StandardFirmata's boot blink take about 3 s before the first byte.
   */
  readyTimeoutMs?: number;
  /** How long the running firmware may take to answer a query (default 1000 ms; a round trip takes a few ms). */
  answerTimeoutMs?: number;
}

const DEFAULT_BAUD = 57600;
const DEFAULT_READY_TIMEOUT_MS = 10_000;
const DEFAULT_ANSWER_TIMEOUT_MS = 1000;
/** firmata-io asks for the version itself after this long without the boot-time report (its default is 5 s). */
const REPORT_VERSION_TIMEOUT_MS = 250;
/** safe() waits at most this long for its writes to leave. */
const SAFE_DRAIN_MS = 1000;

interface Session {
  port: SerialPortStream;
  transport: FirmataStreamTransport;
  io: InstanceType<typeof firmataIo.Firmata>;
  board: five.Board;
  /** Known after connecting: the pins of every port that holds a channel. */
  image: FirmataPinImage;
  unwatch: () => void;
}

export class FirmataRelayBackend implements RelayBackend {
  private session: Session | null = null;
  private readonly loss = new LossSignal();
  private readonly path: string;
  private readonly baudRate: number;
  private readonly openPort: OpenPort;
  private readonly readyTimeoutMs: number;
  private readonly answerTimeoutMs: number;

  constructor(
    readonly board: RelayBoard,
    options: FirmataBackendOptions,
  ) {
    this.path = options.path;
    this.baudRate = options.baudRate ?? DEFAULT_BAUD;
    this.openPort = options.openPort ?? openHardwarePort;
    this.readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    this.answerTimeoutMs = options.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS;
    for (const channel of board.channels) {
      if (typeof channel.pin !== 'number' || !Number.isInteger(channel.pin) || channel.pin < 0) {
        throw new InputError(`relay board ${board.id}: channel ${channel.id} needs the Arduino pin that drives it (pin:)`);
      }
    }
  }

  async open(): Promise<void> {
    if (this.session) return;
    this.loss.reset();
    let port: SerialPortStream;
    try {
      port = await this.openPort({ path: this.path, baudRate: this.baudRate });
    } catch (error) {
      throw new InfrastructureError(`relay board ${this.board.id}: ${messageOf(error)}`);
    }
    const transport = new FirmataStreamTransport(port);
    const io = new firmataIo.Firmata(transport, { reportVersionTimeout: REPORT_VERSION_TIMEOUT_MS });
    // Both emit 'error'; with no listener that would crash the process.
    io.on('error', () => undefined);
    const board = new five.Board({ io, repl: false, debug: false, sigint: false, timeout: this.readyTimeoutMs });
    board.on('error', () => undefined);
    const session: Session = { port, transport, io, board, image: new FirmataPinImage(new Map()), unwatch: () => undefined };
    try {
      await this.waitReady(session);
      this.checkPins(io);
      // Every pin a port message writes, as far as the board has it (pins 0/1, the serial port, report no modes).
      const pins = portPins(this.board.channels.map((channel) => channel.pin!)).filter(
        (pin) => (io.pins[pin]?.supportedModes.length ?? 0) > 0,
      );
      try {
        session.image = new FirmataPinImage(await this.queryPins(session, pins));
      } catch (error) {
        throw new InfrastructureError(`relay board ${this.board.id}: ${messageOf(error)} while connecting`);
      }
      if (!port.isOpen) throw new InfrastructureError(`relay board ${this.board.id}: ${this.path} closed while connecting`);
    } catch (error) {
      await this.teardown(session);
      throw error;
    }
    this.session = session;
    session.unwatch = watchPort(port, (error) => this.markLost(`port lost (${error.message})`));
    this.watchRestarts(session);
    try {
      await this.drive(session, this.safeLevels());
    } catch (error) {
      throw new InfrastructureError(`relay board ${this.board.id}: could not apply the safe states: ${messageOf(error)}`);
    }
  }

  async set(changes: ContactChange[]): Promise<void> {
    const session = this.usable();
    // Every channel is checked before the first write, so a bad change leaves the board untouched.
    const levels = new Map<number, Level>();
    for (const change of changes) levels.set(boardChannel(this.board, change.channel).pin!, this.levelFor(change.closed));
    try {
      await this.drive(session, levels);
    } catch (error) {
      throw new InfrastructureError(`relay board ${this.board.id}: ${this.loss.describe(error)}`);
    }
  }

  async read(channel: RelayChannel): Promise<boolean | undefined> {
    const own = boardChannel(this.board, channel);
    const session = this.session;
    if (!session || this.loss.error) return undefined;
    const level = session.image.level(own.pin!);
    return level === undefined ? undefined : level === this.levelFor(true);
  }

  /**
   * Asks for the state of the first channel's pin. Rejects when the firmware does not answer within
   * answerTimeoutMs, or answers that the pin is not the output it was set to (the board lost our states).
   */
  async probe(): Promise<void> {
    const session = this.usable();
    const pin = this.board.channels[0]!.pin!;
    let answer: PinState;
    try {
      answer = (await this.queryPins(session, [pin])).get(pin)!;
    } catch (error) {
      throw new InfrastructureError(
        `relay board ${this.board.id} (Firmata on ${this.path}) stopped answering: ${this.loss.describe(error)}; its port is still open`,
      );
    }
    const expected = session.image.level(pin);
    if (answer.mode !== session.io.MODES.OUTPUT || (answer.state & 1) !== expected) {
      throw new InfrastructureError(
        `relay board ${this.board.id}: pin ${pin} is in mode ${answer.mode} at ${answer.state}, not the output at ` +
          `${expected} it was set to (the board no longer holds the contact states)`,
      );
    }
  }

  async safe(): Promise<void> {
    const session = this.session;
    if (!session || !session.port.isOpen) return;
    try {
      await withTimeout(this.drive(session, this.safeLevels()), SAFE_DRAIN_MS);
    } catch {
      // The board is going or gone; nothing more can be done from here.
    }
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (session) await this.teardown(session);
  }

  onLost(listener: (error: Error) => void): void {
    this.loss.listen(listener);
  }

  /** The input level that puts a contact of this board in the wanted state. */
  private levelFor(closed: boolean): Level {
    return inputLevel(this.board, closed) ? 1 : 0;
  }

  private safeLevels(): Map<number, Level> {
    return new Map(this.board.channels.map((channel) => [channel.pin!, this.levelFor(safeClosed(channel))]));
  }

  /** Drives pins to levels in one serial write; resolves when the bytes have left the host. */
  private async drive(session: Session, levels: ReadonlyMap<number, Level>): Promise<void> {
    if (!session.port.isOpen) throw new Error('port is not open');
    const bytes = session.image.drive(levels);
    if (bytes.length > 0) session.port.write(Buffer.from(bytes));
    await drainPort(session.port);
  }

  /** Asks for the state of each pin; rejects when an answer has not come within answerTimeoutMs. */
  private queryPins(session: Session, pins: number[]): Promise<Map<number, PinState>> {
    const { io } = session;
    const answers = new Map<number, PinState>();
    const listeners = new Map<number, () => void>();
    return new Promise((resolve, reject) => {
      const stop = (): void => {
        clearTimeout(timer);
        for (const [pin, listener] of listeners) io.removeListener(`pin-state-${pin}`, listener);
      };
      const timer = setTimeout(() => {
        stop();
        const missing = pins.filter((pin) => !answers.has(pin));
        reject(new Error(`no answer to a pin-state query of pin ${missing.join(', ')} within ${this.answerTimeoutMs} ms`));
      }, this.answerTimeoutMs);
      if (pins.length === 0) {
        stop();
        resolve(answers);
        return;
      }
      for (const pin of pins) {
        const listener = (): void => {
          answers.set(pin, { mode: io.pins[pin]!.mode ?? -1, state: io.pins[pin]!.state ?? 0 });
          if (answers.size < pins.length) return;
          stop();
          resolve(answers);
        };
        listeners.set(pin, listener);
        io.queryPinState(pin, listener);
      }
    });
  }

  private waitReady(session: Session): Promise<void> {
    const { board, port } = session;
    return new Promise((resolve, reject) => {
      let stopWatching = (): void => undefined;
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        stopWatching();
        board.off('ready', onReady);
        board.off('error', noAnswer);
        if (error) reject(error);
        else resolve();
      };
      const noAnswer = (): void =>
        finish(
          new InfrastructureError(
            `relay board ${this.board.id}: no Firmata answer on ${this.path} within ${this.readyTimeoutMs} ms ` +
              `(is StandardFirmata running at ${this.baudRate} baud?)`,
          ),
        );
      const onReady = (): void => finish();
      const timer = setTimeout(noAnswer, this.readyTimeoutMs);
      board.once('ready', onReady);
      // johnny-five's own connect timeout arrives as 'error'.
      board.once('error', noAnswer);
      stopWatching = watchPort(port, (error) =>
        finish(
          new InfrastructureError(`relay board ${this.board.id}: ${this.path} went away while connecting (${error.message})`),
        ),
      );
    });
  }

  private checkPins(io: Session['io']): void {
    for (const channel of this.board.channels) {
      const pin = io.pins[channel.pin!];
      if (!pin || !pin.supportedModes.includes(io.MODES.OUTPUT)) {
        throw new InputError(
          `relay board ${this.board.id}: channel ${channel.id} is on pin ${channel.pin}, ` +
            'which this board cannot drive as an output',
        );
      }
    }
  }

  /**
   * firmata-io asks for the version only before 'ready', and the board answers in order, so every version
   * report after 'ready' is unsolicited: the firmware restarted (and drove every pin LOW).
   */
  private watchRestarts(session: Session): void {
    const { io } = session;
    io.on('reportversion', () => {
      if (this.session !== session) return;
      // What the firmware does at boot, so that safe() puts back modes as well as levels.
      session.image.resetTo((pin) =>
        io.pins[pin]?.supportedModes.includes(io.MODES.ANALOG) ? io.MODES.ANALOG : io.MODES.OUTPUT,
      );
      this.markLost('the board restarted (StandardFirmata drove every pin LOW; contact states are no longer ours)');
    });
  }

  private markLost(reason: string): void {
    this.loss.fire(new InfrastructureError(`relay board ${this.board.id} lost: ${reason}`));
  }

  private usable(): Session {
    if (this.loss.error) throw this.loss.error;
    if (!this.session) throw new InfrastructureError(`relay board ${this.board.id} is not open`);
    return this.session;
  }

  private async teardown(session: Session): Promise<void> {
    session.unwatch();
    session.transport.detach();
    if (session.board.timer) clearTimeout(session.board.timer);
    session.board.timer = null;
    const cached = five.Board.cache.indexOf(session.board);
    if (cached >= 0) five.Board.cache.splice(cached, 1);
    await closePort(session.port);
  }
}
