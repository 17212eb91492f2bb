/** Small hand-built benches for diagnosis tests: trial records with chosen failure counts, no randomness. */
import type { LoadedBench, Rig } from '../../harness/config/types.js';
import type { Symptom, TrialComponents, TrialRecord } from '../../harness/core/record.js';
import { cellsFromRecords } from '../../harness/diagnose/cells.js';
import { diagnoseCells, type Diagnosis } from '../../harness/diagnose/diagnose.js';

export interface DutSpec {
  id: string;
  cable?: string;
  port?: string;
  hub?: string;
  supply: string;
  relays?: string[];
  profile?: string;
}

/** Trials of one DUT on one night: `failures` maps a symptom to how many trials end with it (the rest pass). */
export function trials(dut: DutSpec, night: string, count: number, failures: Partial<Record<Symptom, number>> = {}, runId = `run-${night}`): TrialRecord[] {
  const symptoms: Symptom[] = [];
  for (const [symptom, n] of Object.entries(failures) as Array<[Symptom, number]>) for (let i = 0; i < n; i++) symptoms.push(symptom);
  // Spread the failures over the night so that prefixes of the run see some of them.
  const step = symptoms.length === 0 ? 0 : count / symptoms.length;
  const bySeq = new Map<number, Symptom>();
  symptoms.forEach((s, i) => bySeq.set(Math.min(count, Math.floor(i * step) + 1), s));
  const components: TrialComponents = {
    dut: dut.id,
    cable: dut.cable ?? `c-${dut.id}`,
    port: dut.port ?? `p-${dut.id}`,
    supply: dut.supply,
    relays: dut.relays ?? [`rb-${dut.id}`],
    host: 'host',
  };
  if (dut.hub) components.hub = dut.hub;
  return Array.from({ length: count }, (_, i) => {
    const seq = i + 1;
    const symptom = bySeq.get(seq) ?? 'ok';
    return {
      runId,
      trialId: `${runId}/${dut.id}/${seq}`,
      rig: 'bench',
      dut: dut.id,
      seq,
      night,
      components,
      profile: dut.profile ?? 'stm32f1',
      profileDigest: 'x',
      startedAt: `${night}T01:00:00.000Z`,
      phases: { enterMs: 0, handshakeMs: 0, identifyMs: 0, leaveMs: 0, totalMs: 0 },
      resetToFirstByteMs: 20,
      retries: 0,
      transcript: [],
      result: symptom === 'ok' ? 'pass' : 'fail',
      symptom,
      detail: symptom,
    };
  });
}

/** Twelve DUTs: hub h1 (d1–d6), hub h2 (d7–d12); supplies of four (s1: d1–d4, s2: d5–d8, s3: d9–d12). */
export function twelveDuts(profile = 'stm32f1'): DutSpec[] {
  return Array.from({ length: 12 }, (_, i) => ({
    id: `d${i + 1}`,
    hub: i < 6 ? 'h1' : 'h2',
    port: `${i < 6 ? 'h1' : 'h2'}.p${(i % 6) + 1}`,
    supply: `s${Math.floor(i / 4) + 1}`,
    profile,
  }));
}

/** A low, even baseline: one corrupt trial in `every` for each DUT (the same count everywhere). */
export function baseline(count: number, every = 100): Partial<Record<Symptom, number>> {
  return { corrupt: Math.floor(count / every) };
}

/** A DUT of a loaded rig as trials record it: its cable, port (and the port's hub), supply and relay channels. */
export function specOf(rig: Rig, id: string): DutSpec {
  const dut = rig.duts.find((d) => d.id === id)!;
  const hub = rig.ports.find((p) => p.id === dut.port)?.hub;
  return {
    id,
    cable: dut.cable,
    port: dut.port,
    ...(hub ? { hub } : {}),
    supply: dut.supply,
    relays: Object.values(dut.pins).map((w) => w.channel),
    profile: dut.board,
  };
}

export type Faults = Record<string, Partial<Record<Symptom, number>>>;

/** A night on a loaded rig: every DUT runs `count` trials, the named ones fail as given, the rest at a low baseline. */
export function recordsOn(bench: LoadedBench, faults: Faults, night = '2026-11-20', count = 100): TrialRecord[] {
  return bench.rig.duts.flatMap((d) => trials(specOf(bench.rig, d.id), night, count, faults[d.id] ?? baseline(count)));
}

/** The diagnosis of such a night, with the rig and its profiles at hand. */
export function nightOn(bench: LoadedBench, faults: Faults): Diagnosis {
  return diagnoseCells(cellsFromRecords(recordsOn(bench, faults)), { rig: bench.rig.id, rigConfig: bench.rig, profiles: bench.profiles });
}
