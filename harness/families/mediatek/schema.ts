/**
 * What a MediaTek board profile may say, and what it becomes: the `mediatek` engine's protocol options (the
 * watchdog write), deadlines and `expect:` keys, the identity it reports, and the `chip:` facts the BROM/Preloader
 * emulator plays.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { byteValue, hexInt, ms, toInt } from '../../config/schema-parts.js';
import type { BoardProfile, ChipFacts } from '../../config/types.js';
import { parseHex } from '../../core/bytes.js';

/** The family's one name: `family:`, `protocol.engine:`. */
export const MEDIATEK = 'mediatek';

/** The two modes a MediaTek SoC answers in over UART: its boot ROM, or the Preloader it hands over to. */
export type MediatekMode = 'brom' | 'preloader';

// ---------------------------------------------------------------- protocol

export const mediatekProtocolKeys = {
  watchdog: z
    .strictObject({ address: hexInt, value: hexInt })
    .describe('WRITE32 right after the handshake that disables the watchdog, e.g. 0x10007000 / 0x22000064'),
};

export const mediatekDeadlines = {
  handshakeMs: 'The whole A0 0A 50 05 handshake',
  byteMs: 'Each echoed handshake byte',
};

export interface MediatekOptions {
  /** Written with WRITE32 right after the handshake, or the SoC resets within seconds. */
  watchdog: { address: number; value: number };
}

/** The options of a profile that uses the mediatek engine (undefined for another engine, e.g. a script). */
export function mediatekOptionsOf(profile: BoardProfile): MediatekOptions | undefined {
  return profile.protocol.engine === MEDIATEK ? (profile.protocol.options as MediatekOptions) : undefined;
}

export function toMediatekOptions(input: { watchdog: { address: number | string; value: number | string } }): MediatekOptions {
  return { watchdog: { address: toInt(input.watchdog.address), value: toInt(input.watchdog.value) } };
}

// ---------------------------------------------------------------- expect and identity

export const mediatekExpectKeys = {
  hwCode: hexInt.optional().describe('mediatek: hw_code from GET_HW_CODE, e.g. 0x0766'),
  mode: z.enum(['brom', 'preloader']).optional().describe('mediatek: mode the board must answer in (default brom)'),
};

export interface MediatekExpected {
  /** hw_code from GET_HW_CODE, e.g. 0x0766. */
  hwCode?: number;
  /** The mode the board must be in. */
  mode: MediatekMode;
}

export function toMediatekExpected(e: { hwCode?: number | string; mode?: MediatekMode }): MediatekExpected {
  return { ...(e.hwCode !== undefined ? { hwCode: toInt(e.hwCode) } : {}), mode: e.mode ?? 'brom' };
}

/** What a MediaTek boot ROM says about itself (the trial's identity). */
export type MediatekIdentity = {
  hwCode?: number;
  hwSubcode?: number;
  hwVersion?: number;
  swVersion?: number;
  targetConfig?: number;
  mode?: MediatekMode;
};

// ---------------------------------------------------------------- chip

const hexString = (bytes: number) =>
  z
    .string({ error: `expected ${bytes} bytes as a hex string in quotes` })
    .regex(new RegExp(`^([0-9a-fA-F]{2}[ :]?){${bytes - 1}}[0-9a-fA-F]{2}$`), { error: `expected ${bytes} bytes as a hex string` });

export const mediatekChipSchema = z
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
        readyIntervalMs: ms.optional().meta({
          deprecated: true,
          description:
            'Not used: over UART the Preloader sends READY once per boot (the ~20 ms repeat is USB CDC behaviour, which is not emulated). Still accepted so older profiles validate.',
        }),
        windowMs: ms.optional().describe('default 1000'),
        logBaud: z.number().int().positive().optional().describe('default 921600'),
        logText: z.string().optional(),
      })
      .optional(),
  })
  .describe('MediaTek chip facts for the emulator');

export type MediatekChipInput = z.infer<typeof mediatekChipSchema>;

/** Facts a MediaTek BROM/Preloader emulator needs to play this chip. */
export interface MediatekChipFacts extends ChipFacts {
  family: 'mediatek';
  hwCode: number;
  hwSubcode: number;
  hwVersion: number;
  swVersion: number;
  targetConfig: number;
  /** GET_VERSION answer in BROM. */
  bromVersion: number;
  /** GET_BL_VER answer in Preloader. */
  preloaderVersion: number;
  meId: Uint8Array;
  socId: Uint8Array;
  /** Time from power-on to BROM listening. */
  startupMs: number;
  /** The SoC resets if the watchdog is not disabled within this time after the handshake. */
  watchdogTimeoutMs: number;
  preloader: {
    /** How long the preloader listens for a handshake before booting on. */
    windowMs: number;
    /** Baud of the log text printed after booting on. */
    logBaud: number;
    logText: string;
  };
}

/** The watchdog's timeout when a profile's chip facts give none: MediaTek SoCs reset "within seconds". */
export const DEFAULT_WATCHDOG_TIMEOUT_MS = 2000;

/** A stable made-up id when the profile gives none: the same board always reports the same id. */
function derivedId(hwCode: number, label: string, bytes: number): Uint8Array {
  return createHash('sha256').update(`${label}:${hwCode}`).digest().subarray(0, bytes);
}

export function toMediatekChip(c: MediatekChipInput): MediatekChipFacts {
  const hwCode = toInt(c.hwCode);
  const opt = (v: number | string | undefined, fallback: number) => (v === undefined ? fallback : toInt(v));
  return {
    family: 'mediatek',
    hwCode,
    hwSubcode: opt(c.hwSubcode, 0x8a00),
    hwVersion: opt(c.hwVersion, 0xca00),
    swVersion: opt(c.swVersion, 0),
    targetConfig: opt(c.targetConfig, 0),
    bromVersion: opt(c.bromVersion, 0x05),
    preloaderVersion: opt(c.preloaderVersion, 0x01),
    meId: c.meId ? parseHex(c.meId) : derivedId(hwCode, 'meid', 16),
    socId: c.socId ? parseHex(c.socId) : derivedId(hwCode, 'socid', 32),
    startupMs: c.startupMs ?? 100,
    watchdogTimeoutMs: c.watchdogTimeoutMs ?? DEFAULT_WATCHDOG_TIMEOUT_MS,
    preloader: {
      windowMs: c.preloader?.windowMs ?? 1000,
      logBaud: c.preloader?.logBaud ?? 921600,
      logText: c.preloader?.logText ?? '[PL] boot reason: power key\r\n[PL] jump to LK\r\n',
    },
  };
}
