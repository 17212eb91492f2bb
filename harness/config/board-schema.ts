/**
 * The shape of a board profile file (boards/<id>.yaml) as zod schemas. These check structure only; rules that
 * relate one key to another (steps naming declared pins, engine vs family, …) live in board.ts.
 * The JSON Schema in schema/board.schema.json is generated from here.
 */
import { z } from 'zod';
import { FAMILIES } from '../families/index.js';
import { ENGINES } from '../protocols/engines.js';
import type { EngineDescriptor } from '../protocols/engine.js';
import { PIN_ROLES } from './types.js';
import { ms, pinName, positiveMs, serialSettings } from './schema-parts.js';

/** Deadlines of an engine: replyMs, which every engine has and falls back to, and its own keys. */
function deadlinesOf(engine: EngineDescriptor) {
  const own = Object.fromEntries(Object.entries(engine.deadlines).map(([key, what]) => [key, positiveMs.optional().describe(what)]));
  return z
    .strictObject({ replyMs: positiveMs.optional().describe('Default wait for any reply byte (default 500)'), ...own })
    .describe('Deadlines in ms; the engine falls back to replyMs for keys not given');
}

/** An engine's `protocol:` block: what every engine has, and its own keys. */
function protocolOf(engine: EngineDescriptor) {
  return z.strictObject({
    engine: z.literal(engine.name),
    serial: serialSettings.optional(),
    deadlines: deadlinesOf(engine).optional(),
    retries: z.number().int().min(0).max(20).optional().describe('Retries of a failed handshake within a trial (default 2)'),
    ...engine.protocolKeys,
  });
}

const [firstProtocol, ...moreProtocols] = ENGINES.map(protocolOf);
export const protocolSchema = z.discriminatedUnion('engine', [firstProtocol!, ...moreProtocols]);

const pinDef = z.strictObject({
  role: z.enum(PIN_ROLES).describe('What the pin does: reset (its release starts the boot), power (its assertion does), boot-strap (sampled at reset to pick the boot mode), other'),
  active: z.enum(['high', 'low']).describe('Electrical level that asserts the pin (NRST: low)'),
  idle: z.enum(['active', 'inactive']).optional().describe('State between trials and after an abort (default inactive)'),
  notes: z.string().optional(),
});

/** Pin states in `set` steps: on/off, true/false or active/inactive. */
export const pinState = z.union([z.boolean(), z.enum(['on', 'off', 'active', 'inactive'])], {
  error: 'expected on or off (also true/false, active/inactive)',
});

export const stepSchema = z
  .strictObject({
    set: z.record(pinName, pinState).optional().describe('Assert/release pins at once: { boot0: on, boot1: off }'),
    pulse: z.strictObject({ pin: pinName, ms: positiveMs }).optional().describe('Assert a pin for ms, then release it'),
    wait: ms.optional().describe('Do nothing for ms'),
    powerCycle: z
      .strictObject({ pin: pinName, offMs: positiveMs })
      .optional()
      .describe('Release the power pin for offMs, then assert it again'),
  })
  .meta({ minProperties: 1, maxProperties: 1 })
  .describe('Exactly one of set, pulse, wait, powerCycle');

/** Every engine's expect keys: which of them a profile may use is checked against its engine (board.ts). */
const expectSchema = z.strictObject(Object.assign({}, ...ENGINES.map((engine) => engine.expectKeys)) as z.ZodRawShape);

/** How late a pin edge may leave the host, when the profile does not say. */
export const DEFAULT_EDGE_TOLERANCE_MS = 250;

const timingSchema = z
  .strictObject({
    edgeToleranceMs: positiveMs
      .optional()
      .describe(`How late a pin edge may leave the host after its planned time before the trial is a harness error (default ${DEFAULT_EDGE_TOLERANCE_MS})`),
  })
  .describe('Timing limits of the harness itself');

/** The profile schema with `chip` as given: the family decides which chip schema applies. */
export function boardSchemaWith(chip: z.ZodType) {
  return z.strictObject({
    $schema: z.string().optional(),
    id: z.string().optional().describe('Must equal the file name stem when given'),
    title: z.string().min(1),
    family: z
      .string()
      .regex(/^[a-z][a-z0-9_-]*$/, { error: `expected a lower-case family name like ${FAMILIES.map((f) => f.name).join(' or ')}` })
      .describe(`${FAMILIES.map((f) => f.name).join(' | ')} | another family name (script engine only)`),
    notes: z.string().optional(),
    protocol: protocolSchema,
    timing: timingSchema.optional(),
    pins: z.record(pinName, pinDef),
    enter: z.array(stepSchema).min(1),
    leave: z.array(stepSchema),
    expect: expectSchema.optional(),
    chip: chip.optional(),
  });
}

/** For editors: chip is any family's. */
export const boardSchema = boardSchemaWith(z.union(FAMILIES.map((family) => family.chip.schema)));
/** For the first pass of validation: chip is checked afterwards against the family's own schema. */
export const boardShapeSchema = boardSchemaWith(z.unknown());
export type BoardInput = z.infer<typeof boardShapeSchema>;
export type StepInput = z.infer<typeof stepSchema>;
