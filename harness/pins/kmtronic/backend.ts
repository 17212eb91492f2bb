/**
 * KMTronic USB relay boards (FT232 serial, 9600 8N1). `FF ch 01` closes relay ch (1-based), `FF ch 00` opens it;
 * `FF 09 00` asks for the states of all relays, answered with one byte per relay (0 open, 1 closed). The board
 * drives its own relays, so the board's polarity does not apply.
 *
 * Connecting moves no contact: open() asks the states first and writes only the channels not already in their
 * safe state. Watched: probe() asks the states again, which must come within answerTimeoutMs and match what was
 * last commanded (a board that restarted has released every relay).
 */
import type { RelayBoard, RelayChannel } from '../../config/types.js';
import { InfrastructureError, InputError } from '../../core/exit-codes.js';
import type { OpenPort } from '../open-serial.js';
import { boardChannel } from '../relay-channels.js';
import { SerialRelayBackend } from '../serial-relay.js';
import { messageOf } from '../support.js';
import type { ContactChange } from '../types.js';

export interface KmtronicBackendOptions {
  path: string;
  openPort: OpenPort;
  /** How long the board may take to answer the status query (default 500 ms). */
  answerTimeoutMs?: number;
}

export const KMTRONIC_BAUD = 9600;
const COMMAND = 0xff;
const STATUS_QUERY = [COMMAND, 0x09, 0x00];
const DEFAULT_ANSWER_TIMEOUT_MS = 500;
/** The answer is complete after this long without a byte (about 20 byte times at 9600 baud). */
const ANSWER_GAP_MS = 20;

/** The command that puts one relay (1-based) in a contact state. */
export function kmtronicCommand(channel: number, closed: boolean): Uint8Array {
  return Uint8Array.of(COMMAND, channel, closed ? 1 : 0);
}

export class KmtronicRelayBackend extends SerialRelayBackend {
  private readonly answerTimeoutMs: number;
  /** Bytes received since the last status query was sent. */
  private received: number[] = [];
  private onReceive: (() => void) | null = null;
  /** The state last commanded per relay number. */
  private readonly commanded = new Map<number, boolean>();

  constructor(
    board: RelayBoard,
    private readonly options: KmtronicBackendOptions,
  ) {
    super(board);
    this.answerTimeoutMs = options.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS;
    for (const channel of board.channels) {
      const n = channel.channel;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 8) {
        throw new InputError(`relay board ${board.id}: channel ${channel.id} needs a relay number 1..8`);
      }
    }
  }

  async open(): Promise<void> {
    if (this.port) return;
    await this.connect(this.options.openPort, this.options.path, KMTRONIC_BAUD, (bytes) => {
      this.received.push(...bytes);
      this.onReceive?.();
    });
    let states: boolean[];
    try {
      states = await this.askStates();
    } catch (error) {
      throw new InfrastructureError(`relay board ${this.board.id} (KMTronic on ${this.options.path}): ${messageOf(error)} while connecting`);
    }
    states.forEach((closed, i) => this.commanded.set(i + 1, closed));
    const differing = this.safeChanges().filter((change) => states[this.relayOf(change.channel) - 1] !== change.closed);
    try {
      await this.send(differing);
    } catch (error) {
      throw new InfrastructureError(`relay board ${this.board.id}: could not apply the safe states: ${messageOf(error)}`);
    }
  }

  /** The state the board reports now; undefined when it cannot be asked. */
  async read(channel: RelayChannel): Promise<boolean | undefined> {
    const relay = this.relayOf(channel);
    if (!this.port || this.loss.error) return undefined;
    const states = await this.askStates().catch(() => undefined);
    return states?.[relay - 1];
  }

  async probe(): Promise<void> {
    this.usable();
    let states: boolean[];
    try {
      states = await this.askStates();
    } catch (error) {
      throw new InfrastructureError(
        `relay board ${this.board.id} (KMTronic on ${this.options.path}) stopped answering: ${messageOf(error)}; its port is still open`,
      );
    }
    const lost = this.board.channels.find((channel) => states[this.relayOf(channel) - 1] !== this.commanded.get(this.relayOf(channel)));
    if (lost) {
      throw new InfrastructureError(
        `relay board ${this.board.id}: relay ${lost.channel} reads ${states[this.relayOf(lost) - 1] ? 'closed' : 'open'}, not the ` +
          `${this.commanded.get(this.relayOf(lost)) ? 'closed' : 'open'} it was set to (the board no longer holds the contact states)`,
      );
    }
  }

  private relayOf(channel: RelayChannel): number {
    return boardChannel(this.board, channel).channel as number;
  }

  /** One 3-byte command per change, in one write; resolves when they have left the host. */
  protected async send(changes: ContactChange[]): Promise<void> {
    const commands = changes.map((change) => ({ relay: this.relayOf(change.channel), closed: change.closed }));
    if (commands.length === 0) return;
    await this.writeDrained(Buffer.concat(commands.map((c) => kmtronicCommand(c.relay, c.closed))));
    for (const c of commands) this.commanded.set(c.relay, c.closed);
  }

  /**
   * Sends the status query and resolves with one state per relay once the answer covers the board's channels and
   * has gone quiet; rejects when no byte comes within answerTimeoutMs, or the answer is still too short by then.
   */
  private async askStates(): Promise<boolean[]> {
    const port = this.port!;
    const needed = Math.max(...this.board.channels.map((channel) => this.relayOf(channel)));
    const answer = await new Promise<number[]>((resolve, reject) => {
      let gap: NodeJS.Timeout | undefined;
      const finish = (error?: Error): void => {
        clearTimeout(deadline);
        clearTimeout(gap);
        this.onReceive = null;
        if (error) reject(error);
        else resolve(this.received);
      };
      const deadline = setTimeout(
        () =>
          this.received.length === 0
            ? finish(new Error(`no answer to the status query (FF 09 00) within ${this.answerTimeoutMs} ms`))
            : finish(),
        this.answerTimeoutMs,
      );
      this.received = [];
      // A gap ends the answer only once it covers every channel used: a loaded host or a USB adapter may pause
      // between its bytes, and a short answer read early would pass for a board with fewer relays.
      this.onReceive = () => {
        clearTimeout(gap);
        if (this.received.length >= needed) gap = setTimeout(() => finish(), ANSWER_GAP_MS);
      };
      if (!port.isOpen) finish(new Error('port is not open'));
      else port.write(Buffer.from(STATUS_QUERY));
    });
    if (answer.length < needed) {
      throw new Error(`the status answer has ${answer.length} relay states, but channel ${needed} is used`);
    }
    return answer.map((byte) => byte === 1);
  }
}
