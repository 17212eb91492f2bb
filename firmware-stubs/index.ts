/** Picks the emulator for a board profile's family. */
import type { BoardProfile } from '../harness/config/types.js';
import type { Clock } from '../harness/core/clock.js';
import type { DeviceFaults, EmulatedDevice } from './device.js';
import { createStm32Device } from '../harness/families/stm32/emulator/index.js';
import { createMtkDevice } from '../harness/families/mediatek/emulator/index.js';
import { createEsp32Device } from '../harness/families/esp32/emulator/index.js';

export function createDevice(profile: BoardProfile, clock: Clock, faults: DeviceFaults = {}): EmulatedDevice {
  const chip = profile.chip;
  if (!chip) throw new Error(`board profile ${profile.id} has no chip facts to emulate`);
  switch (chip.family) {
    case 'stm32':
      return createStm32Device(chip, profile, clock, faults);
    case 'mediatek':
      return createMtkDevice(chip, profile, clock, faults);
    case 'esp32':
      return createEsp32Device(chip, profile, clock, faults);
  }
}
