/** MediaTek BROM + Preloader emulator: the factory the bench and the pty stub use. */
import type { BoardProfile } from '../../../config/types.js';
import type { MediatekChipFacts } from '../schema.js';
import type { Clock } from '../../../core/clock.js';
import type { DeviceFaults, EmulatedDevice } from '../../../../firmware-stubs/device.js';
import { MediatekDevice } from './device.js';

export function createMediatekDevice(
  chip: MediatekChipFacts,
  profile: BoardProfile,
  clock: Clock,
  faults: DeviceFaults = {},
): EmulatedDevice {
  return new MediatekDevice(chip, profile, clock, faults);
}

export { MediatekDevice, type MediatekState } from './device.js';
export { xor16le } from './checksum.js';
export { CMD, STATUS, HANDSHAKE_BYTES, PROTOCOL_BAUD, DA_RUNNING_MARKER, READY_TEXT } from './constants.js';
