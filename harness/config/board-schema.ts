/**
 * The shape of a board profile file (boards/<id>.yaml) as zod schemas. These check structure only; rules that
 * relate one key to another (steps naming declared pins, engine vs family, …) live in board.ts.
 * The JSON Schema in schema/board.schema.json is generated from here.
 */
import { z } from 'zod';
import { PIN_ROLES } from './types.js';
import { byteValue, hexInt, ms, pinName, positiveMs, serialSettings } from './schema-parts.js';
import { esp32ChipSchema, esp32ExpectShape, esp32ProtocolKeys } from '../families/esp32/schema.js';

const deadlines = z
  .strictObject({
    replyMs: positiveMs.optional().describe('Default wait for any reply byte (default 500)'),
    syncMs: positiveMs.optional().describe('stm32: wait for the ACK to 0x7F; esp32: wait for each SYNC answer'),
    readMs: positiveMs.optional().describe('stm32: wait for a Read Memory block'),
    handshakeMs: positiveMs.optional().describe('mediatek: the whole A0 0A 50 05 handshake'),
    byteMs: positiveMs.optional().describe('mediatek: each echoed handshake byte'),
  })
  .describe('Deadlines in ms; an engine falls back to replyMs for keys not given');

const hexBytes = z.union([z.string().min(1), z.array(z.number().int().min(0).max(255)).min(1)], {
  error: 'expected hex bytes in quotes like "7F" or "02 FD", or a list of byte values',
});

const scriptStep = z
  .strictObject({
    send: hexBytes.optional().describe('Bytes to send, hex: "02 FD"'),
    expect: z
      .string({ error: 'expected a pattern in quotes like "79 ?? {pid_hi}"' })
      .min(1)
      .optional()
      .describe('Pattern: hex bytes, ?? = any byte, {name} = capture one byte'),
    within: positiveMs.optional().describe('expect only: deadline in ms (default: deadlines.replyMs)'),
    label: z.string().optional().describe('Name of the step in transcripts'),
  })
  .describe('One of send or expect');

const common = {
  serial: serialSettings.optional(),
  deadlines: deadlines.optional(),
  retries: z.number().int().min(0).max(20).optional().describe('Retries of a failed handshake within a trial (default 2)'),
};

const stm32Protocol = z.strictObject({
  engine: z.literal('stm32'),
  ...common,
  read: z
    .strictObject({ address: hexInt.optional(), bytes: z.number().int().min(0).max(65536) })
    .optional()
    .describe('Read this many bytes (default 0 = no read) from address (default flash start) after identifying'),
});

const mtkProtocol = z.strictObject({
  engine: z.literal('mediatek'),
  ...common,
  watchdog: z
    .strictObject({ address: hexInt, value: hexInt })
    .describe('WRITE32 right after the handshake that disables the watchdog, e.g. 0x10007000 / 0x22000064'),
});

const scriptProtocol = z.strictObject({
  engine: z.literal('script'),
  ...common,
  script: z.array(scriptStep).min(1),
});

const esp32Protocol = z.strictObject({ engine: z.literal('esp32'), ...common, ...esp32ProtocolKeys });

export const protocolSchema = z.discriminatedUnion('engine', [stm32Protocol, mtkProtocol, scriptProtocol, esp32Protocol]);

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

const expectSchema = z.strictObject({
  productId: hexInt.optional().describe('stm32: product id from Get ID, e.g. 0x410'),
  minBootloaderVersion: byteValue.optional().describe('stm32: lowest acceptable bootloader version, e.g. 0x22'),
  hwCode: hexInt.optional().describe('mediatek: hw_code from GET_HW_CODE, e.g. 0x0766'),
  mode: z.enum(['brom', 'preloader']).optional().describe('mediatek: mode the board must answer in (default brom)'),
  captures: z.record(z.string(), byteValue).optional().describe('script: capture name → expected byte'),
  ...esp32ExpectShape,
});

const region = z
  .strictObject({ start: hexInt, end: hexInt.optional(), size: hexInt.optional() })
  .describe('start plus either end (exclusive) or size');

export const stm32ChipSchema = z
  .strictObject({
    productId: hexInt,
    bootloaderVersion: byteValue,
    optionBytes: z.tuple([byteValue, byteValue]).optional().describe('The two option bytes of Get Version (default [0, 0])'),
    commands: z.array(byteValue).min(1).describe('Command codes answered by Get, in order'),
    flash: region,
    pageSize: hexInt.optional().describe('Uniform flash page size in bytes (or give sectors)'),
    sectors: z.array(hexInt).min(1).optional().describe('Flash sector sizes in bytes (F4)'),
    ram: region.describe('RAM the host may write'),
    systemMemory: region,
    optionBytesAddress: hexInt,
    startupMs: ms.optional().describe('Reset release to bootloader listening (default 60)'),
    appBanner: z.string().optional().describe('What the application prints at start ("" = silent, the default)'),
    appBaud: z.number().int().positive().optional().describe('Baud of the application banner (default 115200)'),
  })
  .describe('STM32 chip facts for the emulator');

const hexString = (bytes: number) =>
  z
    .string({ error: `expected ${bytes} bytes as a hex string in quotes` })
    .regex(new RegExp(`^([0-9a-fA-F]{2}[ :]?){${bytes - 1}}[0-9a-fA-F]{2}$`), { error: `expected ${bytes} bytes as a hex string` });

export const mtkChipSchema = z
  .strictObject({
    hwCode: hexInt,
    hwSubcode: hexInt.optional().describe('default 0x8a00'),
    hwVersion: hexInt.optional().describe('default 0xca00'),
    swVersion: hexInt.optional().describe('default 0x0000'),
    targetConfig: hexInt.optional().describe('GET_TARGET_CONFIG bits (default 0: no secure boot)'),
    bromVersion: byteValue.optional().describe('GET_VERSION in BROM (default 0x05)'),
    preloaderVersion: byteValue.optional().describe('GET_BL_VER in Preloader (default 0x01)'),
    meId: hexString(16).optional().describe('16 bytes, hex (default derived from hwCode)'),
    socId: hexString(32).optional().describe('32 bytes, hex (default derived from hwCode)'),
    startupMs: ms.optional().describe('Power-on to BROM listening (default 100)'),
    watchdogTimeoutMs: ms.optional().describe('Reset after the handshake unless the watchdog is disabled (default 2000)'),
    preloader: z
      .strictObject({
        readyIntervalMs: ms.optional().describe('default 20'),
        windowMs: ms.optional().describe('default 1000'),
        logBaud: z.number().int().positive().optional().describe('default 921600'),
        logText: z.string().optional(),
      })
      .optional(),
  })
  .describe('MediaTek chip facts for the emulator');

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
      .regex(/^[a-z][a-z0-9_-]*$/, { error: 'expected a lower-case family name like stm32 or mediatek' })
      .describe('stm32 | mediatek | esp32 | another family name (script engine only)'),
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

/** For editors: chip is either kind. */
export const boardSchema = boardSchemaWith(z.union([stm32ChipSchema, mtkChipSchema, esp32ChipSchema]));
/** For the first pass of validation: chip is checked afterwards against the family's own schema. */
export const boardShapeSchema = boardSchemaWith(z.unknown());
export type BoardInput = z.infer<typeof boardShapeSchema>;
export type Stm32ChipInput = z.infer<typeof stm32ChipSchema>;
export type MtkChipInput = z.infer<typeof mtkChipSchema>;
export type StepInput = z.infer<typeof stepSchema>;
export type ScriptStepInput = z.infer<typeof scriptStep>;
