import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { ManualClock } from '../../harness/core/clock.js';
import { MAX_TRANSCRIPT_EVENTS, Transcript } from '../../harness/core/transcript.js';
import { asHarnessError, type TrialRecord } from '../../harness/core/record.js';
import { InputError } from '../../harness/core/exit-codes.js';
import { MissingStoreError, openStore, type TrialStore } from '../../harness/store/index.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../harness/store/sqlite/schema.js';
import { SqliteTrialStore } from '../../harness/store/sqlite/store.js';
import { all, expectRunsOfANight, makeRecord } from './records.js';


describe('store', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-store-'));
    file = join(dir, 'history.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips a trial record, transcript included, and keeps the run', async () => {
    const store = await openStore(file);
    const runId = await store.beginRun({ rig: 'bench', night: '2026-11-20', meta: { trialsPerDut: 3 } });
    const record = makeRecord({ runId, seq: 1, symptom: 'unexpected-reply' });
    record.mismatch = { expected: '79', got: '68', at: 2100 };
    await store.addTrial(record);
    await store.endRun(runId, 'completed');

    const [withTranscript] = await all(store, { rig: 'bench', transcripts: true });
    expect(withTranscript).to.deep.equal(record);
    const [without] = await all(store, { rig: 'bench' });
    expect(without!.transcript).to.deep.equal([]);
    expect(without!.identity).to.deep.equal({ productId: 0x410, bootloaderVersion: 0x22 });

    const run = (await store.findRun({ rig: 'bench', night: '2026-11-20' }))!;
    expect(run.id).to.equal(runId);
    expect(run.status).to.equal('completed');
    expect(run.meta).to.deep.equal({ trialsPerDut: 3 });
    expect(run.endedAt).to.be.a('string');
    await store.close();
  });

  it('keeps a record without hub, identity or first byte as it was', async () => {
    const store = await openStore(file);
    const record = makeRecord({ seq: 1, symptom: 'silent' });
    delete record.components.hub;
    delete record.identity;
    await store.addTrial(record);
    const [back] = await all(store, { rig: 'bench', transcripts: true });
    expect(back).to.deep.equal(record);
    expect(back!.resetToFirstByteMs).to.equal(null);
    await store.close();
  });

  it('keeps the follow-up mark of a trial and what the follow-up of its run decided', async () => {
    const store = await openStore(file);
    const runId = await store.beginRun({ rig: 'bench', night: '2026-11-20', meta: { command: 'nightly' } });
    const planned = makeRecord({ runId, seq: 1 });
    const followUp: TrialRecord = { ...makeRecord({ runId, seq: 2, symptom: 'corrupt' }), followUp: true };
    await store.addTrial(planned);
    await store.addTrial(followUp);
    await store.setRunMeta(runId, { command: 'nightly', followUp: { trials: 1, endedBy: 'decided' } });
    const back = await all(store, { rig: 'bench', transcripts: true });
    expect(back).to.deep.equal([planned, followUp]);
    expect(back[0]).to.not.have.property('followUp');
    expect((await store.run(runId))!.meta).to.deep.equal({ command: 'nightly', followUp: { trials: 1, endedBy: 'decided' } });
    await store.close();
  });

  it('keeps a harness error with its reason and no symptom, out of the symptom counts, and the trials a run did not attempt', async () => {
    const store = await openStore(file);
    const runId = await store.beginRun({ rig: 'bench', night: '2026-11-20' });
    await store.addTrial(makeRecord({ runId, seq: 1 }));
    const error = asHarnessError(makeRecord({ runId, seq: 2, symptom: 'silent' }), 'edge-late', 'edge power asserted left the host 120.9 ms late');
    await store.addTrial(error);
    await store.setNotRun(runId, [{ dut: 'd2', trials: 7, reason: 'port-missing', detail: 'ENOENT' }]);
    const [, back] = await all(store, { rig: 'bench', transcripts: true });
    expect(back).to.deep.equal(error);
    expect(back).to.include({ result: 'error', symptom: null, reason: 'edge-late' });
    expect(back!.detail).to.match(/120\.9 ms late \(the trial itself had ended fail: silent\)$/);
    const counts = await store.symptomCounts({ rig: 'bench' });
    expect(counts.map((c) => [c.symptom, c.count])).to.deep.equal([['ok', 1]]);
    expect((await store.run(runId))!.notRun).to.deep.equal([{ dut: 'd2', trials: 7, reason: 'port-missing', detail: 'ENOENT' }]);
    await store.close();
  });

  it('lets the caller use the store between the records it reads, and stops reading when the caller stops', async () => {
    const store = await openStore(file);
    const runId = await store.beginRun({ rig: 'bench', night: '2026-11-20' });
    await store.addTrials([1, 2, 3].map((seq) => makeRecord({ runId, seq })));
    const seen: number[] = [];
    for await (const record of store.trialsFor({ rig: 'bench', runId })) {
      seen.push(record.seq);
      // A lookup and a write while the read is under way: the records read are the ones there when it began.
      expect(await store.lastSeq(runId, 'd1')).to.be.at.least(3);
      await store.addTrial(makeRecord({ runId, seq: 10 + record.seq }));
      if (record.seq === 3) break;
    }
    expect(seen).to.deep.equal([1, 2, 3]);
    expect(await store.completedSeqs(runId, 'd1')).to.deep.equal([1, 2, 3, 11, 12, 13]);
    await store.close();
  });

  it('opens by location: a missing store for a reader is bad input, a URL of another database is refused', async () => {
    const missing = join(dir, 'nope.db');
    for (const options of [{ readonly: true }, { mustExist: true }]) {
      const error = await openStore(missing, options).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(MissingStoreError).and.instanceOf(InputError);
      expect((error as Error).message).to.equal(`no store at ${missing}`);
    }
    expect(existsSync(missing)).to.equal(false);
    const url = await openStore('mysql://lab/shakedown').then(() => undefined, (e: unknown) => e);
    expect(url).to.be.instanceOf(InputError);
    expect((url as Error).message).to.equal('store mysql://lab/shakedown: give a SQLite file path or a postgres:// (postgresql://) URL');
  });

  it('brings a store of schema 1 up to date: its old error trials become reasoned errors, and a read-only reader can open it', async () => {
    const old = new Database(file);
    MIGRATIONS[0]!(old);
    old.pragma('user_version = 1');
    old.prepare(`INSERT INTO runs (id, rig, night, started_at, host, versions, status, meta) VALUES ('r', 'bench', '2026-11-20', '2026-11-20T01:00:00Z', 'h', '{}', 'completed', '{}')`).run();
    const insert = old.prepare(`INSERT INTO trials (run_id, trial_id, rig, dut, seq, night, started_at, result, symptom, detail, profile, profile_digest,
      cable, port, hub, supply, relays, host, phases, retries, transcript) VALUES ('r', ?, 'bench', 'd1', ?, '2026-11-20', '2026-11-20T01:00:00Z', ?, ?, ?,
      'p', 'x', 'c1', 'p1', '', 'psu1', '["rb1.1"]', 'h', '{}', 0, x'')`);
    insert.run('r/d1/1', 1, 'pass', 'ok', 'ok');
    insert.run('r/d1/2', 2, 'error', 'silent', 'harness error: boom');
    old.close();

    const reader = SqliteTrialStore.open(file, { readonly: true });
    expect(reader.schemaVersion).to.equal(SCHEMA_VERSION);
    const trials = await all(reader, { rig: 'bench' });
    expect(trials[1]).to.include({ result: 'error', symptom: null, reason: 'exception', detail: 'harness error: boom' });
    expect((await reader.symptomCounts({ rig: 'bench' })).map((c) => [c.symptom, c.count])).to.deep.equal([['ok', 1]]);
    expect((await reader.run('r'))!.notRun).to.deep.equal([]);
    await reader.close();
  });

  it('runs in WAL mode with synchronous NORMAL and a versioned schema', async () => {
    const store = SqliteTrialStore.open(file);
    expect(store.db.pragma('journal_mode', { simple: true })).to.equal('wal');
    expect(store.db.pragma('synchronous', { simple: true })).to.equal(1);
    expect(store.schemaVersion).to.equal(SCHEMA_VERSION);
    await store.close();
    const raw = new Database(file);
    expect(raw.pragma('user_version', { simple: true })).to.equal(SCHEMA_VERSION);
    raw.close();
  });

  it('refuses a file written by a newer schema', () => {
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => SqliteTrialStore.open(file)).to.throw(/newer/);
  });

  it('filters by nights and run, lists nights, completed trials and symptom counts', async () => {
    const store = await openStore(file);
    const a = await store.beginRun({ runId: 'a', rig: 'bench', night: '2026-11-19' });
    const b = await store.beginRun({ runId: 'b', rig: 'bench', night: '2026-11-20' });
    for (let seq = 1; seq <= 4; seq++) await store.addTrial(makeRecord({ runId: a, seq, night: '2026-11-19', symptom: seq === 2 ? 'corrupt' : 'ok' }));
    for (const seq of [1, 2, 5]) await store.addTrial(makeRecord({ runId: b, seq, night: '2026-11-20', symptom: 'late' }));
    await store.addTrial(makeRecord({ runId: 'x', seq: 1, rig: 'other' }));

    expect(await store.nights('bench')).to.deep.equal(['2026-11-19', '2026-11-20']);
    expect(await store.rigs()).to.deep.equal(['bench', 'other']);
    expect((await all(store, { rig: 'bench', nights: ['2026-11-20'] })).map((r) => r.seq)).to.deep.equal([1, 2, 5]);
    expect(await all(store, { rig: 'bench', runId: 'a' })).to.have.length(4);
    expect(await store.completedSeqs(b, 'd1')).to.deep.equal([1, 2, 5]);
    expect(await store.lastSeq(b, 'd1')).to.equal(5);
    expect(await store.lastSeq(b, 'd9')).to.equal(0);
    const counts = await store.symptomCounts({ rig: 'bench', nights: ['2026-11-19'] });
    expect(counts.map((c) => [c.symptom, c.count]).sort()).to.deep.equal([['corrupt', 1], ['ok', 3]]);
    expect(counts[0]!.relays).to.deep.equal(['rb1.d1']);
    expect(counts.map((c) => [c.symptom, c.latency]), 'the round trips each configuration measured').to.deep.equal([
      ['corrupt', { trials: 1, sumMs: 1.5 }],
      ['ok', { trials: 3, sumMs: 5 }],
    ]);
    expect(counts[0]!.hub).to.equal('hub1');
    await store.close();
  });

  it('lists a night’s runs with their trials, and counts the trials of the runs chosen for each night', async () => {
    const store = await openStore(file);
    try {
      await expectRunsOfANight(store);
    } finally {
      await store.close();
    }
  });

  it('finds the latest run of a night to resume, and the same trial written twice stays one', async () => {
    const store = await openStore(file);
    await store.beginRun({ runId: 'first', rig: 'bench', night: '2026-11-20', startedAt: '2026-11-20T01:00:00.000Z' });
    await store.beginRun({ runId: 'second', rig: 'bench', night: '2026-11-20', startedAt: '2026-11-20T03:00:00.000Z' });
    expect((await store.findRun({ rig: 'bench', night: '2026-11-20' }))!.id).to.equal('second');
    expect(await store.findRun({ rig: 'bench', night: '2026-11-21' })).to.equal(undefined);
    await store.addTrial(makeRecord({ runId: 'second', seq: 1 }));
    await store.addTrial(makeRecord({ runId: 'second', seq: 1, symptom: 'late' }));
    expect((await all(store, { rig: 'bench' })).map((r) => r.symptom)).to.deep.equal(['late']);
    await store.close();
  });

  it('keeps a flooding trial’s transcript bounded, with a note where it stopped', async () => {
    const store = await openStore(file);
    const record = makeRecord({ seq: 1, symptom: 'flood' });
    const transcript = new Transcript(new ManualClock());
    for (let i = 0; i < MAX_TRANSCRIPT_EVENTS + 500; i++) transcript.add({ kind: 'rx', data: '55' });
    record.transcript = transcript.events;
    await store.addTrial(record);
    const [back] = await all(store, { rig: 'bench', transcripts: true });
    expect(back!.transcript).to.have.length(MAX_TRANSCRIPT_EVENTS);
    expect(back!.transcript.at(-1)).to.deep.include({ kind: 'note' });
    await store.close();
  });

  it('keeps every committed trial when the writer is killed with SIGKILL', async () => {
    const script = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let lastCommitted = 0;
    let buffered = '';
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', () => resolve());
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) if (line) lastCommitted = Number(line);
        if (lastCommitted >= 300 && !child.killed) child.kill('SIGKILL');
      });
    });
    expect(child.signalCode).to.equal('SIGKILL');
    expect(existsSync(`${file}-wal`)).to.equal(true);
    const store = await openStore(file);
    const seqs = await store.completedSeqs('crash-run', 'd1');
    // Everything reported committed is there; at most the trial in flight when the signal landed is extra.
    expect(seqs.length).to.be.at.least(lastCommitted);
    expect(seqs.slice(0, lastCommitted)).to.deep.equal(Array.from({ length: lastCommitted }, (_, i) => i + 1));
    expect((await store.findRun({ rig: 'bench', night: '2026-11-20' }))!.status).to.equal('running');
    await store.close();
  });
});
