/**
 * Writes a night's report into one folder: index.html, summary.json, junit.xml, and the pages of its failing trials
 * (trials/, when the input has their source).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from './atomic-write.js';
import { renderHtml } from './html/page.js';
import { anchors } from './html/parts.js';
import { renderJunit } from './junit.js';
import { renderSummaryJson } from './summary-json.js';
import { writeTrialPages } from './trial-pages.js';
import type { ReportInput } from './types.js';

export interface WrittenReport {
  html: string;
  summary: string;
  junit: string;
  /** Pages of failing trials written beside index.html. */
  trialPages: number;
}

export async function writeReport(dir: string, input: ReportInput): Promise<WrittenReport> {
  await mkdir(dir, { recursive: true });
  // Pages first: index.html links to them, and a reader following a link finds the page.
  const trialPages = await writeTrialPages(dir, input, anchors(input.perDut.map((d) => d.dut)));
  const files: WrittenReport = { html: join(dir, 'index.html'), summary: join(dir, 'summary.json'), junit: join(dir, 'junit.xml'), trialPages };
  // Each file appears whole or not at all: a reader (or a CI job) never sees half a report.
  await atomicWrite(files.html, renderHtml(input));
  await atomicWrite(files.summary, renderSummaryJson(input));
  await atomicWrite(files.junit, renderJunit(input));
  return files;
}
