/** The ESP32-family ROM loader emulator: the factory the simulated bench and the pty stub use. */
import type { BoardProfile } from '../../../config/types.js';
import type { Clock } from '../../../core/clock.js';
import type { DeviceFaults, EmulatedDevice } from '../../../../firmware-stubs/device.js';
import type { Esp32ChipFacts } from '../schema.js';
import { Esp32Device } from './device.js';

export function createEsp32Device(chip: Esp32ChipFacts, profile: BoardProfile, clock: Clock, faults: DeviceFaults = {}): EmulatedDevice {
  return new Esp32Device(chip, profile, clock, faults);
}

export { Esp32Device, type Esp32State, BROWNOUT_MAX_OFF_MS } from './device.js';
