/**
 * What the report and the commands around it read from the store: acks, one trial by id, the failing trials of a
 * run — the same answers from a SQLite file and from PostgreSQL (a server started for the tests).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { openStore, type TrialStore } from '../../harness/store/index.js';
import { freshDatabase } from './postgres-server.js';
import { all, makeRecord } from './records.js';

const BACKENDS: Array<[name: string, location: (dir: string) => Promise<string>]> = [
  ['SQLite', async (dir) => join(dir, 'history.db')],
  ['PostgreSQL', async () => freshDatabase('reportq')],
];

for (const [backend, location] of BACKENDS) describe(`store (${backend}): acks, trials by id, failing trials`, function () {
  this.timeout(60_000);
  let dir: string;
  let store: TrialStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-store-'));
    store = await openStore(await location(dir));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps acks per rig and component, with their scope, and removes them by component', async () => {
    const first = await store.addAck({
      rig: 'bench', kind: 'cable', component: 'c1', by: 'anna', note: 'new cable ordered', since: '2026-11-20T08:00:00.000Z', until: '2026-11-30',
      scope: { verdict: 'suspect', symptoms: ['corrupt'] },
    });
    await store.addAck({ rig: 'bench', kind: 'dut', component: 'd7', by: 'ben', note: 'preloader reflash pending', since: '2026-11-21T08:00:00.000Z', until: null, scope: { verdict: 'bad', symptoms: ['wrong-mode'] } });
    await store.addAck({ rig: 'other', kind: 'cable', component: 'c1', by: 'anna', note: 'elsewhere', since: '2026-11-21T09:00:00.000Z', until: null, scope: { verdict: 'ok', symptoms: [] } });
    expect(first.id).to.be.a('number');

    const acks = await store.acks('bench');
    expect(acks.map((a) => `${a.kind}:${a.component}`)).to.deep.equal(['cable:c1', 'dut:d7']);
    expect(acks[0]).to.deep.equal(first);
    expect(acks[1]!.until).to.equal(null);

    expect(await store.removeAcks({ rig: 'bench', kind: 'cable', component: 'c1' })).to.equal(1);
    expect(await store.removeAcks({ rig: 'bench', kind: 'cable', component: 'c1' })).to.equal(0);
    expect((await store.acks('bench')).map((a) => a.component)).to.deep.equal(['d7']);
    expect((await store.acks('other')).map((a) => a.component)).to.deep.equal(['c1']);
  });

  it('finds one trial with its transcript, and the nearest ids of one that is not there', async () => {
    const records = [1, 2, 3, 10, 11].map((seq) => makeRecord({ runId: 'run-a', seq, symptom: seq === 3 ? 'corrupt' : 'ok' }));
    await store.addTrials([...records, makeRecord({ runId: 'run-b', dut: 'd2', seq: 1 })]);
    expect(await store.trial('run-a/d1/3')).to.deep.equal(records[2]);
    expect(await store.trial('run-a/d1/4')).to.equal(undefined);
    expect(await store.trialIdsNear('run-a/d1/9', 3)).to.deep.equal(['run-a/d1/10', 'run-a/d1/11', 'run-a/d1/3']);
    expect(await store.trialIdsNear('run-b/d2/x', 2)).to.deep.equal(['run-b/d2/1', 'run-a/d1/3']);
    expect(await store.trialIdsNear('nothing-like-it', 1)).to.have.length(1);
  });

  it('reads only the failing trials of a run, the first N per DUT by trial number', async () => {
    const symptoms = ['ok', 'corrupt', 'ok', 'late', 'silent', 'corrupt'] as const;
    for (const dut of ['d1', 'd2']) {
      await store.addTrials(symptoms.map((symptom, i) => makeRecord({ runId: 'run-a', dut, seq: i + 1, symptom })));
    }
    await store.addTrials([makeRecord({ runId: 'run-b', dut: 'd1', seq: 1, symptom: 'corrupt' })]);
    const failing = await all(store, { rig: 'bench', runId: 'run-a', failing: true, transcripts: true });
    expect(failing.map((r) => `${r.dut}/${r.seq}`)).to.deep.equal(['d1/2', 'd1/4', 'd1/5', 'd1/6', 'd2/2', 'd2/4', 'd2/5', 'd2/6']);
    expect(failing[0]!.transcript).to.not.be.empty;
    const capped = await all(store, { rig: 'bench', runId: 'run-a', failing: true, perDut: 2 });
    expect(capped.map((r) => `${r.dut}/${r.seq}`)).to.deep.equal(['d1/2', 'd1/4', 'd2/2', 'd2/4']);
  });
});
