/** LCUS-1/2/4/8 USB relay modules (CH340, 9600 baud): the descriptor the registry lists. */
import { z } from 'zod';
import { portMatch } from '../../config/schema-parts.js';
import type { OwnPortRelay } from '../descriptor.js';
import { channelCountOrList, entryBase, polarity } from '../entry-schema.js';
import { LcusRelayBackend } from './backend.js';

/** The largest module has 8 relays, numbered from 1. */
const MAX_CHANNELS = 8;

export const lcusRelay: OwnPortRelay = {
  driver: 'lcus',
  needs: 'own-port',
  schema: z.strictObject({
    ...entryBase,
    driver: z.literal('lcus').describe('LCUS-1/2/4/8 USB relay module (CH340 serial)'),
    port: portMatch.optional().describe('The module\'s serial port (required on hardware rigs)'),
    polarity: polarity.describe('Has no effect: the module drives its own relays'),
    channels: channelCountOrList(MAX_CHANNELS, `LCUS modules have at most ${MAX_CHANNELS} channels`),
  }),
  create: (board, port) => new LcusRelayBackend(board, { path: port.path, openPort: port.openPort }),
};
