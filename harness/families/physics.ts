/**
 * Every family's symptom physics by family name, for the callers of the diagnosis (CLI, nightly, report,
 * evaluation) to hand in. The core diagnosis defines the shape (harness/diagnose/physics.ts) and imports no family.
 */
import type { PhysicsTable } from '../diagnose/physics.js';
import { esp32Physics } from './esp32/physics.js';
import { mediatekPhysics } from './mediatek/physics.js';
import { stm32Physics } from './stm32/physics.js';

export const FAMILY_PHYSICS: PhysicsTable = new Map([stm32Physics, mediatekPhysics, esp32Physics].map((p) => [p.family, p]));
