/**
 * The morning report as one self-contained HTML file: inline CSS and SVG, no script, and a Content-Security-Policy
 * that forbids every network request, so it reads the same offline, on a phone and on paper.
 */
import { esc } from '../escape.js';
import { indexBench } from '../rig-index.js';
import type { ReportInput } from '../types.js';
import { overall } from '../verdict.js';
import { dutSections } from './dut.js';
import { environmentSection } from './environment.js';
import { harnessErrorsSection } from './harness-errors.js';
import { historySection } from './history.js';
import { benchMatrix } from './matrix.js';
import { anchors } from './parts.js';
import { spoolNote } from './spool.js';
import { STYLE } from './style.js';
import { checkFirst, verdictHeader } from './top.js';

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; script-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'";

/** The start of every shakedown page up to <main>: the policy that forbids every request, the one stylesheet. */
export function pageHead(title: string, extraStyle = ''): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(CONTENT_SECURITY_POLICY)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<meta name="generator" content="shakedown">`,
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}${extraStyle}</style></head><body><main>`,
  ].join('\n');
}

export function renderHtml(input: ReportInput): string {
  const o = overall(input);
  const index = indexBench(input.rig, input.perDut, input.diagnosis?.components ?? []);
  const anchor = anchors(input.perDut.map((d) => d.dut));
  const title = `${o.level === 'healthy' ? '✓' : '✗'} ${input.run.rig} ${input.run.night} — ${o.headline}`;
  return [
    pageHead(title),
    verdictHeader(input, o),
    spoolNote(input),
    '<nav class="toc"><a href="#check-first">Check first</a><a href="#harness-errors">Harness errors</a><a href="#matrix">Bench matrix</a><a href="#duts">DUTs</a><a href="#history">History</a><a href="#environment">Environment</a></nav>',
    checkFirst(input, o, index),
    harnessErrorsSection(input, o),
    benchMatrix(input, index, anchor),
    dutSections(input, index, anchor),
    historySection(input, index),
    environmentSection(input, o),
    `<footer>shakedown report · run ${esc(input.run.runId)} · generated from the run's records; times are the bench host's.</footer>`,
    '</main></body></html>',
    '',
  ].join('\n');
}
