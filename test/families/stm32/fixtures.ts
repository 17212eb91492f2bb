/** The shipped STM32 profiles for emulator tests: an F103 (Erase 0x43, 1 KiB pages) and an F407 (Extended Erase, sectors). */
import { loadProfile } from '../../../harness/config/load.js';
import type { BoardProfile } from '../../../harness/config/types.js';
import type { Stm32ChipFacts } from '../../../harness/families/stm32/schema.js';

/** A fresh copy each call: tests change chip facts and expectations on it. */
export function f103Profile(): BoardProfile {
  return loadProfile('boards/stm32f103c8.yaml');
}

export function f407Profile(): BoardProfile {
  return loadProfile('boards/stm32f407vg.yaml');
}

export function f103Chip(): Stm32ChipFacts {
  return f103Profile().chip as Stm32ChipFacts;
}

export function f407Chip(): Stm32ChipFacts {
  return f407Profile().chip as Stm32ChipFacts;
}
