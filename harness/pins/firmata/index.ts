/** An Arduino running StandardFirmata behind a relay shield: the descriptor the registry lists. */
import { z } from 'zod';
import { portMatch } from '../../config/schema-parts.js';
import type { EntryProblem, OwnPortRelay } from '../descriptor.js';
import { channelEntry, entryBase, polarity } from '../entry-schema.js';
import { FirmataRelayBackend } from './backend.js';

const MAX_CHANNELS = 64;

const firmataChannel = channelEntry(MAX_CHANNELS).extend({
  pin: z
    .number({ error: (issue) => (issue.input === undefined ? 'missing pin: the Arduino digital pin that drives this relay' : undefined) })
    .int()
    .min(0)
    .max(99)
    .describe('The Arduino digital pin driving this relay'),
});

export const firmataRelay: OwnPortRelay = {
  driver: 'firmata',
  needs: 'own-port',
  schema: z.strictObject({
    ...entryBase,
    driver: z.literal('firmata').describe('Arduino + relay shield running StandardFirmata'),
    port: portMatch.optional().describe("The Arduino's serial port (required on hardware rigs)"),
    polarity,
    channels: z
      .array(firmataChannel, {
        error: (issue) =>
          issue.input === undefined
            ? 'missing channels: a list of channels with their Arduino pins, e.g. [{ n: 1, pin: 7 }]'
            : 'firmata channels need their Arduino pin: write channels: [{ n: 1, pin: 7 }, { n: 2, pin: 6 }, …]',
      })
      .min(1)
      .describe('The relays: { n, pin } each, pin = the Arduino digital pin that drives relay n'),
  }),
  check: (entry) => {
    const problems: EntryProblem[] = [];
    const pins = new Set<unknown>();
    const channels = Array.isArray(entry.channels) ? entry.channels : [];
    channels.forEach((raw: unknown, j) => {
      const pin = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).pin : undefined;
      if (pin === undefined) return;
      if (pins.has(pin)) problems.push({ path: ['channels', j, 'pin'], message: `Arduino pin ${String(pin)} drives two channels`, at: 'value' });
      pins.add(pin);
    });
    return problems;
  },
  create: (board, port) => new FirmataRelayBackend(board, { path: port.path, openPort: port.openPort }),
};
