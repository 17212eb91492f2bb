/** Keys most relay board entries share, for the backends' own rig-entry schemas (see descriptor.ts). */
import { z } from 'zod';
import { componentId, rate } from '../config/schema-parts.js';

export const contactState = z.enum(['open', 'closed']);

export const channelSim = z.strictObject({ stuckRate: rate.optional().describe('Probability that a switch does not happen') });

/** Every entry: its id, its default safe state, notes. */
export const entryBase = {
  id: componentId,
  safe: contactState.optional().describe('Default contact state of every channel at rest (default open)'),
  notes: z.string().optional(),
};

export const polarity = z
  .enum(['active-high', 'active-low'])
  .optional()
  .describe('Input level that closes a relay (default active-high)');

/** One channel of a list: its number, its safe state, its simulated faults. */
export function channelEntry(maxChannel: number) {
  return z.strictObject({
    n: z.number().int().min(1).max(maxChannel).describe('Channel number, 1-based'),
    safe: contactState.optional().describe("Contact state at rest and after an abort (default: the board's safe)"),
    sim: channelSim.optional(),
    notes: z.string().optional(),
  });
}

const MISSING_CHANNELS = 'missing channels: a channel count (e.g. 8) or a list of channels';

/** `channels:` as a count (channels 1…count) or a list of channel entries, at most maxChannels of them. */
export function channelCountOrList(maxChannels: number, tooMany?: string) {
  const count = z.number().int().min(1).max(maxChannels, tooMany ? { error: tooMany } : undefined);
  const list = z.array(channelEntry(maxChannels)).min(1).max(maxChannels, tooMany ? { error: tooMany } : undefined);
  return z
    .union([count, list], {
      error: (issue) => (issue.input === undefined ? MISSING_CHANNELS : 'expected a channel count (e.g. 8) or a list like [{ n: 1 }, { n: 2 }]'),
    })
    .describe('Number of channels, or a list of channels');
}
