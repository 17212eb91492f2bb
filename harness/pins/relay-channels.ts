/** Small shared rules of relay boards: which channel a change means, and the input level that closes a contact. */
import type { RelayBoard, RelayChannel } from '../config/types.js';
import { InputError } from '../core/exit-codes.js';

/** The board's own channel object for a channel named in a change (matched by id). */
export function boardChannel(board: RelayBoard, channel: RelayChannel): RelayChannel {
  const own = board.channels.find((c) => c.id === channel.id);
  if (!own) throw new InputError(`channel ${channel.id} is not on relay board ${board.id}`);
  return own;
}

/** Input level (true = high / asserted line) that gives the wanted contact state under the board's polarity. */
export function inputLevel(board: RelayBoard, closed: boolean): boolean {
  return board.polarity === 'active-low' ? !closed : closed;
}

/** The contact state a channel rests in. */
export function safeClosed(channel: RelayChannel): boolean {
  return channel.safe === 'closed';
}
