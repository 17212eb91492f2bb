/** The lab page agrees with each rig's own report about known problems: an acknowledged flag does not make a rig "flagged". */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBench } from '../../harness/config/load.js';
import { buildLabPage, renderLabHtml } from '../../harness/report/lab/index.js';
import { openStore, type TrialStore } from '../../harness/store/index.js';
import { recordsOn } from '../diagnose/bench-data.js';

describe('lab: acknowledged problems', () => {
  const sim = loadBench('rigs/sim-bench.yaml');
  let dir: string;
  let store: TrialStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-lab-acks-'));
    store = await openStore(join(dir, 'shakedown.db'));
    // d7 stuck in its Preloader on 2026-11-20: bad, with wrong-mode.
    await store.addTrials(recordsOn(sim, { d7: { 'wrong-mode': 100 } }).map((r) => ({ ...r, rig: 'sim-bench' })));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ack = (until: string | null, verdict: 'suspect' | 'bad' = 'bad') =>
    store.addAck({ rig: 'sim-bench', kind: 'dut', component: 'd7', by: 'anna', note: 'Preloader reflash pending', since: '2026-11-20T08:00:00.000Z', until, scope: { verdict, symptoms: ['wrong-mode'] } });
  const rigOf = async () => (await buildLabPage({ store, windowNights: 14, outDir: dir })).rigs[0]!;

  it('calls a rig whose only flags are acknowledged "acknowledged", with the flag marked, not "flagged"', async () => {
    expect((await rigOf()).verdict).to.equal('flagged');
    await ack(null);
    const rig = await rigOf();
    expect(rig.verdict).to.equal('acknowledged');
    expect(rig.headline).to.match(/^Known problems only — 1 flag acknowledged — \d+ of \d+ trials failed$/);
    expect(rig.flags.map((f) => [f.kind, f.id, f.acknowledged])).to.deep.include(['dut', 'd7', true]);
    const page = await buildLabPage({ store, windowNights: 14, outDir: dir });
    const html = renderLabHtml(page);
    expect(html).to.include('<span class="badge acknowledged">acknowledged</span>');
    // Dashed and marked "(known)", as on the night's page.
    expect(html).to.match(/<span class="chip f-bad f-aside" title="[^"]*acknowledged by anna: Preloader reflash pending"><span class="k">dut<\/span> d7<\/span>/);
  });

  it('keeps a rig flagged when the ack ended before its night or the flag got worse than acknowledged', async () => {
    await ack('2026-11-19');
    expect((await rigOf()).verdict).to.equal('flagged');
    await store.removeAcks({ rig: 'sim-bench', kind: 'dut', component: 'd7' });
    await ack(null, 'suspect');
    const rig = await rigOf();
    expect(rig.verdict).to.equal('flagged');
    expect(rig.flags.find((f) => f.id === 'd7')!.acknowledged).to.equal(false);
  });
});
