/**
 * A synthetic night for the report tests: a rig of two hubs and two supplies, six DUTs (one named like an
 * injection attempt), trials with transcripts, a diagnosis that flags a cable, and two weeks of history.
 */
import type { Rig } from '../../harness/config/types.js';
import { toHex } from '../../harness/core/bytes.js';
import { asHarnessError, type Symptom, type TranscriptEvent, type TrialComponents, type TrialRecord } from '../../harness/core/record.js';
import { Rng } from '../../harness/core/rng.js';
import type { ComponentDiagnosis, DiagnosisResult } from '../../harness/diagnose/types.js';
import { collectReportData } from '../../harness/report/summarize.js';
import type { HistoryPoint, ReportInput } from '../../harness/report/types.js';
import type { Ack } from '../../harness/store/types.js';

export const EVIL = '<script>alert(1)</script>';
export const NIGHT = '2026-11-21';
export const RUN_ID = 'run-2026-11-21-0130';

interface DutPlan {
  id: string;
  board: string;
  port: string;
  cable: string;
  supply: string;
  relays: [string, string];
  /** Chance and kind of failure per trial. */
  fail: Array<{ symptom: Symptom; p: number }>;
}

export const DUT_PLANS: DutPlan[] = [
  { id: 'f103-a', board: 'stm32f103', port: 'h1.1', cable: 'c1', supply: 'psu-a', relays: ['rb1.1', 'rb1.2'], fail: [] },
  { id: 'f103-b', board: 'stm32f103', port: 'h1.2', cable: 'c2', supply: 'psu-a', relays: ['rb1.3', 'rb1.4'], fail: [{ symptom: 'corrupt', p: 0.2 }] },
  { id: EVIL, board: 'stm32f103', port: 'h1.3', cable: 'c3', supply: 'psu-b', relays: ['rb1.5', 'rb1.6'], fail: [{ symptom: 'unexpected-reply', p: 0.03 }] },
  { id: 'mt6765-a', board: 'mt6765', port: 'h2.1', cable: 'c4', supply: 'psu-b', relays: ['rb2.1', 'rb2.2'], fail: [{ symptom: 'late', p: 0.04 }, { symptom: 'reset-mid', p: 0.02 }] },
  { id: 'mt6765-b', board: 'mt6765', port: 'h2.2', cable: 'c5', supply: 'psu-b', relays: ['rb2.3', 'rb2.4'], fail: [] },
  { id: 'f407', board: 'stm32f407', port: 'usb1', cable: 'c6', supply: 'psu-a', relays: ['rb2.5', 'rb2.6'], fail: [{ symptom: 'port-lost', p: 0.01 }] },
];

export function syntheticRig(): Rig {
  return {
    id: 'lab-3',
    title: 'Lab 3 bench (shelf B)',
    kind: 'simulated',
    host: 'bench-pc',
    sim: { seed: 7 },
    nightly: { trialsPerDut: 200, concurrency: 4, trialTimeoutMs: 5000, historyNights: 14 },
    relays: [
      { id: 'rb1', driver: 'sim', polarity: 'active-low', channels: [1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ id: `rb1.${n}`, board: 'rb1', channel: n, safe: 'open' as const })) },
      { id: 'rb2', driver: 'sim', polarity: 'active-low', channels: [1, 2, 3, 4, 5, 6].map((n) => ({ id: `rb2.${n}`, board: 'rb2', channel: n, safe: 'open' as const })) },
    ],
    hubs: [{ id: 'h1' }, { id: 'h2' }],
    ports: [
      { id: 'h1.1', hub: 'h1' },
      { id: 'h1.2', hub: 'h1' },
      { id: 'h1.3', hub: 'h1' },
      { id: 'h2.1', hub: 'h2' },
      { id: 'h2.2', hub: 'h2' },
      { id: 'h2.3', hub: 'h2' },
      { id: 'usb1' },
    ],
    cables: ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'].map((id) => ({ id, ...(id === 'c2' ? { notes: 'blue 1 m cable, bought 2026-11' } : {}) })),
    supplies: [{ id: 'psu-a' }, { id: 'psu-b', notes: `bench supply ${EVIL}` }],
    duts: [
      ...DUT_PLANS.map((p) => ({
        id: p.id,
        board: p.board,
        cable: p.cable,
        port: p.port,
        supply: p.supply,
        pins: { boot0: { channel: p.relays[0], closed: 'active' as const }, reset: { channel: p.relays[1], closed: 'active' as const } },
      })),
      // On the bench, but taken out of service: it is not run and nothing is judged from its missing trials.
      {
        id: 'f030',
        board: 'stm32f030',
        cable: 'c7',
        port: 'h2.3',
        supply: 'psu-a',
        pins: { boot0: { channel: 'rb1.7', closed: 'active' as const }, reset: { channel: 'rb1.8', closed: 'active' as const } },
        health: 'maintenance' as const,
        notes: 'reflashing its option bytes',
      },
    ],
    digest: 'sha256:1f3a9c',
    file: 'rigs/lab-3.yaml',
  };
}

