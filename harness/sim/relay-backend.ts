/**
 * The simulated relay board: the RelayBackend every non-DTR/RTS board of a simulated rig gets. Commands move the
 * bench's contacts (which may stick); read() reports the coil, i.e. the last command, as real boards do — a stuck
 * contact is invisible to read-back, exactly the fault the diagnosis has to find from the bytes.
 */
import type { RelayBoard, RelayChannel } from '../config/types.js';
import type { ContactChange, RelayBackend } from '../pins/types.js';
import type { Contacts } from './contacts.js';

export class SimRelayBackend implements RelayBackend {
  private readonly commanded = new Map<string, boolean>();
  private isOpen = false;

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
    this.contacts.command(channel.id, closed);
  }
}
