/**
 * A store full of history, fast: N trial records spread over a number of nights of a rig, written with
 * the store's addTrials in large transactions. Every DUT has a small baseline of failures; a few planted faults (a noisy
 * cable, a weak supply, a flaky hub, a board going wrong late in the month) give the diagnosis something to find.
 * Transcripts are small but real-looking (edges, a sync, Get Version, Get ID).
 */
import type { Dut, LoadedBench } from '../../harness/config/types.js';
import type { Identity, Symptom, TranscriptEvent, TrialRecord } from '../../harness/core/record.js';
import { Rng } from '../../harness/core/rng.js';
import { componentsOf } from '../../harness/runner/run.js';
import { openStore } from '../../harness/store/index.js';

export interface SynthOptions {
  file: string;
  bench: LoadedBench;
  nights: number;
  records: number;
  seed?: number;
  /** First night, YYYY-MM-DD. */
  firstNight?: string;
  onNight?: (night: string, written: number) => void;
}

export interface SynthResult {
  nights: string[];
  /** Run ids by night. */
  runs: Map<string, string>;
  records: number;
}

const BATCH = 20_000;
const BASELINE = 0.004;

export function nightsFrom(first: string, count: number): string[] {
  const start = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
}

export async function synthesiseStore(options: SynthOptions): Promise<SynthResult> {
  const { bench } = options;
  const rig = bench.rig;
  const nights = nightsFrom(options.firstNight ?? '2026-01-01', options.nights);
  const perNight = Math.ceil(options.records / nights.length);
  const perDut = Math.max(1, Math.ceil(perNight / rig.duts.length));
  const faults = plantFaults(rig.duts);
  const rng = new Rng(options.seed ?? 7);
  const store = await openStore(options.file);
  const runs = new Map<string, string>();
  let written = 0;
  try {
    for (const [n, night] of nights.entries()) {
      const runId = `${rig.id}-${night.replace(/-/g, '')}`;
      runs.set(night, runId);
      await store.beginRun({ runId, rig, night, startedAt: `${night}T01:00:00.000Z`, meta: { command: 'bench' } });
      let batch: TrialRecord[] = [];
      for (const dut of rig.duts) {
        const profile = bench.profiles.get(dut.board)!;
        const components = componentsOf(bench, dut, Object.values(dut.pins).map((p) => p.channel));
        for (let seq = 1; seq <= perDut && written + batch.length < options.records; seq++) {
          const symptom = drawSymptom(rng, faults, dut, components.hub, n, nights.length);
          batch.push(recordOf({ runId, rigId: rig.id, night, dut, seq, profile: profile.id, digest: profile.digest, components, symptom, rng }));
          if (batch.length >= BATCH) {
            await store.addTrials(batch);
            written += batch.length;
            batch = [];
          }
        }
      }
      await store.addTrials(batch);
      written += batch.length;
      await store.endRun(runId, 'completed');
      options.onNight?.(night, written);
    }
  } finally {
    await store.close();
  }
  return { nights, runs, records: written };
}

interface PlantedFaults {
  cable?: string;
  supply?: string;
  hub?: string;
  lateDut?: string;
}

/** Faults on fixed positions of the fleet, so every run of the benchmark finds the same ones. */
function plantFaults(duts: Dut[]): PlantedFaults {
  const at = (i: number) => duts[Math.min(duts.length - 1, i)];
  return { cable: at(4)?.cable, supply: at(12)?.supply, hub: undefined, lateDut: at(19)?.id };
}

function drawSymptom(rng: Rng, f: PlantedFaults, dut: Dut, hub: string | undefined, night: number, nights: number): Symptom {
  if (dut.cable === f.cable && rng.chance(0.05)) return 'corrupt';
  if (dut.supply === f.supply && rng.chance(0.08)) return rng.chance(0.7) ? 'reset-mid' : 'late';
  if (hub !== undefined && hub === 'hub9' && rng.chance(0.02)) return 'port-lost';
  if (dut.id === f.lateDut && night >= nights - 5 && rng.chance(0.3)) return 'wrong-mode';
  if (rng.chance(BASELINE)) return rng.pick(['corrupt', 'silent', 'late'] as const);
  return 'ok';
}

export interface RecordParts {
  runId: string;
  rigId: string;
  night: string;
  dut: Dut;
  seq: number;
  profile: string;
  digest: string;
  components: TrialRecord['components'];
  symptom: Symptom;
  rng: Rng;
}

const IDENTITY: Identity = { productId: 0x410, bootloaderVersion: 0x22 };

