/**
 * The ESP32 emulator on a ManualClock, for emulator and engine tests: the shipped profiles, a recording of what
 * the chip sends (and at which baud), EN and the boot strap moved like the profile's enter steps, and a
 * MemoryLink wired to the chip for the engine (with an optional hand on the bytes going either way).
 */
import { loadProfile } from '../../../harness/config/load.js';
import type { BoardProfile } from '../../../harness/config/types.js';
import { ManualClock } from '../../../harness/core/clock.js';
import type { DeviceFaults } from '../../../firmware-stubs/device.js';
import { Esp32Device } from '../../../harness/families/esp32/emulator/index.js';
import type { Esp32ChipFacts } from '../../../harness/families/esp32/schema.js';
import { decodeResponse, encodeCommand, type Response } from '../../../harness/families/esp32/packets.js';
import { SlipDecoder, slipEncode } from '../../../harness/link/slip.js';
import { MemoryLink } from '../../../harness/link/memory-link.js';

export const PROFILES = {
  esp32: 'boards/esp32-devkitc.yaml',
  s3: 'boards/esp32-s3-devkitc.yaml',
  c3: 'boards/esp32-c3-devkitm.yaml',
} as const;
export type Board = keyof typeof PROFILES;

/** A fresh copy of a shipped profile; `chip` edits its chip facts. */
export function esp32Profile(board: Board, chip: Partial<Esp32ChipFacts> = {}): BoardProfile {
  const profile = loadProfile(PROFILES[board]);
  profile.chip = { ...(profile.chip as Esp32ChipFacts), ...chip };
  return profile;
}

export interface Chip {
  clock: ManualClock;
  device: Esp32Device;
  profile: BoardProfile;
  /** Every transmission: bytes, baud, clock time. */
  sent: Array<{ bytes: Uint8Array; baud: number; at: number }>;
  /** Everything sent, as latin1 text. */
  text(): string;
  /** Every SLIP frame sent, decoded as a response (status after `bodyBytes` of data). */
  responses(bodyBytes?: number): Response[];
  /** Sends one command to the chip, SLIP-framed, and lets it answer. */
  command(op: number, data?: Uint8Array, chk?: number): void;
  /** EN low, then EN high with the strap held (or not), as the profile's enter steps do; then the start-up. */
  reset(download: boolean): void;
}

export function chip(board: Board, options: { chip?: Partial<Esp32ChipFacts>; faults?: DeviceFaults } = {}): Chip {
  const clock = new ManualClock();
  const profile = esp32Profile(board, options.chip);
  const device = new Esp32Device(profile.chip as Esp32ChipFacts, profile, clock, options.faults ?? {});
  const sent: Chip['sent'] = [];
  device.onTransmit((bytes, baud) => sent.push({ bytes, baud, at: clock.now() }));
  device.setPower(true);
  clock.advance(200);
  return {
    clock,
    device,
    profile,
    sent,
    text: () => sent.map((s) => Buffer.from(s.bytes).toString('latin1')).join(''),
    responses(bodyBytes = 0) {
      const decoder = new SlipDecoder();
      return sent
        .flatMap((s) => decoder.push(s.bytes))
        .flatMap((e) => (e.kind === 'frame' ? [decodeResponse(e.payload, bodyBytes)] : []))
        .filter((r): r is Response => !('invalid' in r));
    },
    command(op, data = new Uint8Array(0), chk = 0) {
      device.receive(slipEncode(encodeCommand(op, data, chk)));
      clock.advance(1);
    },
    reset(download) {
      device.setPin('boot', false);
      device.setPin('reset', true);
      clock.advance(100);
      device.setPin('boot', download);
      device.setPin('reset', false);
      clock.advance(100);
      device.setPin('boot', false);
    },
  };
}

export interface Wired {
  clock: ManualClock;
  device: Esp32Device;
  link: MemoryLink;
  profile: BoardProfile;
}

/**
 * The engine's view: a MemoryLink to the chip, bytes taking 0.5 ms either way. `toHost` / `toChip` may change
 * or drop what passes (a damaged cable); the chip is reset into download mode (or not) before the link opens.
 */
export function wired(
  board: Board,
  options: {
    chip?: Partial<Esp32ChipFacts>;
    faults?: DeviceFaults;
    /** The profile the engine runs with (another board's, to play a wrong board). */
    engineProfile?: Board;
    download?: boolean;
    toHost?: (bytes: Uint8Array) => Uint8Array;
    toChip?: (bytes: Uint8Array) => Uint8Array;
  } = {},
): Wired {
  const c = chip(board, options);
  const link = new MemoryLink({
    clock: c.clock,
    send: (bytes) => {
      const out = options.toChip ? options.toChip(bytes) : bytes;
      if (out.length) c.clock.setTimer(0.5, () => c.device.receive(out));
    },
  });
  c.device.onTransmit((bytes) => {
    const out = options.toHost ? options.toHost(bytes) : bytes;
    if (out.length) c.clock.setTimer(0.5, () => link.deliver(out));
  });
  c.reset(options.download ?? true);
  const profile = options.engineProfile ? esp32Profile(options.engineProfile) : c.profile;
  return { clock: c.clock, device: c.device, link, profile };
}
