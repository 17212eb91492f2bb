/** MediaTek BROM + Preloader emulator: the factory the bench and the pty stub use. */
import type { BoardProfile, MtkChipFacts } from '../../../config/types.js';
import type { Clock } from '../../../core/clock.js';
import type { DeviceFaults, EmulatedDevice } from '../../../../firmware-stubs/device.js';
import { MtkDevice } from './device.js';

export function createMtkDevice(
  chip: MtkChipFacts,
  profile: BoardProfile,
  clock: Clock,
  faults: DeviceFaults = {},
): EmulatedDevice {
  return new MtkDevice(chip, profile, clock, faults);
}

export { MtkDevice, type MtkState } from './device.js';
export { xor16le } from './checksum.js';
export { CMD, STATUS, HANDSHAKE_BYTES, PROTOCOL_BAUD, DA_RUNNING_MARKER, READY_TEXT } from './constants.js';
