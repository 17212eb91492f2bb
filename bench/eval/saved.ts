/**
 * A night's trials saved once, re-scored many times: each scenario of an evaluation (its description, injected
 * faults and trial records) as one JSON file, so the diagnosis can be re-scored on the same outcomes without
 * running the runner again. Transcripts are left out: the diagnosis counts symptoms per cell, never bytes.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrialRecord } from '../../harness/core/record.js';
import type { FollowOnNight } from './follow-on.js';
import type { Scenario } from './scenario.js';

/** Where a scenario counts: a seeded fault scenario, a failure pattern (also a fault scenario), or fault-free. */
export type ScenarioRole = 'fault' | 'pattern' | 'fault-free';

export interface SavedScenario {
  role: ScenarioRole;
  scenario: Scenario;
  records: TrialRecord[];
  /** The nights after the report's swaps (absent in records saved before they were run). */
  followOn?: FollowOnNight[];
}

/** What the replay needs besides the scenarios: the run's settings. */
export interface SavedRun {
  seed: number;
  trialsPerDut: number;
  profiles: string[];
  /** Trials drawn by the synthetic generator (the diagnosis then gets no board profiles). */
  synthetic: boolean;
  /** Whether the scenarios carry their follow-on nights (absent in runs saved before they were run). */
  followOn?: boolean;
}

const RUN_FILE = 'run.json';

export function saveRun(dir: string, run: SavedRun): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, RUN_FILE), JSON.stringify(run, null, 2) + '\n');
}

/** Writes one scenario; `index` keeps the evaluation's order when the directory is read back. */
export function saveScenario(dir: string, index: number, saved: SavedScenario): void {
  mkdirSync(dir, { recursive: true });
  const bare = (records: TrialRecord[]) => records.map(({ transcript: _transcript, ...rest }) => ({ ...rest, transcript: [] }));
  const name = `${String(index).padStart(4, '0')}-${saved.role}-${saved.scenario.seed}.json`;
  const followOn = saved.followOn?.map((night) => ({ ...night, records: bare(night.records) }));
  writeFileSync(join(dir, name), JSON.stringify({ ...saved, records: bare(saved.records), ...(followOn ? { followOn } : {}) }));
}

export function loadRun(dir: string): { run: SavedRun; scenarios: SavedScenario[] } {
  const run = JSON.parse(readFileSync(join(dir, RUN_FILE), 'utf8')) as SavedRun;
  const files = readdirSync(dir).filter((f) => /^\d{4}-.*\.json$/.test(f)).sort();
  const scenarios = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as SavedScenario);
  return { run, scenarios };
}
