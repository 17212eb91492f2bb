/**
 * How a scenario becomes trial records: the real runner on the simulated bench, in simulated time (the default),
 * or the synthetic generator (fast, for the statistics alone).
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProfile } from '../../harness/config/load.js';
import type { BoardProfile, PinDef, Rig } from '../../harness/config/types.js';
import type { TrialRecord } from '../../harness/core/record.js';
import { VirtualClock } from '../../harness/core/virtual-clock.js';
import { familyNamed } from '../../harness/families/index.js';
import { runBench } from '../../harness/runner/run.js';
import { simulatedWorld } from '../../harness/sim/world.js';
import type { ProfileSketch, Scenario } from './scenario.js';
import { syntheticRecords } from './synthetic.js';

export interface ExecuteOptions {
  trialsPerDut: number;
  night: string;
}

export type Executor = (scenario: Scenario, options: ExecuteOptions) => Promise<TrialRecord[]>;

export const syntheticExecutor: Executor = async (scenario, options) =>
  syntheticRecords(scenario.rig, { trialsPerDut: options.trialsPerDut, night: options.night, seed: scenario.seed });

const BOARDS = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'boards');

/** The real runner over the simulated bench, with the board profiles whose chips have an emulator. */
export interface RealRunner {
  profiles: Map<string, BoardProfile>;
  sketches: ProfileSketch[];
  /** Runs every DUT of a simulated rig for `trialsPerDut` trials in simulated time. */
  run(rig: Rig, options: { trialsPerDut: number; night: string; seed: number }): Promise<TrialRecord[]>;
}


/** Loads boards/*.yaml (or the given ids among them) and returns the runner over them. */
export async function loadRealRunner(only?: string[], boardsDir = BOARDS): Promise<RealRunner> {
  const files = existsSync(boardsDir) ? readdirSync(boardsDir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
  const profiles = new Map<string, BoardProfile>();
  const sketches: ProfileSketch[] = [];
  for (const file of files) {
    let profile: BoardProfile;
    try {
      profile = await loadProfile(join(boardsDir, file));
    } catch {
      continue; // a profile that does not load is the config's business, not the evaluation's
    }
    if (only && !only.includes(profile.id)) continue;
    // Boards whose family has an emulator, stuck outside its boot ROM by the family's wrong mode.
    const family = familyNamed(profile.family);
    if (!family || !profile.chip) continue;
    profiles.set(profile.id, profile);
    // The pin that restarts the board first (its role reset or power), then the mode pins.
    const pins = Object.values(profile.pins).sort((a, b) => rank(a) - rank(b)).map((pin) => pin.name);
    sketches.push({ id: profile.id, pins, wrongMode: family.simulation.wrongMode, family: family.name, engine: profile.protocol.engine });
  }
  if (sketches.length === 0) throw new Error(`no loadable board profile with an emulated chip in ${boardsDir}`);
  return {
    profiles,
    sketches,
    async run(rig, options) {
      const bench = { rig, profiles };
      const summary = await runBench(
        bench,
        {
          world: simulatedWorld(bench, { clock: new VirtualClock(), seed: options.seed }),
          trialsPerDut: options.trialsPerDut,
          night: options.night,
          runId: `${rig.id}-${options.night}`,
          concurrency: rig.duts.length,
          portReturnMs: 3000,
        },
      );
      return summary.records;
    },
  };
}

export function runnerExecutor(runner: RealRunner): Executor {
  return (scenario, options) => runner.run(scenario.rig, { trialsPerDut: options.trialsPerDut, night: options.night, seed: scenario.seed });
}

function rank(pin: PinDef): number {
  return pin.role === 'reset' || pin.role === 'power' ? 0 : 1;
}
