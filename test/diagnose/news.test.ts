/** Tonight against the night before: what is new, what got worse, what the lab already knows, and what was fixed. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Symptom } from '../../harness/core/record.js';
import { diagnose } from '../../harness/diagnose/index.js';
import { openStore, type TrialStore } from '../../harness/store/index.js';
import { baseline, trials, twelveDuts } from './bench-data.js';

const NIGHTS = ['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'];

/** Per night, the faults of each DUT (the rest at the baseline). */
type Plan = Record<string, Record<string, Partial<Record<Symptom, number>>>>;

async function storeOf(dir: string, plan: Plan): Promise<TrialStore> {
  const store = await openStore(join(dir, 'history.db'));
  for (const night of NIGHTS) {
    const records = twelveDuts().flatMap((d) => trials(d, night, 200, plan[night]?.[d.id] ?? baseline(200, 200)));
    await store.addTrials(records.map((r) => ({ ...r, rig: 'bench' })));
  }
  return store;
}

describe('diagnosis: new first, fixed since last night', () => {
  let dir: string;
  let store: TrialStore | undefined;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'shakedown-news-'))));
  afterEach(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts a fault that began tonight and one that got worse before the ones the lab already knows', async () => {
    const plan: Plan = {};
    for (const night of NIGHTS.slice(1)) {
      plan[night] = { d3: { corrupt: 40 }, d5: { corrupt: 12 } };
    }
    plan['2026-11-20'] = { d3: { corrupt: 40 }, d5: { corrupt: 120 }, d8: { 'wrong-mode': 100 } };
    store = await storeOf(dir, plan);
    const result = await diagnose({ store, rig: 'bench', night: '2026-11-20', windowNights: 3 });
    expect(result.previousNight).to.equal('2026-11-19');
    const flagged = result.components.filter((c) => c.verdict === 'suspect' || c.verdict === 'bad');
    const news = Object.fromEntries(flagged.map((c) => [`${c.kind}:${c.id}`, c.news]));
    // An intermittent wrong mode is its mode relay's (a board stuck in a mode would fail every trial).
    expect(news).to.deep.include({ 'relay:rb-d8': 'new', 'cable:c-d5': 'worse', 'cable:c-d3': 'known' });
    const order = flagged.map((c) => c.news);
    expect(order.indexOf('known'), `${order}`).to.be.greaterThan(order.lastIndexOf('worse'));
    expect(order.indexOf('known')).to.be.greaterThan(order.lastIndexOf('new'));
    expect(flagged.find((c) => c.id === 'rb-d8')!.previousVerdict).to.equal('ok');
    // Every component that is not ok says how it compares; ok ones say nothing.
    for (const c of result.components) expect(c.news === undefined, `${c.kind} ${c.id}`).to.equal(c.verdict === 'ok');
  });

  it('lists what was flagged the night before and is not tonight', async () => {
    store = await storeOf(dir, { '2026-11-19': { d10: { flood: 80 } } });
    const result = await diagnose({ store, rig: 'bench', night: '2026-11-20', windowNights: 1 });
    expect(result.fixed).to.deep.include({ id: 'd10', kind: 'dut', previousVerdict: 'bad', verdict: 'ok' });
    const before = await diagnose({ store, rig: 'bench', night: '2026-11-19', windowNights: 1 });
    expect(before.components.find((c) => c.id === 'd10')!.news).to.equal('new');
    expect(before.fixed).to.deep.equal([]);
  });

  it('calls every flag new on the first night of a rig', async () => {
    store = await storeOf(dir, { '2026-11-17': { d2: { corrupt: 50 } } });
    const result = await diagnose({ store, rig: 'bench', night: '2026-11-17' });
    expect(result.previousNight).to.equal(undefined);
    const c = result.components.find((x) => x.id === 'c-d2')!;
    expect(c.verdict).to.be.oneOf(['suspect', 'bad']);
    expect(c.news).to.equal('new');
    expect(c.previousVerdict).to.equal(undefined);
  });
});
