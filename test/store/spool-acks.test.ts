/**
 * Acks are the lab's and live in its database; a bench keeps the last copy it read in its spool, so a night judged
 * while the database is away still knows the lab's known problems (and does not page anyone about them).
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseAwayError } from '../../harness/store/postgres/connect.js';
import { SpoolingStore } from '../../harness/store/spool.js';
import { freshDatabase } from './postgres-server.js';

describe('store: acks while the lab’s database is away', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-spool-acks-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the acks the database had when the bench last reached it, and refuses a new ack', async () => {
    const spoolFile = join(dir, 'spool', 'bench.db');
    const url = await freshDatabase('spoolacks');
    const online = await SpoolingStore.open(url, spoolFile);
    const kept = await online.addAck({ rig: 'bench', kind: 'cable', component: 'c1', by: 'anna', note: 'new cable ordered', since: '2026-11-20T08:00:00.000Z', until: null, scope: { verdict: 'bad', symptoms: ['corrupt'] } });
    expect(await online.acks('bench')).to.deep.equal([kept]);
    await online.close();

    // The same bench, its database gone: nothing listens on port 1.
    const offline = await SpoolingStore.open('postgres://shakedown@127.0.0.1:1/lab', spoolFile);
    try {
      expect(offline.spoolStatus().unreachable).to.be.a('string');
      expect(await offline.acks('bench')).to.deep.equal([kept]);
      let refused: unknown;
      await offline.addAck({ ...kept, note: 'x' }).catch((error: unknown) => (refused = error));
      expect(refused).to.be.instanceOf(DatabaseAwayError);
    } finally {
      await offline.close();
    }
  });
});
