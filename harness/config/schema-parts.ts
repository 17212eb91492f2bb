/** Building blocks shared by the board and rig schemas. */
import { z } from 'zod';

/** An integer written plainly (`1040`, `0x410` — YAML reads both as numbers) or as a quoted string `"0x410"`. */
const HEX_INT_HINT = 'expected a non-negative integer, or a hex string like "0x410"';
export const hexInt = z.union(
  [
    z.number({ error: HEX_INT_HINT }).int({ error: HEX_INT_HINT }).nonnegative({ error: HEX_INT_HINT }),
    z.string({ error: HEX_INT_HINT }).regex(/^(0[xX][0-9a-fA-F]+|[0-9]+)$/, { error: HEX_INT_HINT }),
  ],
  { error: HEX_INT_HINT },
);

/** The number a validated hexInt stands for. */
export function toInt(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

/** A duration in milliseconds. */
export const ms = z.number().int().nonnegative();

/** A duration that must be longer than nothing: a pulse, an off time, a deadline (0 would never let a board answer). */
export const positiveMs = z.number().int().positive();

/** One byte's value, written plainly (`127`, `0x7F`) or as a quoted string `"0x7F"`: 0–255. */
const BYTE_HINT = 'expected a byte value 0–255, or a hex string like "0x7F"';
export const byteValue = z.union(
  [
    z.number({ error: BYTE_HINT }).int({ error: BYTE_HINT }).min(0).max(0xff),
    z.string({ error: BYTE_HINT }).regex(/^(0[xX]0*[0-9a-fA-F]{1,2}|0*(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[0-9]{1,2}))$/, { error: BYTE_HINT }),
  ],
  { error: BYTE_HINT },
);

/** A probability in [0, 1]. */
export const rate = z.number().min(0).max(1);

/** Names of components on a rig: a letter, then letters, digits, `-` or `_`. */
export const componentId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, { error: 'expected an id: a letter, then letters, digits, "-" or "_"' });

/** Port ids may be dotted to show where they sit (`hub1.p1`, `pc.usb2`). */
export const dottedId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/, { error: 'expected an id like "hub1.p1": letters, digits, "-", "_", dots between parts' });

/** Logical pin names (reset, boot0, power, kcol0). */
export const pinName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, { error: 'expected a pin name: a letter, then letters, digits or "_"' });

export const serialSettings = z
  .strictObject({
    baud: z.number().int().min(50).max(4_000_000).optional().describe('Bits per second, e.g. 115200'),
    dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).optional(),
    parity: z.enum(['none', 'even', 'odd']).optional(),
    stopBits: z.union([z.literal(1), z.literal(2)]).optional(),
  })
  .describe("Serial line settings; defaults 115200 8N1, or what the engine needs (its family's README in harness/families/<family>)");
export type SerialInput = z.infer<typeof serialSettings>;

/** USB vendor/product ids are strings of four hex digits, as the OS lists them. */
const USB_ID_HINT = 'expected four hex digits in quotes, e.g. "0403"';
const usbId = z.string({ error: USB_ID_HINT }).regex(/^[0-9a-fA-F]{4}$/, { error: USB_ID_HINT });

export const portMatch = z
  .strictObject({
    path: z.string().min(1).optional().describe('Device path, e.g. /dev/ttyUSB0 (changes when adapters renumber)'),
    serialNumber: z.string().min(1).optional().describe('USB serial number of the adapter (see `shakedown ports`)'),
    vendorId: usbId.optional().describe('USB vendor id, e.g. "0403" (FTDI), "1a86" (CH340)'),
    productId: usbId.optional().describe('USB product id, e.g. "6001"'),
    location: z.string().min(1).optional().describe('Physical USB location or pnpId, stable per socket'),
  })
  .describe('How to find a serial port: by path, or by USB identity');
export type PortMatchInput = z.infer<typeof portMatch>;
