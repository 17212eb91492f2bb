/** The STM32 system-memory bootloader emulator (AN3155 USART protocol, AN2606 boot pins). */
import type { BoardProfile } from '../../../config/types.js';
import type { Stm32ChipFacts } from '../schema.js';
import type { Clock } from '../../../core/clock.js';
import type { DeviceFaults, EmulatedDevice } from '../../../../firmware-stubs/device.js';
import { Stm32Device } from './device.js';

export { Stm32Device } from './device.js';
export { ACK, NACK, CMD, TIMING } from './commands.js';

export function createStm32Device(
  chip: Stm32ChipFacts,
  profile: BoardProfile,
  clock: Clock,
  faults: DeviceFaults = {},
): EmulatedDevice {
  return new Stm32Device(chip, profile, clock, faults);
}
