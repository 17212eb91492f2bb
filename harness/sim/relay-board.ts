/**
 * The simulated relay board's rig entry (`driver: sim`): the descriptor the relay backend registry lists. It has
 * no hardware behind it, so only a simulated rig can have one; there SimRelayBackend plays it, as it plays every
 * board with a port of its own.
 */
import { z } from 'zod';
import type { SimulatedRelay } from '../pins/descriptor.js';
import { channelCountOrList, entryBase, polarity } from '../pins/entry-schema.js';

export const simRelay: SimulatedRelay = {
  driver: 'sim',
  needs: 'simulator',
  schema: z.strictObject({
    ...entryBase,
    driver: z.literal('sim').describe('A simulated relay board (simulated rigs only)'),
    polarity,
    channels: channelCountOrList(64),
  }),
};
