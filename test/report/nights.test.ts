/** The report over time: the rig's nights index, and each night's links to the nights before and after it. */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishNights, reportNights } from '../../harness/report/nights.js';
import { writeReport } from '../../harness/report/write.js';
import type { ReportInput } from '../../harness/report/types.js';
import { acknowledgedInput, EVIL, syntheticInput } from './synthetic.js';

/** The synthetic night moved to another date. */
function on(night: string, input: ReportInput = syntheticInput(20)): ReportInput {
  return { ...input, run: { ...input.run, night } };
}

function navOf(html: string): string {
  const start = html.indexOf('<nav class="nights"');
  return html.slice(start, html.indexOf('</nav>', start));
}

describe('report: the nights index and the links between nights', () => {
  let rigDir: string;
  beforeEach(() => (rigDir = mkdtempSync(join(tmpdir(), 'shakedown-nights-'))));
  afterEach(() => rmSync(rigDir, { recursive: true, force: true }));

  async function night(date: string, input?: ReportInput): Promise<void> {
    await writeReport(join(rigDir, date), on(date, input));
    await publishNights(rigDir, 'lab-3', date);
  }

  it('lists every night newest first with its verdict, flags and what was set aside, and links to each', async () => {
    await night('2026-11-19');
    await night('2026-11-20', acknowledgedInput(20));
    await night('2026-11-21');
    const index = readFileSync(join(rigDir, 'index.html'), 'utf8');
    const rows = [...index.matchAll(/<tr class="night level-(\w+)"><td class="nowrap"><a href="([^"]+)">/g)].map((m) => [m[2], m[1]]);
    expect(rows).to.deep.equal([
      ['2026-11-21/index.html', 'flagged'],
      ['2026-11-20/index.html', 'acknowledged'],
      ['2026-11-19/index.html', 'flagged'],
    ]);
    const row = (date: string) => {
      const start = index.indexOf(`<td class="nowrap"><a href="${date}/index.html">`);
      return index.slice(start, index.indexOf('</tr>', start));
    };
    expect(row('2026-11-21')).to.include('Components flagged').and.include('cable <code>c2</code>');
    expect(row('2026-11-21')).to.include('<code>f030</code> <span class="health maintenance">maintenance</span>');
    expect(row('2026-11-21')).to.include('cable <code>c6</code>'); // fixed since the night before
    expect(row('2026-11-20')).to.include('Known problems only').and.include('(bad, acknowledged)');
    expect(index).to.include('3 nights');
    expect(index).to.not.include(EVIL);
    expect(index).to.not.match(/<script|https?:\/\//i);
  });

  it('links each night to the one before and after it, and keeps the links right as nights come and go', async () => {
    await night('2026-11-19');
    await night('2026-11-20');
    const page = (date: string) => readFileSync(join(rigDir, date, 'index.html'), 'utf8');
    expect(navOf(page('2026-11-19'))).to.include('first night').and.include('href="../2026-11-20/index.html"').and.include('href="../index.html"');
    expect(navOf(page('2026-11-20'))).to.include('href="../2026-11-19/index.html"').and.include('latest night');
    await night('2026-11-21');
    expect(navOf(page('2026-11-20'))).to.include('rel="next" href="../2026-11-21/index.html"');
    // The oldest night goes (--keep): the next oldest no longer points at it.
    rmSync(join(rigDir, '2026-11-19'), { recursive: true });
    await night('2026-11-22');
    expect(reportNights(rigDir)).to.deep.equal(['2026-11-20', '2026-11-21', '2026-11-22']);
    expect(navOf(page('2026-11-20'))).to.include('first night').and.not.include('2026-11-19');
    const index = readFileSync(join(rigDir, 'index.html'), 'utf8');
    expect(index).to.not.include('2026-11-19');
  });

  it('reads a night again when its summary changes, and says so when one is unreadable', async () => {
    await night('2026-11-20');
    await night('2026-11-21');
    writeFileSync(join(rigDir, '2026-11-20', 'summary.json'), '{ not json');
    await night('2026-11-21');
    const index = readFileSync(join(rigDir, 'index.html'), 'utf8');
    expect(index).to.include('summary.json is missing or unreadable');
    expect(JSON.parse(readFileSync(join(rigDir, 'nights.json'), 'utf8')).rows).to.have.length(2);
  });
});
