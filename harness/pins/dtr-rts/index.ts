/** The DUT adapter's own DTR and RTS lines as a two-channel relay board: the descriptor the registry lists. */
import { z } from 'zod';
import { componentId } from '../../config/schema-parts.js';
import type { DutLinkRelay } from '../descriptor.js';
import { entryBase, polarity } from '../entry-schema.js';
import { DtrRtsBackend } from './backend.js';

export const dtrRtsRelay: DutLinkRelay = {
  driver: 'dtr-rts',
  needs: 'dut-link',
  lines: ['dtr', 'rts'],
  schema: z.strictObject({
    ...entryBase,
    driver: z.literal('dtr-rts').describe("The DUT adapter's own modem lines; channels <id>.dtr and <id>.rts"),
    dut: z
      .string({ error: (issue) => (issue.input === undefined ? "missing dut: the DUT whose adapter's DTR/RTS lines it uses" : undefined) })
      .pipe(componentId)
      .describe("The DUT whose adapter's DTR/RTS lines are used"),
    circuit: z
      .enum(['auto-reset'])
      .optional()
      .describe('The lines pass the two-transistor auto-reset circuit (RTS → EN, DTR → boot strap; both asserted = neither acts)'),
    polarity,
  }),
  create: (board) => new DtrRtsBackend(board),
};
