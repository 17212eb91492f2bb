/**
 * LCUS-1/2/4/8 USB relay modules (CH340 serial, 9600 8N1). One 4-byte frame per contact change:
 * `A0 ch state sum`, state 1 = contact closed, sum = (A0 + ch + state) & FF. The module's own relays are
 * driven, so the board's polarity does not apply. LCUS-1 never acknowledges (multi-channel boards answer only a
 * status query, in formats that vary), so nothing is read back: write, wait for the bytes to leave, done.
 */
import type { SerialPortStream } from '@serialport/stream';
import type { RelayBoard, RelayChannel } from '../config/types.js';
import { InfrastructureError, InputError } from '../core/exit-codes.js';
import { closePort, drainPort, openHardwarePort, watchPort, type OpenPort } from './open-serial.js';
import { boardChannel, safeClosed } from './relay-channels.js';
import { LossSignal, messageOf, withTimeout } from './support.js';
import type { ContactChange, RelayBackend } from './types.js';

export interface LcusBackendOptions {
  path: string;
  openPort?: OpenPort;
}

export const LCUS_BAUD = 9600;
const FRAME_START = 0xa0;
/** safe() waits at most this long for its frames to leave. */
const SAFE_DRAIN_MS = 1000;

/** The frame that puts one channel (1-based) in a contact state. */
export function lcusFrame(channel: number, closed: boolean): Uint8Array {
  const state = closed ? 1 : 0;
  return Uint8Array.of(FRAME_START, channel, state, (FRAME_START + channel + state) & 0xff);
}

export class LcusRelayBackend implements RelayBackend {
  private port: SerialPortStream | null = null;
  private unwatch: () => void = () => undefined;
  private readonly loss = new LossSignal();
  private readonly path: string;
  private readonly openPort: OpenPort;

  constructor(
    readonly board: RelayBoard,
    options: LcusBackendOptions,
  ) {
    this.path = options.path;
    this.openPort = options.openPort ?? openHardwarePort;
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
    this.loss.reset();
    let port: SerialPortStream;
    try {
      port = await this.openPort({ path: this.path, baudRate: LCUS_BAUD });
    } catch (error) {
      throw new InfrastructureError(`relay board ${this.board.id}: ${messageOf(error)}`);
    }
    this.port = port;
    // Status answers of multi-channel boards are of no use here; reading only serves to notice a vanished module.
    this.unwatch = watchPort(port, (error) => this.markLost(error));
    try {
      await this.send(this.safeChanges());
    } catch (error) {
      throw new InfrastructureError(`relay board ${this.board.id}: could not apply the safe states: ${messageOf(error)}`);
    }
  }

  async set(changes: ContactChange[]): Promise<void> {
    if (this.loss.error) throw this.loss.error;
    if (!this.port) throw new InfrastructureError(`relay board ${this.board.id} is not open`);
    try {
      await this.send(changes);
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InfrastructureError(`relay board ${this.board.id}: ${this.failure(error)}`);
    }
  }

  /** LCUS modules cannot be read back reliably. */
  async read(channel: RelayChannel): Promise<boolean | undefined> {
    boardChannel(this.board, channel);
    return undefined;
  }

  async safe(): Promise<void> {
    if (!this.port?.isOpen) return;
    try {
      await withTimeout(this.send(this.safeChanges()), SAFE_DRAIN_MS);
    } catch {
      // The module is going or gone; nothing more can be done from here.
    }
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (!port) return;
    this.unwatch();
    await closePort(port);
  }

  /** Why a write failed: the loss, if the board went away meanwhile. */
  private failure(error: unknown): string {
    const lost: Error | null = this.loss.error;
    return lost ? lost.message : messageOf(error);
  }

  onLost(listener: (error: Error) => void): void {
    this.loss.listen(listener);
  }

  private safeChanges(): ContactChange[] {
    return this.board.channels.map((channel) => ({ channel, closed: safeClosed(channel) }));
  }

  /** Frames go out back to back in one write; resolves when they have left the host. */
  private async send(changes: ContactChange[]): Promise<void> {
    const port = this.port!;
    const frames = changes.map((change) => lcusFrame(boardChannel(this.board, change.channel).channel as number, change.closed));
    if (frames.length === 0) return;
    const bytes = Buffer.concat(frames);
    if (!port.isOpen) throw new Error('port is not open');
    port.write(bytes);
    await drainPort(port);
  }

  private markLost(error: Error): void {
    this.loss.fire(new InfrastructureError(`relay board ${this.board.id} lost: ${error.message}`));
  }
}
