/**
 * The handshake engines a profile may name: the generic script engine, and each registered family's own.
 */
import { FAMILIES } from '../families/index.js';
import type { EngineDescriptor } from './engine.js';
import { scriptEngine } from './script.js';

export const ENGINES: readonly EngineDescriptor[] = [...FAMILIES.map((family) => family.engine), scriptEngine];

/** The engine of this name, or undefined. */
export function engineNamed(name: string | undefined): EngineDescriptor | undefined {
  return ENGINES.find((e) => e.name === name);
}
