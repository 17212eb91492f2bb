/**
 * Every failing trial of the night, reachable from the report without making index.html big: the trials of each DUT
 * are paged into files beside it (`trials/<dut anchor>-<page>.html`, TRIALS_PER_PAGE to a page), each trial folded
 * with its detail, expected vs received and transcript. Beyond PAGED_PER_DUT failing trials of one DUT (a board
 * that fails every trial), the last page lists the other trial numbers and the `shakedown show` line that prints
 * any of them. Pages are written from the store as it streams them: memory stays flat.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrialRecord } from '../core/record.js';
import { plural } from '../core/plural.js';
import { esc } from './escape.js';
import { htmlDocument } from './html/document.js';
import { failingTrial } from './html/trial.js';
import type { DutSummary, ReportInput } from './types.js';
import { atomicWrite } from './atomic-write.js';

export const TRIALS_PER_PAGE = 50;
export const PAGED_PER_DUT = 500;
/** Trial numbers listed beyond the paged ones, as ranges, at most. */
const LISTED_RANGES = 400;
const FOLDER = 'trials';

/** How a DUT's failing trials are paged. */
export interface DutPages {
  /** Trials that did not pass (failures and harness errors). */
  failing: number;
  /** Of those, the ones on pages. */
  paged: number;
  pages: number;
}

export function pagesOf(d: Pick<DutSummary, 'failures' | 'errors'>): DutPages {
  const failing = d.failures + d.errors;
  const paged = Math.min(failing, PAGED_PER_DUT);
  return { failing, paged, pages: Math.ceil(paged / TRIALS_PER_PAGE) };
}

/** The page's path relative to the night's index.html (anchors are generated: dut-1, dut-2, …). */
export function pageHref(anchor: string, page: number): string {
  return `${FOLDER}/${anchor}-${page}.html`;
}

/** The command that prints a stored trial, quoted for a shell. */
export function showCommand(trialId: string): string {
  return `shakedown show '${trialId.replace(/'/g, `'\\''`)}'`;
}

/** Writes the pages of every DUT's failing trials into `dir/trials/`; returns how many pages were written. */
export async function writeTrialPages(dir: string, input: ReportInput, anchor: Map<string, string>): Promise<number> {
  const source = input.transcripts;
  const folder = join(dir, FOLDER);
  // A night written again (shakedown report) leaves no page of the last writing behind.
  await rm(folder, { recursive: true, force: true });
  if (!source) return 0;
  const byDut = new Map(input.perDut.map((d) => [d.dut, d]));
  const rest = new Map<string, number[]>();
  for await (const t of source.beyond(PAGED_PER_DUT)) {
    const list = rest.get(t.dut) ?? [];
    list.push(t.seq);
    rest.set(t.dut, list);
  }
  await mkdir(folder, { recursive: true });
  let written = 0;
  let current: { dut: string; page: number; trials: TrialRecord[]; before: number } | undefined;
  const flush = async (last: boolean) => {
    if (!current || current.trials.length === 0) return;
    const d = byDut.get(current.dut);
    const id = anchor.get(current.dut);
    if (d && id) {
      await atomicWrite(join(folder, `${id}-${current.page}.html`), renderPage(input, d, id, current.page, current.trials, current.before, last ? (rest.get(d.dut) ?? []) : []));
      written++;
    }
    current = { ...current, page: current.page + 1, before: current.before + current.trials.length, trials: [] };
  };
  for await (const t of source.read(PAGED_PER_DUT)) {
    if (current?.dut !== t.dut) {
      await flush(true);
      current = { dut: t.dut, page: 1, trials: [], before: 0 };
    }
    current.trials.push(t);
    if (current.trials.length === TRIALS_PER_PAGE) {
      const { failing } = pagesOf(byDut.get(t.dut) ?? { failures: 0, errors: 0 });
      await flush(current.before + current.trials.length >= Math.min(failing, PAGED_PER_DUT));
    }
  }
  await flush(true);
  return written;
}

function renderPage(input: ReportInput, d: DutSummary, id: string, page: number, trials: TrialRecord[], before: number, rest: number[]): string {
  const { failing, pages } = pagesOf(d);
  const first = trials[0]!;
  const range = `${before + 1}–${before + trials.length} of ${failing}`;
  const title = `${input.run.rig} ${input.run.night} — ${d.dut}: failing trials ${range}`;
  const pageLinks = Array.from({ length: pages }, (_, i) =>
    i + 1 === page ? `<strong aria-current="page">${i + 1}</strong>` : `<a href="${id}-${i + 1}.html">${i + 1}</a>`,
  ).join(' ');
  const nav =
    `<nav class="pages" aria-label="Pages"><a href="../index.html#${id}">← the night’s report</a>` +
    `${page > 1 ? `<a rel="prev" href="${id}-${page - 1}.html">← page ${page - 1}</a>` : ''}` +
    `<span>pages ${pageLinks}</span>` +
    `${page < pages ? `<a rel="next" href="${id}-${page + 1}.html">page ${page + 1} →</a>` : ''}</nav>`;
  const body = trials.map((t, i) => failingTrial(t, i === 0, `t-${t.seq}`)).join('');
  const more = rest.length
    ? `<section class="not-paged"><h2>Not paged: ${esc(plural(rest.length, 'more failing trial'))}</h2>` +
      `<p>Trial numbers ${esc(ranges(rest))}. Print any of them with <code>${esc(showCommand(first.trialId.replace(/\/\d+$/, '/<seq>')))}</code>, ` +
      `e.g. <code>${esc(showCommand(first.trialId.replace(/\/\d+$/, `/${rest[0]}`)))}</code>.</p></section>`
    : '';
  return htmlDocument(title, [
    `<header class="verdict trials-head" id="verdict"><div class="label">Failing trials</div><h1>${esc(d.dut)}: ${esc(range)}</h1>` +
      `<div class="meta">${esc(`rig ${input.run.rig} · night ${input.run.night} · run ${input.run.runId} · page ${page} of ${pages}`)}</div></header>`,
    nav,
    `<section id="trials">${body}</section>`,
    more,
    nav,
  ]);
}

/** "3, 7–9, 12" (at most LISTED_RANGES ranges, then how many numbers are left). */
export function ranges(seqs: number[]): string {
  const sorted = [...seqs].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length && parts.length < LISTED_RANGES) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ') + (i < sorted.length ? ` and ${sorted.length - i} more` : '');
}