export function componentsOf(p: DutPlan): TrialComponents {
  const hub = p.port.startsWith('h') ? p.port.slice(0, 2) : undefined;
  return { dut: p.id, cable: p.cable, port: p.port, ...(hub ? { hub } : {}), supply: p.supply, relays: [...p.relays], host: 'bench-pc' };
}

const ASCII = (s: string) => toHex(new TextEncoder().encode(s));

/** The enter sequence's edges, the sync and the identify, with a tail that depends on the symptom. */
function transcript(symptom: Symptom, rng: Rng, dut: string): { events: TranscriptEvent[]; mismatch?: TrialRecord['mismatch']; detail: string } {
  const jitter = () => rng.int(0, 300);
  const ev: TranscriptEvent[] = [
    { t: 0, kind: 'note', text: 'enter' },
    { t: 120 + jitter(), kind: 'edge', pin: 'boot0', active: true, channel: 'rb1.1', planned: 100 },
    { t: 160 + jitter(), kind: 'edge', pin: 'reset', active: true, channel: 'rb1.2', planned: 150 },
    { t: 20_200 + jitter(), kind: 'edge', pin: 'reset', active: false, channel: 'rb1.2', planned: 20_150 },
    { t: 70_000, kind: 'note', text: 'handshake' },
    { t: 70_050, kind: 'tx', data: '7F' },
  ];
  if (symptom === 'corrupt') {
    ev.push({ t: 70_900, kind: 'rx', data: 'F9 00' });
    ev.push({ t: 81_000, kind: 'note', text: 'sync: expected 79, got F9 00' });
    return { events: ev, mismatch: { expected: '79', got: 'F9 00', at: 81_000 }, detail: 'sync: expected 79, got F9 00 (one bit off: cable, connector or ground?)' };
  }
  if (symptom === 'unexpected-reply') {
    ev.push({ t: 70_700, kind: 'rx', data: ASCII(EVIL) });
    ev.push({ t: 85_000, kind: 'note', text: `sync: expected 79, got ${ASCII(EVIL)}` });
    return {
      events: ev,
      mismatch: { expected: '79', got: ASCII(EVIL), at: 85_000 },
      detail: `expected 79, got 3C ('<', printable: the board prints text "${EVIL}" — boot pins?)`,
    };
  }
  ev.push({ t: 70_800 + jitter(), kind: 'rx', data: '79' });
  ev.push({ t: 71_000, kind: 'note', text: 'identify' });
  ev.push({ t: 71_100, kind: 'tx', data: '02 FD' });
  ev.push({ t: 71_900 + jitter(), kind: 'rx', data: '79 01 04 10 79' });
  if (symptom === 'ok') {
    ev.push({ t: 72_500, kind: 'edge', pin: 'boot0', active: false, channel: 'rb1.1', planned: 72_400 });
    return { events: ev, detail: `STM32 0x410 bootloader 2.2 on ${dut}` };
  }
  if (symptom === 'late') return { events: ev, detail: 'GET_VERSION answered after 612 ms (deadline 200 ms): slow power ramp?' };
  if (symptom === 'reset-mid') return { events: ev, detail: 'the device restarted mid-handshake (banner again): brown-out?' };
  if (symptom === 'port-lost') return { events: ev, detail: 'the serial port vanished (EIO) — USB port, hub or cable?' };
  return { events: ev, detail: `${symptom}` };
}

