/** Report files appear whole or not at all: a reader (or a CI job) never sees half a page. */
import { rename, writeFile } from 'node:fs/promises';

export async function atomicWrite(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, path);
}
