/**
 * The report over time: `reports/<rig>/index.html` lists every night with a report folder — its verdict, what was
 * flagged (new and worse marked), what was set aside, the DUTs out of service, what was fixed — newest first; and
 * each night's page links to the night before and after it. Built from the nights' summary.json files (a small
 * cache, nights.json, keeps their rows so a year of nights is not parsed again every night).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { plural } from '../core/plural.js';
import { esc } from './escape.js';
import { fmtPct } from '../core/format.js';
import { htmlDocument, NIGHTS_NAV_END, NIGHTS_NAV_START } from './html/document.js';
import { verdictBadge } from './html/parts.js';
import { atomicWrite } from './atomic-write.js';

const NIGHT_DIR = /^\d{4}-\d{2}-\d{2}$/;
const CACHE = 'nights.json';
/** Cache rows are rebuilt when their format changes. */
const CACHE_VERSION = 1;

/** What the nights index shows of one night, read from its summary.json. */
export interface NightRow {
  night: string;
  /** healthy, failures, flagged, acknowledged or untrustworthy; 'unreadable' when summary.json could not be read. */
  verdict: string;
  headline: string;
  trials: number;
  failures: number;
  passRate: number | null;
  /** Flags not set aside, in the diagnosis' order. */
  flagged: Array<{ kind: string; id: string; verdict: string; news: string | null }>;
  /** Flags and watches set aside (acknowledged, DUT out of service, no longer in the rig). */
  setAside: Array<{ kind: string; id: string; verdict: string; reason: string }>;
  outOfService: Array<{ dut: string; health: string }>;
  fixed: Array<{ kind: string; id: string }>;
  /** summary.json's modification time when the row was read. */
  stamp: number;
}

/** The nights of a rig folder that have a report, oldest first. */
export function reportNights(rigDir: string): string[] {
  if (!existsSync(rigDir)) return [];
  return readdirSync(rigDir)
    .filter((name) => NIGHT_DIR.test(name) && existsSync(join(rigDir, name, 'index.html')))
    .sort();
}

/** The links of a night's page to the night before, the nights index and the night after. */
export function nightsNav(nights: readonly string[], night: string): string {
  const i = nights.indexOf(night);
  const before = i > 0 ? nights[i - 1] : undefined;
  const after = i >= 0 && i < nights.length - 1 ? nights[i + 1] : undefined;
  const link = (n: string, text: string, rel: string) => `<a rel="${rel}" href="../${esc(n)}/index.html">${esc(text)}</a>`;
  return (
    `${NIGHTS_NAV_START}<nav class="nights" aria-label="Nights">` +
    (before ? link(before, `← ${before}`, 'prev') : '<span class="muted">first night</span>') +
    '<a href="../index.html">all nights</a>' +
    (after ? link(after, `${after} →`, 'next') : '<span class="muted">latest night</span>') +
    `</nav>${NIGHTS_NAV_END}`
  );
}

/**
 * After a night's report is written into `rigDir/<night>`: the links of that night's page and of its neighbours
 * (and of the oldest night, whose older neighbour may have been pruned) are brought up to date, and the nights index
 * is written again.
 */
export async function publishNights(rigDir: string, rig: string, night: string): Promise<string> {
  const nights = reportNights(rigDir);
  const i = nights.indexOf(night);
  const touched = new Set([nights[i - 1], night, nights[i + 1], nights[0]].filter((n): n is string => n !== undefined && nights.includes(n)));
  for (const n of touched) await relink(join(rigDir, n, 'index.html'), nightsNav(nights, n));
  const rows = await nightRows(rigDir, nights);
  const file = join(rigDir, 'index.html');
  await atomicWrite(file, renderNightsIndex(rig, rows));
  return file;
}

/** Replaces the nights links of one page (pages written before they existed get them after the verdict header). */
async function relink(page: string, nav: string): Promise<void> {
  const html = await readFile(page, 'utf8');
  const start = html.indexOf(NIGHTS_NAV_START);
  const end = html.indexOf(NIGHTS_NAV_END);
  let next: string;
  if (start >= 0 && end > start) next = html.slice(0, start) + nav + html.slice(end + NIGHTS_NAV_END.length);
  else if (html.includes('</header>')) next = html.replace('</header>', `</header>\n${nav}`);
  else return;
  if (next !== html) await atomicWrite(page, next);
}

async function nightRows(rigDir: string, nights: string[]): Promise<NightRow[]> {
  const cacheFile = join(rigDir, CACHE);
  let cached = new Map<string, NightRow>();
  try {
    const data = JSON.parse(await readFile(cacheFile, 'utf8')) as { version?: number; rows?: NightRow[] };
    if (data.version === CACHE_VERSION && Array.isArray(data.rows)) cached = new Map(data.rows.map((r) => [r.night, r]));
  } catch {
    // No cache yet, or a damaged one: every night is read again.
  }
  const rows: NightRow[] = [];
  for (const night of nights) {
    const summary = join(rigDir, night, 'summary.json');
    const stamp = existsSync(summary) ? statSync(summary).mtimeMs : 0;
    const known = cached.get(night);
    rows.push(known && known.stamp === stamp ? known : await readRow(night, summary, stamp));
  }
  await atomicWrite(cacheFile, JSON.stringify({ version: CACHE_VERSION, rows }) + '\n');
  return rows;
}

