/**
 * Picks the emulator for a board profile: its family's (harness/families/index.ts). Its own timers (start-up,
 * watchdogs) run on the precise scheduler, in time order with the bytes the wire delivers to it, on the simulated
 * bench and behind `stub` alike: a busy process must not let a byte overtake the chip's start-up.
 */
import type { BoardProfile } from '../harness/config/types.js';
import type { Clock } from '../harness/core/clock.js';
import { preciseClock } from '../harness/core/precise-timer.js';
import { familyNamed } from '../harness/families/index.js';
import type { DeviceFaults, EmulatedDevice } from './device.js';

export function createDevice(profile: BoardProfile, clock: Clock, faults: DeviceFaults = {}): EmulatedDevice {
  const chip = profile.chip;
  const family = familyNamed(profile.family);
  if (!chip || !family) throw new Error(`board profile ${profile.id} has no chip facts to emulate`);
  return family.emulator.create(chip, profile, preciseClock(clock), faults);
}
