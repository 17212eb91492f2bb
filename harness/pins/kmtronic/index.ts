/** KMTronic USB relay boards (FT232, 9600 baud, 4 or 8 relays): the descriptor the registry lists. */
import { z } from 'zod';
import { portMatch } from '../../config/schema-parts.js';
import type { OwnPortRelay } from '../descriptor.js';
import { channelCountOrList, entryBase } from '../entry-schema.js';
import { KmtronicRelayBackend } from './backend.js';

const MAX_CHANNELS = 8;

export const kmtronicRelay: OwnPortRelay = {
  driver: 'kmtronic',
  needs: 'own-port',
  schema: z.strictObject({
    ...entryBase,
    driver: z.literal('kmtronic').describe('KMTronic USB relay board (FT232 serial, 4 or 8 relays)'),
    port: portMatch.optional().describe("The board's serial port (required on hardware rigs)"),
    channels: channelCountOrList(MAX_CHANNELS, `KMTronic USB boards have at most ${MAX_CHANNELS} relays`),
  }),
  create: (board, port) => new KmtronicRelayBackend(board, port),
};
