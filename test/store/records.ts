/** Trial records for store and diagnosis tests. */
import type { Symptom, TrialComponents, TrialRecord } from '../../harness/core/record.js';
import { expect } from 'chai';
import { countsOfNights, type RunStatus, type TrialQuery, type TrialStore } from '../../harness/store/index.js';

/** Every record a query yields, in order. */
export async function all(store: TrialStore, query: TrialQuery): Promise<TrialRecord[]> {
  const records: TrialRecord[] = [];
  for await (const record of store.trialsFor(query)) records.push(record);
  return records;
}

export function makeRecord(fields: { runId?: string; dut?: string; seq: number; night?: string; symptom?: Symptom; components?: Partial<TrialComponents>; rig?: string }): TrialRecord {
  const runId = fields.runId ?? 'run-1';
  const dut = fields.dut ?? 'd1';
  const symptom = fields.symptom ?? 'ok';
  return {
    runId,
    trialId: `${runId}/${dut}/${fields.seq}`,
    rig: fields.rig ?? 'bench',
    dut,
    seq: fields.seq,
    night: fields.night ?? '2026-11-20',
    components: { dut, cable: `c-${dut}`, port: `p-${dut}`, hub: 'hub1', supply: 'psu1', relays: [`rb1.${dut}`], host: 'host', ...fields.components },
    profile: 'stm32f1',
    profileDigest: 'abc',
    startedAt: '2026-11-20T01:00:00.000Z',
    phases: { enterMs: 12, handshakeMs: 30, identifyMs: 8, leaveMs: 5, totalMs: 55 },
    resetToFirstByteMs: symptom === 'silent' ? null : 21.5,
    retries: 1,
    ...(symptom === 'silent' ? {} : { latencyMs: 1 + fields.seq / 4 }),
    transcript: [
      { t: 0, kind: 'edge', pin: 'reset', active: true, channel: 'rb1.1', planned: 0 },
      { t: 1500, kind: 'tx', data: '7f' },
      { t: 2100, kind: 'rx', data: symptom === 'ok' ? '79' : '68' },
      { t: 2200, kind: 'note', text: 'sync' },
    ],
    result: symptom === 'ok' ? 'pass' : 'fail',
    symptom,
    detail: symptom === 'ok' ? 'ok' : 'expected 79, got 68',
    identity: { productId: 0x410, bootloaderVersion: 0x22 },
  };
}

/**
 * One night run three times and an earlier night, in `store`: a completed nightly (2 trials), a `run` during the day
 * (3), a later nightly interrupted (1). Every store lists the runs with their trials and counts the chosen runs only,
 * so the night counts its completed nightly's 2 trials — not 6.
 */
export async function expectRunsOfANight(store: TrialStore): Promise<void> {
  const night = '2026-11-20';
  const runs: Array<[id: string, at: string, command: string, status: RunStatus, trials: number, n?: string]> = [
    ['early', '2026-11-19T01:00:00.000Z', 'nightly', 'completed', 1, '2026-11-19'],
    ['nightly-1', '2026-11-20T01:00:00.000Z', 'nightly', 'completed', 2],
    ['day-run', '2026-11-20T02:00:00.000Z', 'run', 'completed', 3],
    ['nightly-2', '2026-11-20T03:00:00.000Z', 'nightly', 'interrupted', 1],
  ];
  for (const [id, startedAt, command, status, trials, n] of runs) {
    await store.beginRun({ runId: id, rig: 'bench', night: n ?? night, startedAt, meta: { command } });
    for (let seq = 1; seq <= trials; seq++) await store.addTrial(makeRecord({ runId: id, seq, night: n ?? night, symptom: 'late' }));
    await store.endRun(id, status);
  }

  const listed = await store.runs({ rig: 'bench', nights: [night] });
  expect(listed.map((r) => [r.id, r.meta.command, r.status, r.trials])).to.deep.equal([
    ['nightly-1', 'nightly', 'completed', 2],
    ['day-run', 'run', 'completed', 3],
    ['nightly-2', 'nightly', 'interrupted', 1],
  ]);
  expect((await store.runs({ rig: 'bench' })).map((r) => r.id)).to.deep.equal(['early', 'nightly-1', 'day-run', 'nightly-2']);
  expect(await store.runs({ rig: 'bench', nights: [] })).to.deep.equal([]);
  const total = (counts: Array<{ count: number }>) => counts.reduce((sum, c) => sum + c.count, 0);
  expect(total(await store.symptomCounts({ rig: 'bench', nights: [night] }))).to.equal(6);
  expect(total(await store.symptomCounts({ rig: 'bench', nights: [night], runIds: ['day-run', 'nightly-2'] }))).to.equal(4);
  expect(await store.symptomCounts({ rig: 'bench', runIds: [] })).to.deep.equal([]);
  expect(total(await countsOfNights(store, { rig: 'bench', nights: ['2026-11-19', night] }))).to.equal(1 + 2);
  expect(total(await countsOfNights(store, { rig: 'bench', nights: [night], run: { id: 'nightly-2', night } }))).to.equal(1);
}
