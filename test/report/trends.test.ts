/** Trends a person can read: failure rate per night, one scale for every row, values written, the change marked. */
import { expect } from 'chai';
import { renderHtml } from '../../harness/report/html/page.js';
import { syntheticInput } from './synthetic.js';

function history(html: string): string {
  const start = html.indexOf('id="history"');
  return html.slice(start, html.indexOf('</section>', start));
}

describe('report: trends over the nights', () => {
  const input = syntheticInput(20);
  const html = history(renderHtml(input));
  const grid = html.slice(html.indexOf('<table class="trends">'), html.indexOf('</table>', html.indexOf('<table class="trends">')));
  const rows = grid.split('<tr').slice(2);

  it('has one row per flagged or watched component and one column per night of the window', () => {
    expect(rows).to.have.length(2);
    expect(rows[0]).to.include('cable <code>c2</code>');
    expect(rows[1]).to.include('supply <code>psu-b</code>').and.include('(set aside)');
    const nights = [...grid.matchAll(/<th class="trend-night" title="([\d-]+)">/g)].map((m) => m[1]);
    expect(nights).to.deep.equal(input.diagnosis.windowNights);
    for (const row of rows) expect(row.match(/<td class="trend-cell/g)).to.have.length(nights.length);
  });

  it('writes each night’s failure rate in the cell, not only in a tooltip', () => {
    const values = [...rows[0]!.matchAll(/<span class="tv">([^<]*)<\/span>/g)].map((m) => m[1]);
    expect(values).to.deep.equal([...Array(10).fill('0'), '20%', '20%', '20%', '20%']);
    expect([...rows[1]!.matchAll(/<span class="tv">([^<]*)<\/span>/g)].map((m) => m[1])).to.deep.equal(Array(14).fill('2.0%'));
  });

  it('draws every row on one scale: equal rates, equal bars, whichever row they are in', () => {
    expect(html).to.include('every row on one scale, 0 to 20.0% (a full bar)');
    const heights = (row: string) => [...row.matchAll(/<rect x="3" y="[\d.]+" width="14" height="([\d.]+)"\/>/g)].map((m) => Number(m[1]));
    expect(heights(rows[0]!).at(-1)).to.equal(36);
    expect(heights(rows[1]!)[0]).to.be.closeTo(36 * (0.02 / 0.2), 0.06);
  });

  it('marks the night the change began, in words', () => {
    const began = [...rows[0]!.matchAll(/<td class="trend-cell began" title="([\d-]+):/g)].map((m) => m[1]);
    expect(began).to.deep.equal(['2026-11-18']);
    expect(rows[0]).to.include('<span class="began-label">began</span>');
  });

  it('keeps the full component list, folded', () => {
    expect(html).to.match(/<details class="all-components"><summary>All 5 components of the diagnosis<\/summary>/);
    const list = html.slice(html.indexOf('<details class="all-components">'));
    for (const id of ['c2', 'psu-b', 'h1', 'f103-a']) expect(list).to.include(`<code>${id}</code>`);
  });
});
