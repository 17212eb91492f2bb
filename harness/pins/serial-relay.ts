/**
 * What every relay board on a serial port of its own shares (KMTronic, LCUS): the port and its watch, the loss
 * signal, set(), safe() and close(). A backend adds its wire format (send), how it connects without moving a
 * contact (open), and how it is asked (probe, read).
 */
import type { SerialPortStream } from '@serialport/stream';
import type { RelayBoard, RelayChannel } from '../config/types.js';
import { InfrastructureError, InputError } from '../core/exit-codes.js';
import { closePort, drainPort, watchPort, type OpenPort } from './open-serial.js';
import { safeClosed } from './relay-channels.js';
import { LossSignal, messageOf, withTimeout } from './support.js';
import type { ContactChange, RelayBackend } from './types.js';

/** safe() waits at most this long for its commands to leave. */
const SAFE_DRAIN_MS = 1000;

export abstract class SerialRelayBackend implements RelayBackend {
  protected port: SerialPortStream | null = null;
  protected readonly loss = new LossSignal();
  private unwatch: () => void = () => undefined;

  constructor(readonly board: RelayBoard) {}

  abstract open(): Promise<void>;
  abstract read(channel: RelayChannel): Promise<boolean | undefined>;
  abstract probe(): Promise<void>;
  /** Writes the commands for these changes; resolves when they have left the host. */
  protected abstract send(changes: ContactChange[]): Promise<void>;

  async set(changes: ContactChange[]): Promise<void> {
    this.usable();
    try {
      await this.send(changes);
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InfrastructureError(`relay board ${this.board.id}: ${this.loss.describe(error)}`);
    }
  }

  async safe(): Promise<void> {
    if (!this.port?.isOpen) return;
    try {
      await withTimeout(this.send(this.safeChanges()), SAFE_DRAIN_MS);
    } catch {
      // The board is going or gone; nothing more can be done from here.
    }
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = null;
    this.closed();
    if (!port) return;
    this.unwatch();
    await closePort(port);
  }

  onLost(listener: (error: Error) => void): void {
    this.loss.listen(listener);
  }

  /** Opens the port and watches it: a vanished board fires onLost; received bytes go to onBytes. */
  protected async connect(openPort: OpenPort, path: string, baudRate: number, onBytes: (bytes: Buffer) => void): Promise<SerialPortStream> {
    this.loss.reset();
    let port: SerialPortStream;
    try {
      port = await openPort({ path, baudRate });
    } catch (error) {
      throw new InfrastructureError(`relay board ${this.board.id}: ${messageOf(error)}`);
    }
    this.port = port;
    this.unwatch = watchPort(
      port,
      (error) => this.loss.fire(new InfrastructureError(`relay board ${this.board.id} lost: ${error.message}`)),
      onBytes,
    );
    return port;
  }

  /** Throws the loss, or that the board is not open. */
  protected usable(): SerialPortStream {
    if (this.loss.error) throw this.loss.error;
    if (!this.port) throw new InfrastructureError(`relay board ${this.board.id} is not open`);
    return this.port;
  }

  /** Writes bytes and waits for them to leave the host. */
  protected async writeDrained(bytes: Buffer): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) throw new Error('port is not open');
    port.write(bytes);
    await drainPort(port);
  }

  /** Every channel to its safe contact state. */
  protected safeChanges(): ContactChange[] {
    return this.board.channels.map((channel) => ({ channel, closed: safeClosed(channel) }));
  }

  /** Forgets what the connection learned (close() calls it). */
  protected closed(): void {}
}
