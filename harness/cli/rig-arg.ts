/**
 * `--rig` of every command: a rig file (rigs/lab-3.yaml) or a rig id (lab-3, the file rigs/lab-3.yaml). Commands that
 * read the store (diagnose, report) also take an id the store knows without its file, or nothing when the store
 * holds one rig only.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchFactsOf } from '../config/bench-facts.js';
import { loadBench } from '../config/load.js';
import type { LoadedBench } from '../config/types.js';
import { InputError } from '../core/exit-codes.js';
import { nightRunOf, type TrialStore } from '../store/index.js';

export async function rigIdFromArg(arg: string | undefined, store: TrialStore): Promise<string> {
  if (arg && isRigFile(arg)) return loadBench(arg).rig.id;
  if (arg) return arg;
  const rigs = await store.rigs();
  if (rigs.length === 0) throw new InputError('the store holds no trials yet');
  if (rigs.length > 1) throw new InputError(`the store holds several rigs (${rigs.join(', ')}): choose one with --rig`);
  return rigs[0]!;
}

/** The rig a command runs (run, nightly): the file given, or rigs/<id>.yaml for an id. */
export function benchToRun(arg: string): LoadedBench {
  if (isRigFile(arg)) return loadBench(arg);
  const conventional = join('rigs', `${arg}.yaml`);
  if (!existsSync(conventional)) throw new InputError(`--rig ${arg}: no rig file ${conventional} (give the rig file's path, or the id of a file in rigs/)`);
  return loadBench(conventional);
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

/**
 * The rig and its profiles for reading the store: from the file given or rigs/<id>.yaml, else as the run that
 * stands for the night (default: the latest) kept them — a store read without the YAML files (on the lab's server)
 * is then diagnosed with each family's physics all the same. Undefined when neither exists.
 */
export async function benchForStore(arg: string | undefined, rigId: string, store: TrialStore, night?: string): Promise<LoadedBench | undefined> {
  const fromFile = benchFromArg(arg, rigId);
  if (fromFile) return fromFile;
  const which = night ?? (await store.nights(rigId)).at(-1);
  if (!which) return undefined;
  const run = nightRunOf(await store.runs({ rig: rigId, nights: [which] }));
  return run ? benchFactsOf(run.meta) : undefined;
}
