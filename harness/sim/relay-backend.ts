/**
 * The simulated relay board: the RelayBackend every non-DTR/RTS board of a simulated rig gets. Commands move the
 * bench's contacts (which may stick); read() reports the coil, i.e. the last command, as real boards do — a stuck
 * contact is invisible to read-back, exactly the fault the diagnosis has to find from the bytes.
 *
 * stopAnswering() plays a controller whose firmware stopped while its port stays open: commands are still
 * accepted (the bytes leave the host) but no contact moves, and probe() gets no answer.
 */
import { InfrastructureError } from '../core/exit-codes.js';
import type { RelayBoard, RelayChannel } from '../config/types.js';
import type { ContactChange, RelayBackend } from '../pins/types.js';
import type { Contacts } from './contacts.js';

export class SimRelayBackend implements RelayBackend {
  private readonly commanded = new Map<string, boolean>();
  private isOpen = false;
  private answering = true;

  constructor(
    readonly board: RelayBoard,
    private readonly contacts: Contacts,
  ) {
    for (const channel of board.channels) this.commanded.set(channel.id, contacts.closed(channel.id));
  }

  async open(): Promise<void> {
    this.isOpen = true;
    await this.toSafe();
  }

  async set(changes: ContactChange[]): Promise<void> {
    if (!this.isOpen) throw new Error(`relay board ${this.board.id} is not open`);
    // All changes of one call land at the same instant, as one command to a real board would.
    for (const change of changes) this.move(change.channel, change.closed);
  }

  async probe(): Promise<void> {
    if (!this.isOpen) throw new InfrastructureError(`relay board ${this.board.id} is not open`);
    // Simulated time has no use for the wait itself: the answer that never comes is known at once.
    if (!this.answering) {
      throw new InfrastructureError(`relay board ${this.board.id} (simulated) stopped answering; its port is still open`);
    }
  }

  /** From now on the controller takes commands but switches nothing and answers nothing (a hung firmware). */
  stopAnswering(): void {
    this.answering = false;
  }

  async read(channel: RelayChannel): Promise<boolean | undefined> {
    return this.commanded.get(channel.id);
  }

  async safe(): Promise<void> {
    await this.toSafe();
  }

  async close(): Promise<void> {
    this.isOpen = false;
  }

  /** A simulated board never goes away. */
  onLost(_listener: (error: Error) => void): void {}

  private async toSafe(): Promise<void> {
    for (const channel of this.board.channels) this.move(channel, channel.safe === 'closed');
  }

  private move(channel: RelayChannel, closed: boolean): void {
    if (!this.commanded.has(channel.id)) throw new Error(`relay board ${this.board.id} has no channel ${channel.id}`);
    this.commanded.set(channel.id, closed);
    if (this.answering) this.contacts.command(channel.id, closed);
  }
}
