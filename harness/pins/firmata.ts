/**
 * Relay boards made of an Arduino running StandardFirmata plus a relay shield, driven through johnny-five over
 * our own serialport stream (firmata-io as the IO plugin; johnny-five's own serial stack is not used).
 *
 * Boot state, and what it means for the bench. StandardFirmata drives every digital pin OUTPUT LOW when it
 * boots or resets (and the Uno resets each time its port is opened, DTR). On an active-low board a LOW input
 * energises the relay: from the end of the firmware's boot until open() applies the safe states, EVERY contact
 * of an active-low board is closed (about 2 s of boot blink on a real Uno, then a few ms until our writes land);
 * before the firmware runs the pins float and the shield's pull-ups keep the relays off. A power, NRST or BOOT0
 * line behind such a board therefore sees a pulse at every open of the port and every relay-board restart:
 * wire power relays so that a closed contact means "off", or use an active-high board, and expect the glitch
 * in the DUT's history. On an active-high board LOW means open, so the boot state is all contacts open.
 */
import type { SerialPortStream } from '@serialport/stream';
import firmataIo from 'firmata-io';
import five from 'johnny-five';
import type { RelayBoard, RelayChannel } from '../config/types.js';
import { InfrastructureError, InputError } from '../core/exit-codes.js';
import { FirmataStreamTransport } from './firmata-transport.js';
import { closePort, drainPort, openHardwarePort, watchPort, type OpenPort } from './open-serial.js';
import { boardChannel, inputLevel, safeClosed } from './relay-channels.js';
import { LossSignal, messageOf, withTimeout } from './support.js';
import type { ContactChange, RelayBackend } from './types.js';

export interface FirmataBackendOptions {
  path: string;
  baudRate?: number;
  openPort?: OpenPort;
  /**
   * How long to wait for the board to answer. A real Uno resets when its port opens: bootloader plus
   * StandardFirmata's boot blink take about 3 s before the first byte.
   */
  readyTimeoutMs?: number;
}

const DEFAULT_BAUD = 57600;
const DEFAULT_READY_TIMEOUT_MS = 10_000;
/** firmata-io asks for the version itself after this long without the boot-time report (its default is 5 s). */
const REPORT_VERSION_TIMEOUT_MS = 250;
/** safe() waits at most this long for its writes to leave. */
const SAFE_DRAIN_MS = 1000;

interface Session {
  port: SerialPortStream;
  transport: FirmataStreamTransport;
  io: InstanceType<typeof firmataIo.Firmata>;
  board: five.Board;
  relays: Map<string, { channel: RelayChannel; relay: five.Relay }>;
  unwatch: () => void;
}

export class FirmataRelayBackend implements RelayBackend {
  private session: Session | null = null;
  private readonly loss = new LossSignal();
  private readonly path: string;
  private readonly baudRate: number;
  private readonly openPort: OpenPort;
  private readonly readyTimeoutMs: number;

  constructor(
    readonly board: RelayBoard,
    options: FirmataBackendOptions,
  ) {
    this.path = options.path;
    this.baudRate = options.baudRate ?? DEFAULT_BAUD;
    this.openPort = options.openPort ?? openHardwarePort;
    this.readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
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
    const session: Session = { port, transport, io, board, relays: new Map(), unwatch: () => undefined };
    try {
      await this.waitReady(session);
      this.checkPins(io);
      for (const channel of this.board.channels) {
        session.relays.set(channel.id, { channel, relay: this.makeRelay(session, channel) });
      }
      if (!port.isOpen) throw new InfrastructureError(`relay board ${this.board.id}: ${this.path} closed while connecting`);
    } catch (error) {
      await this.teardown(session);
      throw error;
    }
    this.session = session;
    session.unwatch = watchPort(port, (error) => this.markLost(`port lost (${error.message})`));
    this.watchRestarts(session);
    this.applySafe(session);
    try {
      await drainPort(port);
    } catch (error) {
      throw new InfrastructureError(`relay board ${this.board.id}: could not apply the safe states: ${messageOf(error)}`);
    }
  }

  async set(changes: ContactChange[]): Promise<void> {
    const session = this.usable();
    // Every channel is checked before the first write, so a bad change leaves the board untouched.
    const writes = changes.map((change) => ({
      relay: session.relays.get(boardChannel(this.board, change.channel).id)!.relay,
      closed: change.closed,
    }));
    for (const { relay, closed } of writes) {
      if (closed) relay.close();
      else relay.open();
    }
    try {
      await drainPort(session.port);
    } catch (error) {
      throw new InfrastructureError(`relay board ${this.board.id}: ${this.failure(error)}`);
    }
  }

  async read(channel: RelayChannel): Promise<boolean | undefined> {
    const own = boardChannel(this.board, channel);
    const session = this.session;
    if (!session || this.loss.error) return undefined;
    const value = session.io.pins[own.pin!]?.value;
    if (value !== 0 && value !== 1) return undefined;
    return value === (inputLevel(this.board, true) ? 1 : 0);
  }

  async safe(): Promise<void> {
    const session = this.session;
    if (!session || !session.port.isOpen) return;
    try {
      this.applySafe(session);
      await withTimeout(drainPort(session.port), SAFE_DRAIN_MS);
    } catch {
      // The board is going or gone; nothing more can be done from here.
    }
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (session) await this.teardown(session);
  }

  /** Why a write failed: the loss, if the board went away meanwhile. */
  private failure(error: unknown): string {
    const lost: Error | null = this.loss.error;
    return lost ? lost.message : messageOf(error);
  }

  onLost(listener: (error: Error) => void): void {
    this.loss.listen(listener);
  }

  /** Every channel to its safe state, in the same tick (a few bytes each, back to back on the wire). */
  private applySafe(session: Session): void {
    const { io } = session;
    for (const { channel, relay } of session.relays.values()) {
      const write = (): void => void (safeClosed(channel) ? relay.close() : relay.open());
      // Level first, then OUTPUT mode, then the level again: a pin some earlier client left as an input takes
      // the level (as its pull-up) before it starts to drive, and one left in analog mode gets it after.
      write();
      io.pinMode(channel.pin!, io.MODES.OUTPUT);
      write();
    }
  }

  /**
   * johnny-five reads a plain number that is also an analog pin on this board type (14–19 on an Uno) as the
   * analog CHANNEL: Relay({ pin: 16 }) would drive digital pin 2. Analog-capable pins are therefore named
   * "A<channel>", which Relay maps back to the pin itself; the result is checked all the same.
   */
  private makeRelay(session: Session, channel: RelayChannel): five.Relay {
    const pin = channel.pin!;
    const analogChannel = session.io.pins[pin]?.analogChannel;
    const name = analogChannel !== undefined && analogChannel !== 0x7f ? `A${analogChannel}` : pin;
    const relay = new five.Relay({ pin: name, type: this.board.polarity === 'active-low' ? 'NC' : 'NO', board: session.board });
    if (relay.pin !== pin) {
      throw new InfrastructureError(
        `relay board ${this.board.id}: johnny-five mapped pin ${pin} of channel ${channel.id} to pin ${relay.pin}`,
      );
    }
    return relay;
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
    session.io.on('reportversion', () => {
      if (this.session !== session) return;
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
