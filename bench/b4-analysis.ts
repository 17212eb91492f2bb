/**
 * B4 — analysis at scale: a store with a million trial records over 30 nights of a 64-DUT rig, then what a night
 * ends with — diagnose over the history window and write the HTML report — in a child process, so its time and
 * peak RSS are the analysis's alone.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './lib/types.js';
import type { AnalysisFigures } from './lib/analyse-store.js';
import { stm32Fleet } from './lib/rigs.js';
import { synthesiseStore } from './lib/synth-store.js';

const TARGET_MS = 10_000;
const TARGET_RSS = 2 ** 30;
const TARGET_HTML = 5 * 1024 * 1024;
const DUTS = 64;
const NIGHTS = 30;
const HERE = dirname(fileURLToPath(import.meta.url));

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function analyse(file: string, night: string, outDir: string): Promise<AnalysisFigures> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, 'lib', 'analyse-store.ts'), file, String(DUTS), night, outDir], {
      cwd: resolve(HERE, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`analysis child exited ${code}: ${err.trim().split('\n').slice(-3).join(' / ')}`));
      try {
        resolvePromise(JSON.parse(out.trim().split('\n').pop()!) as AnalysisFigures);
      } catch {
        reject(new Error(`analysis child printed no figures: ${out.slice(0, 200)}`));
      }
    });
  });
}

export const b4: Benchmark = {
  id: 'B4',
  what: 'analysis at scale (1M trials)',
  target: '≤ 10 s, RSS ≤ 1 GiB, HTML ≤ 5 MB',
  async run(ctx) {
    const records = ctx.quick ? 100_000 : 1_000_000;
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-bench-b4-'));
    try {
      const file = join(dir, 'trials.db');
      const started = performance.now();
      const synth = await synthesiseStore({
        file,
        bench: stm32Fleet(DUTS),
        nights: NIGHTS,
        records,
        onNight: (night, written) => {
          if (written % 100_000 < records / NIGHTS) ctx.log(`B4 store: ${written} records (${night})`);
        },
      });
      const synthMs = performance.now() - started;
      const dbBytes = statSync(file).size;
      ctx.log(`B4 store: ${synth.records} records in ${(synthMs / 1000).toFixed(1)} s, ${mib(dbBytes)} on disk`);
      const night = synth.nights[synth.nights.length - 1]!;
      const f = await analyse(file, night, join(dir, 'report'));
      const met = f.totalMs <= TARGET_MS && f.maxRssBytes <= TARGET_RSS && f.htmlBytes <= TARGET_HTML;
      return {
        figure: `${(f.totalMs / 1000).toFixed(2)} s, RSS ${mib(f.maxRssBytes)}, HTML ${(f.htmlBytes / 1e6).toFixed(2)} MB`,
        verdict: met ? 'met' : 'missed',
        details: [
          `store: ${synth.records} records, ${NIGHTS} nights, ${DUTS} DUTs, ${mib(dbBytes)} on disk, written in ${(synthMs / 1000).toFixed(1)} s (addTrials, 20 000 per transaction)`,
          `diagnose ${(f.diagnoseMs / 1000).toFixed(2)} s over ${f.windowNights} nights (${f.windowTrials} trials); report data ${(f.reportDataMs / 1000).toFixed(2)} s; writing 3 files ${(f.writeMs / 1000).toFixed(2)} s`,
          `peak RSS ${mib(f.maxRssBytes)} (${mib(f.startRssBytes)} before the analysis: Node and modules)`,
          `flagged: ${f.flagged.join(', ') || 'nothing'}`,
        ],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
