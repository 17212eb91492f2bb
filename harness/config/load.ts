/**
 * The configuration API: load a board profile, a rig, or a rig with its profiles (a bench). Every loader throws
 * ConfigError (an InputError: exit 2, no stack trace) listing every problem as `file:line:col: key.path: message`.
 */
import { basename, dirname } from 'node:path';
import { asMap } from './raw.js';
import { readConfigSource } from './source.js';

export { loadProfile } from './board.js';
export { loadRig } from './rig.js';
export { loadBench, profileIdsIn } from './bench.js';
export { ConfigError, formatIssue, type ConfigIssue } from './issues.js';

export type ConfigKind = 'board' | 'rig';

/** Board or rig: by the folder it sits in (rigs/, boards/), else by a `duts:` key. Reads the file when it must. */
export function detectKind(file: string): ConfigKind {
  const folder = basename(dirname(file));
  if (folder === 'rigs') return 'rig';
  if (folder === 'boards') return 'board';
  const data = asMap(readConfigSource(file).data);
  return data && 'duts' in data ? 'rig' : 'board';
}
