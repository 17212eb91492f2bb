/** The lab page: gathered from the store (data.ts), judged across rigs (findings.ts), rendered (page.ts), written here. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildLabPage, type LabOptions } from './data.js';
import { renderLabHtml } from './page.js';
import type { LabPage } from './types.js';

export type { LabFinding, LabPage, LabRigSummary } from './types.js';
export { buildLabPage } from './data.js';
export { renderLabHtml } from './page.js';

export interface WrittenLabPage {
  page: LabPage;
  html: string;
  json: string;
}

/** Writes <out>/index.html and <out>/lab.json, each whole or not at all. */
export async function writeLabPage(options: LabOptions): Promise<WrittenLabPage> {
  const page = await buildLabPage(options);
  await mkdir(options.outDir, { recursive: true });
  const html = join(options.outDir, 'index.html');
  const json = join(options.outDir, 'lab.json');
  for (const [path, text] of [[html, renderLabHtml(page)], [json, JSON.stringify(page, null, 2) + '\n']] as const) {
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  }
  return { page, html, json };
}
