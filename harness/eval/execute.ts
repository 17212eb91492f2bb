/**
 * How a scenario becomes trial records: the real runner on the simulated bench (the default when the runner and the
 * board profiles are there), or the synthetic generator (fast, for the statistics alone).
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BoardProfile, LoadedBench } from '../config/types.js';
import type { TrialRecord } from '../core/record.js';
import type { ProfileSketch, Scenario } from './scenario.js';
import { syntheticRecords } from './synthetic.js';

export interface ExecuteOptions {
  trialsPerDut: number;
  night: string;
}

export type Executor = (scenario: Scenario, options: ExecuteOptions) => Promise<TrialRecord[]>;

export interface ExecutionMode {
  name: 'runner' | 'synthetic';
  execute: Executor;
  /** The profiles generated rigs may use. */
  profiles?: ProfileSketch[];
  /** Why the runner is not used, when it is not. */
  note?: string;
}

export const syntheticExecutor: Executor = async (scenario, options) =>
  syntheticRecords(scenario.rig, { trialsPerDut: options.trialsPerDut, night: options.night, seed: scenario.seed });

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A mode the emulator can be stuck in that is not its boot ROM. */
function wrongModeOf(profile: BoardProfile): string | undefined {
  if (profile.chip?.family === 'stm32') return 'app';
  if (profile.chip?.family === 'mediatek') return 'preloader';
  return undefined;
}

/**
 * The real runner, when harness/runner/run.ts, harness/config/load.ts and boards/*.yaml with emulated chips are all
 * there; otherwise the synthetic generator, with a note saying what was missing.
 */
export async function chooseExecution(prefer: 'runner' | 'synthetic' = 'runner'): Promise<ExecutionMode> {
  if (prefer === 'synthetic') return { name: 'synthetic', execute: syntheticExecutor };
  const fallback = (note: string): ExecutionMode => ({ name: 'synthetic', execute: syntheticExecutor, note });
  const boardsDir = join(REPO, 'boards');
  const files = existsSync(boardsDir) ? readdirSync(boardsDir).filter((f) => /\.ya?ml$/.test(f)) : [];
  if (files.length === 0) return fallback('no boards/*.yaml profiles yet');
  let runner: { runBench: (bench: LoadedBench, options: Record<string, unknown>) => Promise<{ records: TrialRecord[] }> };
  let loader: { loadProfile: (file: string) => BoardProfile | Promise<BoardProfile> };
  try {
    // Specifiers in variables: these modules are optional at type-check time.
    const runSpec = '../runner/run.js';
    const loadSpec = '../config/load.js';
    runner = (await import(runSpec)) as typeof runner;
    loader = (await import(loadSpec)) as typeof loader;
  } catch (error) {
    return fallback(`runner or profile loader not loadable: ${(error as Error).message.split('\n')[0]}`);
  }
  const profiles = new Map<string, BoardProfile>();
  const sketches: ProfileSketch[] = [];
  for (const file of files) {
    try {
      const profile = await loader.loadProfile(join(boardsDir, file));
      const wrongMode = wrongModeOf(profile);
      if (!wrongMode) continue;
      profiles.set(profile.id, profile);
      // The pin that restarts the board first (reset or power), then the mode pins.
      const pins = Object.keys(profile.pins).sort((a, b) => rank(a) - rank(b));
      sketches.push({ id: profile.id, pins, wrongMode });
    } catch {
      // A profile that does not load is the config's business, not the evaluation's.
    }
  }
  if (sketches.length === 0) return fallback('no loadable board profile with an emulated chip');
  const execute: Executor = async (scenario, options) => {
    const bench: LoadedBench = { rig: scenario.rig, profiles };
    const summary = await runner.runBench(bench, {
      trialsPerDut: options.trialsPerDut,
      night: options.night,
      runId: `${scenario.rig.id}-${options.night}`,
      concurrency: scenario.rig.duts.length,
      seed: scenario.seed,
      portReturnMs: 3000,
    });
    return summary.records;
  };
  return { name: 'runner', execute, profiles: sketches };
}

function rank(pin: string): number {
  return pin === 'reset' || pin === 'power' ? 0 : 1;
}
