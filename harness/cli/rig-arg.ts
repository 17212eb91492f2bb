/**
 * `--rig` of the commands that read the store (diagnose, report): a rig file (rigs/lab-3.yaml), or a rig id as the
 * store knows it (lab-3), or nothing when the store holds one rig only.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadBench } from '../config/load.js';
import type { LoadedBench } from '../config/types.js';
import { InputError } from '../core/exit-codes.js';
import type { TrialStore } from '../store/index.js';

export async function rigIdFromArg(arg: string | undefined, store: TrialStore): Promise<string> {
  if (arg && isRigFile(arg)) return loadBench(arg).rig.id;
  if (arg) return arg;
  const rigs = await store.rigs();
  if (rigs.length === 0) throw new InputError('the store holds no trials yet');
  if (rigs.length > 1) throw new InputError(`the store holds several rigs (${rigs.join(', ')}): choose one with --rig`);
  return rigs[0]!;
}

/** The rig and its profiles: from the file given, else rigs/<id>.yaml; undefined when neither exists. */
export function benchFromArg(arg: string | undefined, rigId: string): LoadedBench | undefined {
  if (arg && isRigFile(arg)) return loadBench(arg);
  const conventional = join('rigs', `${rigId}.yaml`);
  return existsSync(conventional) ? loadBench(conventional) : undefined;
}

function isRigFile(arg: string): boolean {
  return /\.ya?ml$/i.test(arg) || arg.includes('/');
}
