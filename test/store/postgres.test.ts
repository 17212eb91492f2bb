/**
 * The PostgreSQL store against a real server started for the tests: the same answers as the SQLite store, bulk
 * writes all or none, a versioned schema that refuses a newer store, the rig lock held by a server session, and
 * lab identity (a rig id belongs to one bench PC).
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { asHarnessError } from '../../harness/core/record.js';
import { InfrastructureError, InputError } from '../../harness/core/exit-codes.js';
import { openStore, type TrialQuery, type TrialStore } from '../../harness/store/index.js';
import { RigClaimError } from '../../harness/store/errors.js';
import { isUnreachable, redactUrl } from '../../harness/store/postgres/connect.js';
import { SCHEMA_VERSION } from '../../harness/store/postgres/schema.js';
import { PostgresTrialStore } from '../../harness/store/postgres/store.js';
import { freshDatabase } from './postgres-server.js';
import { expectRunsOfANight, makeRecord } from './records.js';

const HOLDER = fileURLToPath(new URL('./postgres-lock-holder.ts', import.meta.url));

async function all(store: TrialStore, query: TrialQuery) {
  const records = [];
  for await (const record of store.trialsFor(query)) records.push(record);
  return records;
}

async function withHost<T>(host: string, work: () => Promise<T>): Promise<T> {
  const before = process.env.SHAKEDOWN_HOST;
  process.env.SHAKEDOWN_HOST = host;
  try {
    return await work();
  } finally {
    if (before === undefined) delete process.env.SHAKEDOWN_HOST;
    else process.env.SHAKEDOWN_HOST = before;
  }
}

describe('store: PostgreSQL', function () {
  this.timeout(60_000);
  let url: string;
  let store: TrialStore;
  beforeEach(async () => {
    url = await freshDatabase('store');
    store = await openStore(url);
  });
  afterEach(async () => store.close());

  it('round-trips a trial record, transcript included, and keeps the run', async () => {
    const runId = await store.beginRun({ rig: 'bench', night: '2026-11-20', meta: { trialsPerDut: 3 } });
    const record = makeRecord({ runId, seq: 1, symptom: 'unexpected-reply' });
    record.mismatch = { expected: '79', got: '68', at: 2100 };
    await store.addTrial(record);
    await store.endRun(runId, 'completed');
    const [withTranscript] = await all(store, { rig: 'bench', transcripts: true });
    expect(withTranscript).to.deep.equal(record);
    expect((await all(store, { rig: 'bench' }))[0]!.transcript).to.deep.equal([]);
    const run = (await store.findRun({ rig: 'bench', night: '2026-11-20' }))!;
    expect(run).to.include({ id: runId, status: 'completed' });
    expect(run.meta).to.deep.equal({ trialsPerDut: 3 });
    expect(run.versions).to.have.keys('node', 'postgres', 'store');
    expect(store.versions).to.have.keys('pg');
  });

  it('keeps a harness error with its reason out of the counts, a record without hub as it was, and what a run did not attempt', async () => {
    const runId = await store.beginRun({ rig: 'bench', night: '2026-11-20' });
    const bare = makeRecord({ runId, seq: 1, symptom: 'silent' });
    delete bare.components.hub;
    delete bare.identity;
    await store.addTrial(bare);
    const error = asHarnessError(makeRecord({ runId, seq: 2 }), 'edge-late', 'edge reset left the host 120.9 ms late');
    await store.addTrial(error);
    await store.setNotRun(runId, [{ dut: 'd2', trials: 7, reason: 'port-missing', detail: 'ENOENT' }]);
    expect(await all(store, { rig: 'bench', transcripts: true })).to.deep.equal([bare, error]);
    expect((await store.symptomCounts({ rig: 'bench' })).map((c) => [c.symptom, c.count, c.hub])).to.deep.equal([['silent', 1, undefined]]);
    expect((await store.run(runId))!.notRun).to.deep.equal([{ dut: 'd2', trials: 7, reason: 'port-missing', detail: 'ENOENT' }]);
    expect(await store.resultCounts(runId)).to.deep.equal({ pass: 0, fail: 1, error: 1 });
  });

  it('filters by nights and run, lists nights, rigs, completed trials and symptom counts in byte order', async () => {
    const a = await store.beginRun({ runId: 'a', rig: 'bench', night: '2026-11-19' });
    const b = await store.beginRun({ runId: 'b', rig: 'bench', night: '2026-11-20' });
    for (let seq = 1; seq <= 4; seq++) await store.addTrial(makeRecord({ runId: a, seq, night: '2026-11-19', symptom: seq === 2 ? 'corrupt' : 'ok' }));
    for (const seq of [1, 2, 5]) await store.addTrial(makeRecord({ runId: b, seq, night: '2026-11-20', symptom: 'late' }));
    await store.addTrial(makeRecord({ runId: 'x', seq: 1, rig: 'Zeta' }));
    await store.addTrial(makeRecord({ runId: 'y', seq: 1, rig: 'alpha' }));
    expect(await store.nights('bench')).to.deep.equal(['2026-11-19', '2026-11-20']);
    expect(await store.rigs(), 'byte order: upper case first').to.deep.equal(['Zeta', 'alpha', 'bench']);
    expect((await all(store, { rig: 'bench', nights: ['2026-11-20'] })).map((r) => r.seq)).to.deep.equal([1, 2, 5]);
    expect(await all(store, { rig: 'bench', runId: 'a' })).to.have.length(4);
    expect(await store.completedSeqs(b, 'd1')).to.deep.equal([1, 2, 5]);
    expect(await store.lastSeq(b, 'd1')).to.equal(5);
    expect(await store.lastSeq(b, 'd9')).to.equal(0);
    const counts = await store.symptomCounts({ rig: 'bench', nights: ['2026-11-19'] });
    expect(counts.map((c) => [c.symptom, c.count])).to.deep.equal([['corrupt', 1], ['ok', 3]]);
    expect(counts[0]!.relays).to.deep.equal(['rb1.d1']);
    expect(counts.map((c) => [c.symptom, c.latency]), 'the round trips each configuration measured').to.deep.equal([
      ['corrupt', { trials: 1, sumMs: 1.5 }],
      ['ok', { trials: 3, sumMs: 5 }],
    ]);
    expect(await store.symptomCounts({ rig: 'bench', nights: [] })).to.deep.equal([]);
  });

  it('lists a night’s runs with their trials, and counts the trials of the runs chosen for each night', async () => {
    await expectRunsOfANight(store);
  });

  it('finds the latest run of a night, and the same trial written twice stays one (the last)', async () => {
    await store.beginRun({ runId: 'first', rig: 'bench', night: '2026-11-20', startedAt: '2026-11-20T01:00:00.000Z' });
    await store.beginRun({ runId: 'second', rig: 'bench', night: '2026-11-20', startedAt: '2026-11-20T03:00:00.000Z', meta: { command: 'nightly' } });
    await store.beginRun({ runId: 'third', rig: 'bench', night: '2026-11-20', startedAt: '2026-11-20T04:00:00.000Z', meta: { command: 'run' } });
    expect((await store.findRun({ rig: 'bench', night: '2026-11-20' }))!.id).to.equal('third');
    expect((await store.findRun({ rig: 'bench', night: '2026-11-20', command: 'nightly' }))!.id).to.equal('second');
    expect(await store.findRun({ rig: 'bench', night: '2026-11-21' })).to.equal(undefined);
    await store.addTrial(makeRecord({ runId: 'second', seq: 1 }));
    await store.addTrial(makeRecord({ runId: 'second', seq: 1, symptom: 'late' }));
    await store.addTrials([makeRecord({ runId: 'second', seq: 2 }), makeRecord({ runId: 'second', seq: 2, symptom: 'corrupt' })]);
    expect((await all(store, { rig: 'bench' })).map((r) => r.symptom)).to.deep.equal(['late', 'corrupt']);
  });

  it('writes many trials in one transaction: all of them, or none when one is refused', async () => {
    const runId = await store.beginRun({ rig: 'bench', night: '2026-11-20' });
    const many = Array.from({ length: 5000 }, (_, i) => makeRecord({ runId, seq: i + 1, dut: `d${i % 16}`, symptom: i % 50 === 0 ? 'corrupt' : 'ok' }));
    await store.addTrials(many);
    expect((await store.resultCounts(runId)).pass + (await store.resultCounts(runId)).fail).to.equal(5000);
    const broken = [makeRecord({ runId, seq: 9001 }), { ...makeRecord({ runId, seq: 9002 }), seq: 2 ** 40 }];
    const refused = await store.addTrials(broken).then(() => undefined, (e: unknown) => e);
    expect(refused).to.be.instanceOf(Error);
    expect(await store.completedSeqs(runId, 'd1')).to.not.include(9001);
  });

  it('commits trials that end together in one write, each answered on its own: a refused one fails alone', async () => {
    const runId = await store.beginRun({ rig: 'bench', night: '2026-11-20' });
    const good = Array.from({ length: 40 }, (_, i) => makeRecord({ runId, seq: i + 1, dut: `d${i % 8}` }));
    const bad = { ...makeRecord({ runId, seq: 999 }), seq: 2 ** 40 };
    const outcomes = await Promise.allSettled([...good.slice(0, 20), bad, ...good.slice(20)].map((r) => store.addTrial(r)));
    expect(outcomes.map((o) => o.status)).to.deep.equal([...Array(20).fill('fulfilled'), 'rejected', ...Array(20).fill('fulfilled')]);
    expect((await store.resultCounts(runId)).pass).to.equal(40);
  });

  it('lets the caller use the store between the records it reads, and stops reading when the caller stops', async () => {
    const runId = await store.beginRun({ rig: 'bench', night: '2026-11-20' });
    await store.addTrials(Array.from({ length: 1200 }, (_, i) => makeRecord({ runId, seq: i + 1 })));
    const seen: number[] = [];
    for await (const record of store.trialsFor({ rig: 'bench', runId })) {
      seen.push(record.seq);
      await store.addTrial(makeRecord({ runId, seq: 5000 + record.seq }));
      if (record.seq === 3) break;
    }
    expect(seen).to.deep.equal([1, 2, 3]);
    expect(await store.completedSeqs(runId, 'd1')).to.have.length(1203);
    // Every record of a large read, in order, from a snapshot taken when it began.
    let n = 0;
    for await (const record of store.trialsFor({ rig: 'bench', runId })) {
      if (n === 0) await store.addTrial(makeRecord({ runId, seq: 9999 }));
      n++;
      expect(record.seq).to.be.greaterThan(0);
    }
    expect(n).to.equal(1203);
  });

  it('keeps its schema version and refuses a store of a newer one with a clear message', async () => {
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    try {
      expect((await raw.query('SELECT version FROM shakedown_schema')).rows).to.deep.equal([{ version: SCHEMA_VERSION }]);
      await raw.query('UPDATE shakedown_schema SET version = $1', [SCHEMA_VERSION + 1]);
    } finally {
      await raw.end();
    }
    const error = await openStore(url).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(InfrastructureError);
    expect((error as Error).message).to.equal(
      `store ${url} has schema version ${SCHEMA_VERSION + 1}, newer than this shakedown understands (${SCHEMA_VERSION}): upgrade shakedown on this PC`,
    );
  });

  it('builds the schema once when two processes open an empty database at the same time', async () => {
    const fresh = await freshDatabase('race');
    const stores = await Promise.all([PostgresTrialStore.open(fresh), PostgresTrialStore.open(fresh), PostgresTrialStore.open(fresh)]);
    expect(stores.map((s) => s.schemaVersion)).to.deep.equal([SCHEMA_VERSION, SCHEMA_VERSION, SCHEMA_VERSION]);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('says a database that is not there is away, and never prints a password', async () => {
    const away = 'postgresql://lab:s3cret@localhost/db?host=/nonexistent-socket-dir';
    const error = await openStore(away).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(InfrastructureError);
    expect((error as Error).message).to.match(/^cannot open the store postgresql:\/\/lab:\*\*\*@localhost\/db/);
    expect((error as Error).message).to.not.include('s3cret');
    expect(redactUrl('postgres://u@h/db?password=x&sslmode=require')).to.equal('postgres://u@h/db?password=***&sslmode=require');
    expect(isUnreachable(Object.assign(new Error('x'), { code: '57P01' }))).to.equal(true);
    expect(isUnreachable(Object.assign(new Error('x'), { code: '42P01' }))).to.equal(false);
    // A server out of disk or of connection slots cannot take the trials now: the spool keeps them.
    expect(isUnreachable(Object.assign(new Error('could not extend file'), { code: '53100' }))).to.equal(true);
    expect(isUnreachable(Object.assign(new Error('sorry, too many clients already'), { code: '53300' }))).to.equal(true);
    const other = await openStore('mysql://lab/db').then(() => undefined, (e: unknown) => e);
    expect(other).to.be.instanceOf(InputError);
  });

  describe('lab identity', () => {
    it('gives a rig id to the first bench PC that runs it and refuses another PC’s run of the same id, naming the owner', async () => {
      await withHost('pc-a', () => store.beginRun({ runId: 'a1', rig: 'bench1', night: '2026-11-20' }));
      const refused = await withHost('pc-b', () => store.beginRun({ runId: 'b1', rig: 'bench1', night: '2026-11-20' })).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).to.be.instanceOf(RigClaimError).and.instanceOf(InputError);
      expect((refused as Error).message).to.match(/^rig bench1 in the store .* is the rig of bench PC pc-a \(since .*\), not of pc-b: give this rig a lab-unique id/);
      expect(await store.run('b1')).to.equal(undefined);
      await withHost('pc-a', () => store.beginRun({ runId: 'a2', rig: 'bench1', night: '2026-11-21' }));
      expect((await store.labRigs()).map((r) => [r.id, r.host])).to.deep.equal([['bench1', 'pc-a']]);
      // The bench moved: the new PC adopts the id, and from then on it is the one refused no more.
      await store.adoptRig('bench1', 'pc-b');
      await withHost('pc-b', () => store.beginRun({ runId: 'b2', rig: 'bench1', night: '2026-11-22' }));
      const old = await withHost('pc-a', () => store.beginRun({ runId: 'a3', rig: 'bench1', night: '2026-11-22' })).then(() => undefined, (e: unknown) => e);
      expect(old).to.be.instanceOf(RigClaimError);
    });
  });

  describe('run lock', () => {
    async function holder(rig: string, host: string) {
      const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, url, rig], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SHAKEDOWN_HOST: host } });
      await once(child.stdout!, 'data');
      return child;
    }
    const refusal = (rig: string) => store.lockRig(rig).then(async (lock) => (await lock.release(), undefined), (e: unknown) => e);

    it('refuses a second run of a rig held by another host, naming it, and is free the moment the holder dies', async () => {
      const child = await holder('bench-a', 'pc-elsewhere');
      try {
        const error = await refusal('bench-a');
        expect(error).to.be.instanceOf(InfrastructureError);
        expect((error as Error).message).to.match(
          new RegExp(`^another run of rig bench-a is in progress on host pc-elsewhere \\(PID ${child.pid}, since \\d{4}-.*\\) \\(advisory lock in postgresql://`),
        );
        expect(await refusal('bench-b'), 'another rig is free').to.equal(undefined);
      } finally {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
      // The server ends the dead process's session and with it the lock; it may take a moment to notice.
      let after: unknown = new Error('still held');
      for (let i = 0; i < 50 && after; i++) {
        after = await refusal('bench-a');
        if (after) await new Promise((r) => setTimeout(r, 100));
      }
      expect(after).to.equal(undefined);
    });

    it('holds in this process until released', async () => {
      const lock = await store.lockRig('bench-c');
      const other = await openStore(url);
      try {
        expect(await other.lockRig('bench-c').then(() => undefined, (e: unknown) => e)).to.be.instanceOf(InfrastructureError);
        await lock.release();
        await (await other.lockRig('bench-c')).release();
      } finally {
        await other.close();
      }
    });
  });
});
