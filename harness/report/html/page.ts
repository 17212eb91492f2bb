/**
 * A night's report as one self-contained HTML file (html/document.ts): the verdict, what to check first, the harness
 * errors, the bench matrix, each DUT, the history and the environment. It links to the nights before and after it
 * (nights.ts rewrites those links as nights come) and to the pages of its failing trials beside it (trial-pages.ts).
 */
import { esc } from '../escape.js';
import { NIGHTS_NAV_END, NIGHTS_NAV_START, htmlDocument } from './document.js';
import type { ReportInput } from '../types.js';
import { overall } from '../verdict.js';
import { dutSections } from './dut.js';
import { environmentSection } from './environment.js';
import { followUpSection } from './follow-up.js';
import { harnessErrorsSection } from './harness-errors.js';
import { historySection } from './history.js';
import { benchMatrix } from './matrix.js';
import { anchors } from './parts.js';
import { spoolNote } from './spool.js';
import { checkFirst, verdictHeader } from './top.js';

export { CONTENT_SECURITY_POLICY } from './document.js';

export function renderHtml(input: ReportInput): string {
  const o = overall(input);
  const index = o.index;
  const anchor = anchors(input.perDut.map((d) => d.dut));
  const mark = o.level === 'healthy' ? '✓' : o.level === 'acknowledged' ? '~' : '✗';
  const title = `${mark} ${input.run.rig} ${input.run.night} — ${o.headline}`;
  return htmlDocument(title, [
    verdictHeader(input, o),
    // Until the nights index is written beside it, the page only knows the way to it.
    `${NIGHTS_NAV_START}<nav class="nights" aria-label="Nights"><a href="../index.html">all nights</a></nav>${NIGHTS_NAV_END}`,
    spoolNote(input),
    '<nav class="toc"><a href="#check-first">Check first</a>' + (input.followUp ? '<a href="#follow-up">Follow-up trials</a>' : '') + '<a href="#harness-errors">Harness errors</a><a href="#matrix">Bench matrix</a><a href="#duts">DUTs</a><a href="#history">History</a><a href="#environment">Environment</a></nav>',
    checkFirst(input, o, index),
    followUpSection(input),
    harnessErrorsSection(input, o),
    benchMatrix(input, index, anchor),
    dutSections(input, index, anchor),
    historySection(input, o),
    environmentSection(input, o),
    `<footer>shakedown report · run ${esc(input.run.runId)} · generated from the run's records; times are the bench host's.</footer>`,
  ]);
}
