/**
 * Every chip family, one line each. The profile schema (family, engine, expect and chip keys), the emulators, the
 * stub's flags, the simulated modes and the evaluation all come from this list: adding a family is its folder
 * plus one line here (docs/families.md).
 */
import type { PhysicsTable } from '../diagnose/physics.js';
import type { Family } from './family.js';
import { esp32Family } from './esp32/index.js';
import { mediatekFamily } from './mediatek/index.js';
import { stm32Family } from './stm32/index.js';

export const FAMILIES: readonly Family[] = [
  stm32Family,
  mediatekFamily,
  esp32Family,
];

/** The family of this name, or undefined for a family with no plug-in (its boards use the script engine). */
export function familyNamed(name: string | undefined): Family | undefined {
  return FAMILIES.find((f) => f.name === name);
}

/** The family that once went by this name (a former family or engine name), if any. */
export function familyFormerlyNamed(name: string): Family | undefined {
  return FAMILIES.find((f) => f.formerNames?.includes(name));
}

/** Every family's symptom physics by family name, for the callers of the diagnosis to hand in. */
export const FAMILY_PHYSICS: PhysicsTable = new Map(FAMILIES.map((f) => [f.name, f.physics]));