/** A night's row from its summary.json (of any schema version); an unreadable one says so. */
async function readRow(night: string, file: string, stamp: number): Promise<NightRow> {
  const empty: NightRow = { night, verdict: 'unreadable', headline: 'summary.json is missing or unreadable', trials: 0, failures: 0, passRate: null, flagged: [], setAside: [], outOfService: [], fixed: [], stamp };
  let s: SummaryLike;
  try {
    s = JSON.parse(await readFile(file, 'utf8')) as SummaryLike;
  } catch {
    return empty;
  }
  const components = Array.isArray(s.components) ? s.components : [];
  const flagged = (c: ComponentLike) => c.verdict === 'suspect' || c.verdict === 'bad';
  return {
    night,
    verdict: String(s.verdict ?? 'unreadable'),
    headline: String(s.headline ?? ''),
    trials: Number(s.totals?.trials ?? 0),
    failures: Number(s.totals?.failures ?? 0),
    passRate: typeof s.totals?.passRate === 'number' ? s.totals.passRate : null,
    flagged: components.filter((c) => flagged(c) && !c.setAside && c.kind !== 'profile').map((c) => ({ kind: String(c.kind), id: String(c.id), verdict: String(c.verdict), news: c.news ?? null })),
    setAside: components.filter((c) => c.setAside).map((c) => ({ kind: String(c.kind), id: String(c.id), verdict: String(c.verdict), reason: String(c.setAside) })),
    outOfService: (Array.isArray(s.outOfService) ? s.outOfService : []).map((d) => ({ dut: String(d.dut), health: String(d.health) })),
    fixed: (Array.isArray(s.fixed) ? s.fixed : []).map((f) => ({ kind: String(f.kind), id: String(f.id) })),
    stamp,
  };
}

interface ComponentLike {
  id?: unknown;
  kind?: unknown;
  verdict?: unknown;
  news?: string | null;
  setAside?: string | null;
}

interface SummaryLike {
  verdict?: unknown;
  headline?: unknown;
  totals?: { trials?: unknown; failures?: unknown; passRate?: unknown };
  components?: ComponentLike[];
  outOfService?: Array<{ dut?: unknown; health?: unknown }>;
  fixed?: Array<{ id?: unknown; kind?: unknown }>;
}

const LABEL: Record<string, string> = {
  healthy: 'Healthy',
  failures: 'Failures',
  flagged: 'Components flagged',
  acknowledged: 'Known problems only',
  untrustworthy: 'Bench not trustworthy',
  unreadable: 'No summary',
};

/** The nights index of a rig: one row per night, newest first. */
export function renderNightsIndex(rig: string, rows: readonly NightRow[]): string {
  const newest = [...rows].sort((a, b) => b.night.localeCompare(a.night));
  const body = newest.map((r) => {
    const flags = r.flagged.map((f) => `<li>${verdictBadge(f.verdict)} ${esc(f.kind)} <code>${esc(f.id)}</code>${f.news === 'new' || f.news === 'worse' ? ` <span class="news ${esc(f.news)}">${f.news === 'new' ? 'new' : 'worse'}</span>` : ''}</li>`);
    const aside = r.setAside.map((f) => `<li>${esc(f.kind)} <code>${esc(f.id)}</code> <span class="muted">(${esc(f.verdict)}, ${esc(asideWord(f.reason))})</span></li>`);
    const out = r.outOfService.map((d) => `<li><code>${esc(d.dut)}</code> <span class="health ${esc(d.health)}">${esc(d.health)}</span></li>`);
    const fixed = r.fixed.map((f) => `<li>${esc(f.kind)} <code>${esc(f.id)}</code></li>`);
    const list = (items: string[]) => (items.length ? `<ul class="plain">${items.join('')}</ul>` : '<span class="muted">–</span>');
    return (
      `<tr class="night level-${esc(r.verdict)}"><td class="nowrap"><a href="${esc(r.night)}/index.html">${esc(r.night)}</a></td>` +
      `<td><span class="level">${esc(LABEL[r.verdict] ?? r.verdict)}</span><div class="muted small">${esc(r.headline)}</div></td>` +
      `<td class="num nowrap">${esc(fmtPct(r.passRate))}<br><span class="muted">${esc(plural(r.trials, 'trial'))}</span></td>` +
      `<td>${list(flags)}</td><td>${list(aside)}</td><td>${list(out)}</td><td>${list(fixed)}</td></tr>`
    );
  });
  const latest = newest[0];
  return htmlDocument(`${rig}: ${plural(rows.length, 'night')} of shakedown reports`, [
    `<header class="verdict nights-head" id="verdict"><div class="label">Nights</div><h1>${esc(rig)}</h1>` +
      `<div class="meta">${esc(plural(rows.length, 'night'))}${latest ? ` · latest <a href="${esc(latest.night)}/index.html">${esc(latest.night)}</a>` : ''}</div></header>`,
    '<section id="nights"><div class="scroll"><table class="nights">' +
      '<thead><tr><th>night</th><th>verdict</th><th class="num">pass rate</th><th>flagged (new and worse marked)</th><th>set aside</th><th>out of service</th><th>fixed since the night before</th></tr></thead>' +
      `<tbody>${body.join('')}</tbody></table></div>${rows.length === 0 ? '<p class="muted">No night has a report yet.</p>' : ''}</section>`,
    '<footer>shakedown nights index · each row is read from that night’s summary.json.</footer>',
  ]);
}

function asideWord(reason: string): string {
  return reason === 'out-of-service' ? 'DUT out of service' : reason === 'removed' ? 'no longer in the rig' : reason;
}