export function* syntheticRecords(trialsPerDut = 200, seed = 1, plans: DutPlan[] = DUT_PLANS): Generator<TrialRecord> {
  const rng = new Rng(seed);
  for (const p of plans) {
    const r = rng.fork(p.id);
    for (let seq = 1; seq <= trialsPerDut; seq++) {
      let symptom: Symptom = 'ok';
      for (const f of p.fail) if (r.chance(f.p)) symptom = f.symptom;
      // The first trial of each failing DUT fails, so every run has its sample.
      if (seq === 3 && p.fail.length) symptom = p.fail[0]!.symptom;
      const t = transcript(symptom, r, p.id);
      const handshakeMs = 0.8 + r.next() * 2 + (symptom === 'late' ? 600 : 0);
      const record: TrialRecord = {
        runId: RUN_ID,
        trialId: `${RUN_ID}/${p.id}/${seq}`,
        rig: 'lab-3',
        dut: p.id,
        seq,
        night: NIGHT,
        components: componentsOf(p),
        profile: p.board,
        profileDigest: `sha256:${p.board}`,
        startedAt: new Date(Date.UTC(2026, 10, 21, 0, 30, 0) + seq * 1000).toISOString(),
        phases: { enterMs: 70, handshakeMs, identifyMs: 1.2, leaveMs: 3, totalMs: 75 + handshakeMs },
        resetToFirstByteMs: symptom === 'port-lost' ? null : 50 + r.next() * 5,
        retries: symptom === 'ok' ? 0 : 1,
        transcript: t.events,
        result: symptom === 'ok' ? 'pass' : 'fail',
        symptom,
        detail: t.detail,
        ...(t.mismatch ? { mismatch: t.mismatch } : {}),
      };
      // f407's relay controller is slow now and then: a few harness errors, never charged to the hardware.
      yield p.id === 'f407' && seq % 50 === 7 ? lateEdge(record) : record;
    }
  }
}

/** The trial as the harness records it when an edge of its enter sequence left the host far too late. */
function lateEdge(record: TrialRecord): TrialRecord {
  return asHarnessError(record, 'edge-late', 'edge reset released left the host 412.0 ms after its planned time (the profile allows 250 ms: timing.edgeToleranceMs)');
}

const NIGHTS = Array.from({ length: 14 }, (_, i) => new Date(Date.UTC(2026, 10, 8 + i)).toISOString().slice(0, 10));

function component(id: string, kind: ComponentDiagnosis['kind'], verdict: ComponentDiagnosis['verdict'], over: Partial<ComponentDiagnosis> = {}): ComponentDiagnosis {
  const failures = verdict === 'bad' ? 41 : verdict === 'watch' ? 14 : 1;
  return {
    id,
    kind,
    verdict,
    evidence: {
      trials: 200,
      failures,
      failureRate: failures / 200,
      poolRate: 0.012,
      pValue: verdict === 'bad' ? 1.2e-19 : verdict === 'watch' ? 0.03 : 0.9,
      ochiai: verdict === 'bad' ? 0.91 : 0.2,
      symptoms: verdict === 'bad' ? { corrupt: 41 } : verdict === 'watch' ? { late: 9, 'reset-mid': 5 } : {},
      symptomFit: verdict === 'bad' ? 0.95 : 0.6,
      summary:
        verdict === 'bad'
          ? `41 of 200 trials failed (20.5%) vs 1.2% on the rest of the bench; all corrupt (single-bit errors)`
          : `${failures} of 200 trials failed`,
    },
    action: verdict === 'bad' ? 'Replace cable c2 (or swap it with c1 to confirm)' : verdict === 'watch' ? 'Measure psu-b under load at the next maintenance' : '',
    ...over,
  };
}

export function syntheticDiagnosis(): DiagnosisResult {
  const c2History = NIGHTS.map((night, i) => ({ night, trials: 200, passRate: i < 10 ? 1 : 0.8 }));
  return {
    rig: 'lab-3',
    night: NIGHT,
    windowNights: NIGHTS,
    trials: 1200,
    failures: 70,
    components: [
      component('c2', 'cable', 'bad', {
        confoundedWith: ['h1.2'],
        indistinguishableFrom: ['h1.2'],
        separatingSwap: 'swap cable c2 with c1 tomorrow',
        changedSince: 'failing since 2026-11-18, the first night with cable c2',
        history: c2History,
        news: 'known',
        previousVerdict: 'bad',
      }),
      component('psu-b', 'supply', 'watch', { history: NIGHTS.map((night) => ({ night, trials: 600, passRate: 0.98 })), news: 'new', previousVerdict: 'ok' }),
      component(EVIL, 'dut', 'ok', { history: NIGHTS.map((night) => ({ night, trials: 200, passRate: 0.97 })) }),
      component('h1', 'hub', 'ok'),
      component('f103-a', 'dut', 'ok'),
    ],
    profiles: [{ id: 'mt6765', verdict: 'watch', summary: 'both mt6765 boards are late now and then', action: 'raise deadlines.handshakeMs to 3000 in boards/mt6765.yaml' }],
    previousNight: '2026-11-20',
    fixed: [{ id: 'c6', kind: 'cable', previousVerdict: 'suspect', verdict: 'ok' }],
  };
}

