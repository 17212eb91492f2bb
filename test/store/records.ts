/** Trial records for store and diagnosis tests. */
import type { Symptom, TrialComponents, TrialRecord } from '../../harness/core/record.js';
import type { TrialQuery, TrialStore } from '../../harness/store/index.js';

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
