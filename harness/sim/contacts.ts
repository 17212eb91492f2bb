/**
 * The relay contacts of a simulated rig, every board and channel by component id. A switch is a commanded change
 * of a contact; with the channel's stuckRate it fails and the contact stays where it was (a welded or sticking
 * contact). Listeners hear about every real change, which is what moves the DUT pins wired to it.
 */
import type { RelayBoard, RelayChannel } from '../config/types.js';
import type { Rng } from '../core/rng.js';

export type ContactListener = (channel: RelayChannel, closed: boolean) => void;

export class Contacts {
  private readonly channels = new Map<string, RelayChannel>();
  private readonly state = new Map<string, boolean>();
  private readonly listeners: ContactListener[] = [];
  /** Switches that failed, per channel id. */
  readonly stuckSwitches = new Map<string, number>();
  /** Switches attempted (the contact had to move), per channel id. */
  readonly attemptedSwitches = new Map<string, number>();

  constructor(
    boards: readonly RelayBoard[],
    /** The stream that decides whether this switch of the channel sticks. */
    private readonly stuckStream: (channel: RelayChannel) => Rng,
  ) {
    for (const board of boards) {
      for (const channel of board.channels) {
        this.channels.set(channel.id, channel);
        this.state.set(channel.id, initialContact(board, channel));
      }
    }
  }

  has(id: string): boolean {
    return this.channels.has(id);
  }

  /** Whether the contact is closed now. */
  closed(id: string): boolean {
    const state = this.state.get(id);
    if (state === undefined) throw new Error(`no relay channel ${id} on this bench`);
    return state;
  }

  onChange(listener: ContactListener): void {
    this.listeners.push(listener);
  }

  /** Commands a contact; returns whether it is closed afterwards (unchanged when the switch stuck). */
  command(id: string, closed: boolean): boolean {
    const channel = this.channels.get(id);
    if (!channel) throw new Error(`no relay channel ${id} on this bench`);
    const current = this.state.get(id)!;
    if (current === closed) return current;
    this.attemptedSwitches.set(id, (this.attemptedSwitches.get(id) ?? 0) + 1);
    const rate = channel.sim?.stuckRate ?? 0;
    if (rate > 0 && this.stuckStream(channel).chance(rate)) {
      this.stuckSwitches.set(id, (this.stuckSwitches.get(id) ?? 0) + 1);
      return current;
    }
    this.state.set(id, closed);
    for (const listener of this.listeners) listener(channel, closed);
    return closed;
  }
}

/**
 * Contacts start in their safe state — except the DTR/RTS lines of a USB-serial adapter, which rest deasserted
 * while nobody holds the port open (active-low wiring makes a deasserted line a closed contact).
 */
function initialContact(board: RelayBoard, channel: RelayChannel): boolean {
  if (board.driver === 'dtr-rts') return board.polarity === 'active-low';
  return channel.safe === 'closed';
}