/** psu-b is watched, and a person said why: an ack that covers it. */
export function syntheticAcks(): Ack[] {
  return [
    {
      id: 1,
      rig: 'lab-3',
      kind: 'supply',
      component: 'psu-b',
      by: 'anna',
      note: `new bench supply ordered ${EVIL}`,
      since: '2026-11-20T09:12:00.000Z',
      until: '2026-12-05',
      scope: { verdict: 'watch', symptoms: ['late', 'reset-mid'] },
    },
  ];
}

export function syntheticHistory(): HistoryPoint[] {
  const out: HistoryPoint[] = [];
  for (const night of NIGHTS) {
    for (const p of DUT_PLANS) {
      const broken = p.id === 'f103-b' && night >= '2026-11-18';
      out.push({ night, dut: p.id, trials: 200, passes: broken ? 160 : p.fail.length ? 196 : 200 });
    }
  }
  return out;
}

export function syntheticInput(trialsPerDut = 200): ReportInput {
  const data = collectReportData(syntheticRecords(trialsPerDut), { failingPerDut: 5 });
  return {
    run: {
      runId: RUN_ID,
      rig: 'lab-3',
      night: NIGHT,
      startedAt: '2026-11-21T00:30:00.000Z',
      endedAt: '2026-11-21T02:05:31.000Z',
      status: 'completed',
      host: 'lab3-pc.example',
      hostComponent: 'bench-pc',
      maxMinutes: null,
      versions: { shakedown: '0.1.0', node: 'v20.19.0' },
      rigDigest: 'sha256:1f3a9c',
      profileDigests: { stm32f103: 'sha256:stm32f103', stm32f407: 'sha256:stm32f407', mt6765: 'sha256:mt6765' },
    },
    // f407's adapter went missing at the end of the night: its last trials were not run.
    notRun: [{ dut: 'f407', trials: 3, reason: 'port-missing', detail: `cannot open the serial port: ENOENT (${EVIL}); it was not back within 30 s` }],
    // mt6765-a's late trials left its parts at watch: follow-up trials (f103-a's for the pool) ran out of budget before deciding.
    followUp: {
      status: 'done', maxTrials: 40, maxMinutes: 30, trials: 40, endedBy: 'max-trials', poolDuts: ['f103-a'],
      units: [{ components: [{ kind: 'dut', id: 'mt6765-a', verdict: 'watch' }, { kind: 'cable', id: 'c4', verdict: 'watch' }], duts: ['mt6765-a'], trials: 40, tally: { trials: 240, failures: 15 }, pool: { trials: 800, failures: 20 }, decision: 'undecided' }],
    },
    // The night was run twice: an earlier run interrupted, this one completed and standing for the night.
    nightRuns: [
      { runId: 'run-2026-11-21-0010', command: 'nightly', status: 'interrupted', startedAt: '2026-11-21T00:10:00.000Z', endedAt: '2026-11-21T00:20:00.000Z', trials: 95, standsForNight: false },
      { runId: RUN_ID, command: 'nightly', status: 'completed', startedAt: '2026-11-21T00:30:00.000Z', endedAt: '2026-11-21T02:05:31.000Z', trials: 1197, standsForNight: true },
    ],
    rig: syntheticRig(),
    perDut: data.perDut,
    failingTrials: data.failingTrials,
    sampleTrial: data.sampleTrial,
    diagnosis: syntheticDiagnosis(),
    history: syntheticHistory(),
    acks: syntheticAcks(),
  };
}

/**
 * A night whose one problem is known: only f103-b fails (its cable c2 corrupts), and c2 is acknowledged — the night
 * of "known problems only".
 */
export function acknowledgedInput(trialsPerDut = 200): ReportInput {
  const plans = DUT_PLANS.map((p) => (p.id === 'f103-b' ? p : { ...p, fail: [] }));
  const data = collectReportData(syntheticRecords(trialsPerDut, 1, plans), { failingPerDut: 5 });
  const input = syntheticInput(trialsPerDut);
  const diagnosis = syntheticDiagnosis();
  diagnosis.components = diagnosis.components.filter((c) => c.id !== 'psu-b');
  diagnosis.profiles = [];
  return {
    ...input,
    notRun: [],
    perDut: data.perDut,
    failingTrials: data.failingTrials,
    sampleTrial: data.sampleTrial,
    diagnosis,
    acks: [
      {
        id: 2,
        rig: 'lab-3',
        kind: 'cable',
        component: 'c2',
        by: 'ben',
        note: 'replacement cable on order, swap on Monday',
        since: '2026-11-19T08:30:00.000Z',
        until: null,
        scope: { verdict: 'bad', symptoms: ['corrupt'] },
      },
    ],
  };
}