export function recordOf(p: RecordParts): TrialRecord {
  const ok = p.symptom === 'ok';
  const jitter = p.rng.next();
  const record: TrialRecord = {
    runId: p.runId,
    trialId: `${p.runId}/${p.dut.id}/${p.seq}`,
    rig: p.rigId,
    dut: p.dut.id,
    seq: p.seq,
    night: p.night,
    components: p.components,
    profile: p.profile,
    profileDigest: p.digest,
    startedAt: `${p.night}T01:${String(Math.floor(p.seq / 60) % 60).padStart(2, '0')}:${String(p.seq % 60).padStart(2, '0')}.000Z`,
    phases: { enterMs: 130, handshakeMs: 0.5 + jitter, identifyMs: ok ? 30 + jitter : 0, leaveMs: 10, totalMs: ok ? 172 + jitter : 660 },
    resetToFirstByteMs: p.symptom === 'silent' ? null : 60 + jitter * 2,
    retries: ok ? 0 : 1,
    transcript: TRANSCRIPTS[p.symptom] ?? TRANSCRIPTS.ok!,
    result: ok ? 'pass' : 'fail',
    symptom: p.symptom,
    detail: DETAILS[p.symptom] ?? p.symptom,
  };
  if (ok) record.identity = IDENTITY;
  if (p.symptom === 'corrupt') record.mismatch = { expected: '79 22 00 00 79', got: '79 22 80 00 79', at: 131_936 };
  return record;
}

const ENTER: TranscriptEvent[] = [
  { t: 330, kind: 'edge', pin: 'boot0', active: true, channel: 'rb1.2', planned: 328 },
  { t: 331, kind: 'edge', pin: 'boot1', active: false, channel: 'rb1.3', planned: 328 },
  { t: 345, kind: 'edge', pin: 'reset', active: true, channel: 'rb1.1', planned: 328 },
  { t: 10_340, kind: 'edge', pin: 'reset', active: false, channel: 'rb1.1', planned: 10_328 },
  { t: 130_378, kind: 'note', text: 'handshake' },
  { t: 130_410, kind: 'tx', data: '7F' },
];
const LEAVE: TranscriptEvent[] = [
  { t: 161_803, kind: 'edge', pin: 'boot0', active: false, channel: 'rb1.2', planned: 161_708 },
  { t: 161_837, kind: 'edge', pin: 'reset', active: true, channel: 'rb1.1', planned: 161_708 },
  { t: 171_776, kind: 'edge', pin: 'reset', active: false, channel: 'rb1.1', planned: 171_708 },
];
const note = (t: number, text: string): TranscriptEvent => ({ t, kind: 'note', text });

const TRANSCRIPTS: Partial<Record<Symptom, TranscriptEvent[]>> = {
  ok: [
    ...ENTER,
    { t: 130_944, kind: 'rx', data: '79' },
    note(130_979, 'identify'),
    { t: 130_998, kind: 'tx', data: '01 FE' },
    { t: 131_936, kind: 'rx', data: '79 22 00 00 79' },
    { t: 133_440, kind: 'tx', data: '02 FD' },
    { t: 134_394, kind: 'rx', data: '79 01 04 10 79' },
    ...LEAVE,
    note(171_941, 'pass: ok — PID 0x410, bootloader v2.2'),
  ],
  corrupt: [
    ...ENTER,
    { t: 130_944, kind: 'rx', data: '79' },
    { t: 130_998, kind: 'tx', data: '01 FE' },
    { t: 131_936, kind: 'rx', data: '79 22 80 00 79' },
    ...LEAVE,
    note(171_941, 'fail: corrupt — Get Version: expected 00, got 80 (one bit differs)'),
  ],
  silent: [...ENTER, { t: 630_410, kind: 'tx', data: '7F' }, ...LEAVE, note(671_941, 'fail: silent — nothing after sync (7F)')],
  late: [...ENTER, { t: 640_944, kind: 'rx', data: '79' }, ...LEAVE, note(671_941, 'fail: late — sync answered after its deadline')],
  'reset-mid': [
    ...ENTER,
    { t: 130_944, kind: 'rx', data: '79' },
    { t: 130_998, kind: 'tx', data: '01 FE' },
    { t: 140_000, kind: 'tx', data: '7F' },
    { t: 140_200, kind: 'rx', data: '79' },
    ...LEAVE,
    note(171_941, 'fail: reset-mid — the bootloader answered a fresh sync mid-session'),
  ],
  'port-lost': [...ENTER, note(131_000, 'port vanished: EIO'), note(131_100, 'error: port-lost — port vanished: EIO')],
  'wrong-mode': [
    ...ENTER,
    { t: 131_000, kind: 'rx', data: '62 6C 69 6E 6B 79 20 76 31 2E 30 20 72 65 61 64 79 0D 0A' },
    ...LEAVE,
    note(171_941, "fail: wrong-mode — the application's banner, not the bootloader"),
  ],
};

const DETAILS: Partial<Record<Symptom, string>> = {
  ok: 'PID 0x410, bootloader v2.2',
  corrupt: 'Get Version: expected 00, got 80 (one bit differs: noisy line?)',
  silent: 'nothing after sync (7F) for 1500 ms — boot pins, power, TX/RX?',
  late: 'sync answered after 640 ms (deadline 500 ms)',
  'reset-mid': 'the bootloader answered a fresh sync mid-session: brown-out?',
  'port-lost': 'port vanished: EIO',
  'wrong-mode': "the application's banner 'blinky v1.0 ready' instead of the bootloader — BOOT0 not held?",
};
