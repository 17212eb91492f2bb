/** Writes the three report files of a night into one folder (index.html, summary.json, junit.xml). */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtml } from './html/page.js';
import { renderJunit } from './junit.js';
import { renderSummaryJson } from './summary-json.js';
import type { ReportInput } from './types.js';

export interface WrittenReport {
  html: string;
  summary: string;
  junit: string;
}

export async function writeReport(dir: string, input: ReportInput): Promise<WrittenReport> {
  await mkdir(dir, { recursive: true });
  const files: WrittenReport = { html: join(dir, 'index.html'), summary: join(dir, 'summary.json'), junit: join(dir, 'junit.xml') };
  // Each file appears whole or not at all: a reader (or a CI job) never sees half a report.
  await atomicWrite(files.html, renderHtml(input));
  await atomicWrite(files.summary, renderSummaryJson(input));
  await atomicWrite(files.junit, renderJunit(input));
  return files;
}

async function atomicWrite(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, path);
}
