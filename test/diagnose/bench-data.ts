/** Small hand-built benches for diagnosis tests: trial records with chosen failure counts, no randomness. */
import type { Symptom, TrialComponents, TrialRecord } from '../../harness/core/record.js';

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
