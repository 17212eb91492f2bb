/** Every failing trial's transcript is reachable from the report: paged beside index.html, the rest by `shakedown show`. */
import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrialRecord } from '../../harness/core/record.js';
import { collectReportData } from '../../harness/report/summarize.js';
import { PAGED_PER_DUT, ranges, TRIALS_PER_PAGE } from '../../harness/report/trial-pages.js';
import type { ReportInput, TranscriptSource } from '../../harness/report/types.js';
import { writeReport } from '../../harness/report/write.js';
import { DUT_PLANS, EVIL, syntheticInput, syntheticRecords } from './synthetic.js';

/** The store's side of the pages, over records in memory: failing trials by DUT and trial number. */
function sourceOf(records: TrialRecord[]): TranscriptSource {
  const failing = records.filter((r) => r.result !== 'pass').sort((a, b) => a.dut.localeCompare(b.dut) || a.seq - b.seq);
  const nth = (r: TrialRecord) => failing.filter((x) => x.dut === r.dut && x.seq <= r.seq).length;
  return {
    async *read(perDut) {
      for (const r of failing) if (nth(r) <= perDut) yield r;
    },
    async *beyond(perDut) {
      for (const r of failing) if (nth(r) > perDut) yield { dut: r.dut, seq: r.seq, trialId: r.trialId };
    },
  };
}

function nightOf(records: TrialRecord[]): ReportInput {
  const data = collectReportData(records, { failingPerDut: 5 });
  return { ...syntheticInput(20), ...data, transcripts: sourceOf(records) };
}

describe('report: pages of failing trials', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'shakedown-pages-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('puts every failing trial of every DUT on a page, linked from its DUT section', async () => {
    const records = [...syntheticRecords(200)];
    const input = nightOf(records);
    const written = await writeReport(dir, input);
    const html = readFileSync(written.html, 'utf8');
    let onPages = 0;
    for (const d of input.perDut) {
      const failing = d.failures + d.errors;
      const anchor = `dut-${input.perDut.indexOf(d) + 1}`;
      const pages = Math.ceil(failing / TRIALS_PER_PAGE);
      for (let p = 1; p <= pages; p++) {
        const file = join(dir, 'trials', `${anchor}-${p}.html`);
        const page = readFileSync(file, 'utf8');
        onPages += page.match(/<details class="trial" id="t-\d+"/g)?.length ?? 0;
        expect(page).to.include(`href="../index.html#${anchor}"`);
        expect(page).to.not.include(EVIL);
        expect(html).to.include(`href="trials/${anchor}-${p}.html"`);
      }
      if (failing === 0) expect(existsSync(join(dir, 'trials', `${anchor}-1.html`))).to.equal(false);
    }
    const total = records.filter((r) => r.result !== 'pass').length;
    expect(onPages).to.equal(total);
    expect(written.trialPages).to.equal(readdirSync(join(dir, 'trials')).length);
  });

  it('pages the first trials of a DUT that fails every one, and lists the rest with the command that prints them', async () => {
    const plans = DUT_PLANS.map((p) => (p.id === 'f103-b' ? { ...p, fail: [{ symptom: 'corrupt' as const, p: 1 }] } : { ...p, fail: [] }));
    const records = [...syntheticRecords(PAGED_PER_DUT + 120, 1, plans)];
    const input = nightOf(records);
    await writeReport(dir, input);
    const anchor = `dut-${input.perDut.findIndex((d) => d.dut === 'f103-b') + 1}`;
    const pages = readdirSync(join(dir, 'trials')).filter((f) => f.startsWith(`${anchor}-`));
    expect(pages).to.have.length(PAGED_PER_DUT / TRIALS_PER_PAGE);
    const last = readFileSync(join(dir, 'trials', `${anchor}-${pages.length}.html`), 'utf8');
    expect(last).to.include('Not paged: 120 more failing trials');
    expect(last).to.include(`Trial numbers ${PAGED_PER_DUT + 1}–${PAGED_PER_DUT + 120}.`);
    expect(last).to.include(`shakedown show &#39;${input.run.runId}/f103-b/${PAGED_PER_DUT + 1}&#39;`);
    expect(readFileSync(join(dir, 'trials', `${anchor}-1.html`), 'utf8')).to.not.include('Not paged');
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).to.include(`All ${PAGED_PER_DUT + 120} failing trials (the first ${PAGED_PER_DUT}) with their transcripts`);
  });

  it('leaves no page of an earlier writing behind', async () => {
    await writeReport(dir, nightOf([...syntheticRecords(200)]));
    const healthy = [...syntheticRecords(20, 1, DUT_PLANS.map((p) => ({ ...p, fail: [] })))].filter((r) => r.result === 'pass');
    await writeReport(dir, nightOf(healthy));
    expect(readdirSync(join(dir, 'trials'))).to.deep.equal([]);
  });

  it('lists trial numbers as ranges', () => {
    expect(ranges([9, 3, 7, 8, 12])).to.equal('3, 7–9, 12');
  });
});
