/**
 * LCUS-1/2/4/8 USB relay modules (CH340 serial, 9600 8N1). One 4-byte frame per contact change:
 * `A0 ch state sum`, state 1 = contact closed, sum = (A0 + ch + state) & FF. The module's own relays are
 * driven, so the board's polarity does not apply. No module acknowledges a frame: write, wait for the bytes to
 * leave, done.
 *
 * Watched where the module can be: multi-channel modules answer a status query (FF), in formats that vary, and an
 * LCUS-1 ignores it. open() asks once; a module that answered is asked again by every probe(), which then needs
 * some answer within answerTimeoutMs. A module that did not answer at open cannot be watched: its probe()
 * resolves at once.
 */
import type { RelayBoard, RelayChannel } from '../../config/types.js';
import { InfrastructureError, InputError } from '../../core/exit-codes.js';
import { openHardwarePort, type OpenPort } from '../open-serial.js';
import { boardChannel } from '../relay-channels.js';
import { SerialRelayBackend } from '../serial-relay.js';
import { messageOf } from '../support.js';
import type { ContactChange } from '../types.js';

export interface LcusBackendOptions {
  path: string;
  openPort?: OpenPort;
  /** How long a module may take to start its status answer (default 500 ms). */
  answerTimeoutMs?: number;
}

export const LCUS_BAUD = 9600;
const FRAME_START = 0xa0;
const STATUS_QUERY = 0xff;
const DEFAULT_ANSWER_TIMEOUT_MS = 500;
/**
 * Silence on the line before a status query (about 50 byte times at 9600 baud): the rest of an earlier answer
 * must not pass for this one.
 */
const QUIET_BEFORE_QUERY_MS = 50;

/** The frame that puts one channel (1-based) in a contact state. */
export function lcusFrame(channel: number, closed: boolean): Uint8Array {
  const state = closed ? 1 : 0;
  return Uint8Array.of(FRAME_START, channel, state, (FRAME_START + channel + state) & 0xff);
}

export class LcusRelayBackend extends SerialRelayBackend {
  private readonly path: string;
  private readonly openPort: OpenPort;
  private readonly answerTimeoutMs: number;
  /** Whether the module answered the status query at open (multi-channel modules do). */
  private answersStatus = false;
  /** Told of received bytes while a status query waits for its answer. */
  private onAnswer: (() => void) | null = null;
  /** performance.now() of the last received bytes. */
  private lastReceivedAt = -Infinity;

  constructor(
    board: RelayBoard,
    options: LcusBackendOptions,
  ) {
    super(board);
    this.path = options.path;
    this.openPort = options.openPort ?? openHardwarePort;
    this.answerTimeoutMs = options.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS;
    for (const channel of board.channels) {
      const n = channel.channel;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 0xff) {
        throw new InputError(
          `relay board ${board.id}: channel ${channel.id} needs a channel number 1..255 (LCUS modules count from 1)`,
        );
      }
    }
  }

  async open(): Promise<void> {
    if (this.port) return;
    // Reading notices a vanished module, and hears status answers; their content (formats vary) is not used.
    await this.connect(this.openPort, this.path, LCUS_BAUD, () => {
      this.lastReceivedAt = performance.now();
      this.onAnswer?.();
    });
    try {
      await this.send(this.safeChanges());
    } catch (error) {
      throw new InfrastructureError(`relay board ${this.board.id}: could not apply the safe states: ${messageOf(error)}`);
    }
    this.answersStatus = await this.askStatus().then(
      () => true,
      () => false,
    );
  }

  /** LCUS modules cannot be read back reliably. */
  async read(channel: RelayChannel): Promise<boolean | undefined> {
    boardChannel(this.board, channel);
    return undefined;
  }

  /** Asks a module that answered at open for its status again; resolves at once for one that did not (LCUS-1). */
  async probe(): Promise<void> {
    this.usable();
    if (!this.answersStatus) return;
    try {
      await this.askStatus();
    } catch (error) {
      throw new InfrastructureError(
        `relay board ${this.board.id} (LCUS on ${this.path}) stopped answering: ${this.loss.describe(error)}; its port is still open`,
      );
    }
  }

  protected override closed(): void {
    this.answersStatus = false;
  }

  /** Frames go out back to back in one write; resolves when they have left the host. */
  protected async send(changes: ContactChange[]): Promise<void> {
    const frames = changes.map((change) => lcusFrame(boardChannel(this.board, change.channel).channel as number, change.closed));
    if (frames.length === 0) return;
    await this.writeDrained(Buffer.concat(frames));
  }

  /**
   * Waits for a quiet line, sends the status query and resolves at the first byte of the answer; rejects when
   * none has come within answerTimeoutMs.
   */
  private async askStatus(): Promise<void> {
    await this.quietLine();
    const port = this.port!;
    await new Promise<void>((resolve, reject) => {
      const finish = (error?: Error): void => {
        clearTimeout(deadline);
        this.onAnswer = null;
        if (error) reject(error);
        else resolve();
      };
      const deadline = setTimeout(
        () => finish(new Error(`no answer to the status query (FF) within ${this.answerTimeoutMs} ms`)),
        this.answerTimeoutMs,
      );
      this.onAnswer = () => finish();
      if (!port.isOpen) finish(new Error('port is not open'));
      else port.write(Buffer.of(STATUS_QUERY));
    });
  }

  /** Resolves once nothing has been received for QUIET_BEFORE_QUERY_MS (at most answerTimeoutMs from now). */
  private async quietLine(): Promise<void> {
    const until = performance.now() + this.answerTimeoutMs;
    for (;;) {
      const now = performance.now();
      const left = QUIET_BEFORE_QUERY_MS - (now - this.lastReceivedAt);
      if (left <= 0 || now >= until) return;
      await new Promise((resolve) => setTimeout(resolve, left));
      // Bytes that arrived while the timer waited are read in the I/O phase, which comes after the timers.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
