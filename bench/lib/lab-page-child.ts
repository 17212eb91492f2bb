/**
 * Child process of benchmark B9: what `shakedown lab` does — every rig's window aggregated, diagnosed, the findings
 * across rigs, index.html and lab.json written — timed on its own, with the process's peak RSS.
 * Usage: node --import tsx bench/lib/lab-page-child.ts <store> <out dir>
 */
import { writeLabPage } from '../../harness/report/lab/index.js';
import { openStore } from '../../harness/store/index.js';

const [location, outDir] = process.argv.slice(2);
const startRssBytes = process.memoryUsage.rss();
const t0 = performance.now();
const store = await openStore(location!, { readonly: true });
const written = await writeLabPage({ store, windowNights: 14, outDir: outDir! });
await store.close();
process.stdout.write(
  JSON.stringify({
    totalMs: performance.now() - t0,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    startRssBytes,
    rigs: written.page.rigs.length,
    findings: written.page.findings.map((f) => `${f.component.kind} ${f.component.id}`),
    flagged: written.page.rigs.reduce((n, r) => n + r.flags.length, 0),
  }) + '\n',
);
