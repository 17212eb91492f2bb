/**
 * The lab page (index.html above the rigs' folders): one line per rig — its latest night's verdict, flags, pass
 * rate, trend and report — and above them the findings only a view across rigs can make. Self-contained like the
 * nightly report: the same stylesheet and Content-Security-Policy, no script, every name escaped.
 */
import { esc } from '../escape.js';
import { fmtInt, fmtPct } from '../../core/format.js';
import { pageHead } from '../html/document.js';
import { rateClass } from '../html/parts.js';
import { sparklineSvg } from '../svg/sparkline.js';
import type { LabFinding, LabFlag, LabPage, LabRigSummary } from './types.js';

const LAB_STYLE = `
.lab td.rigcell{min-width:12rem}
.lab td.rigcell a{font-weight:600}
.level-untrustworthy{background:var(--bad-bg);border-color:var(--bad)} .level-untrustworthy .label{color:var(--bad)}
.badge.healthy{color:var(--ok);border-color:var(--ok)} .badge.failures{color:var(--watch);border-color:var(--watch);background:var(--watch-bg)}
.badge.flagged,.badge.untrustworthy{color:#fff;background:var(--bad);border-color:var(--bad)}
.badge.acknowledged{color:var(--muted);border-style:dashed;border-color:var(--muted)}
.stale{color:var(--bad);font-weight:600}
`;

const LEVELS = new Set(['healthy', 'failures', 'flagged', 'acknowledged', 'untrustworthy']);

function levelBadge(level: string): string {
  return `<span class="badge ${LEVELS.has(level) ? level : 'failures'}">${esc(level)}</span>`;
}

/** A link to a file beside the page; each path segment encoded, so a rig id can never leave the folder or break out. */
function href(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function labLevel(page: LabPage): { level: string; headline: string } {
  const count = (level: string) => page.rigs.filter((r) => r.verdict === level).length;
  const stale = page.rigs.filter((r) => r.stale).length;
  const parts: string[] = [];
  if (page.findings.length) parts.push(`${page.findings.length} lab-wide finding${page.findings.length === 1 ? '' : 's'}`);
  for (const level of ['flagged', 'untrustworthy', 'failures'] as const) if (count(level)) parts.push(`${count(level)} ${level}`);
  if (count('acknowledged')) parts.push(`${count('acknowledged')} with known problems only`);
  if (stale) parts.push(`${stale} not run on ${page.latestNight}`);
  const level = page.findings.length || count('flagged') ? 'flagged' : count('untrustworthy') ? 'untrustworthy' : count('failures') || stale ? 'failures' : count('acknowledged') ? 'acknowledged' : 'healthy';
  const headline = page.rigs.length === 0 ? 'No rig has trials in the store yet' : parts.length ? `${page.rigs.length} rigs — ${parts.join(', ')}` : `All ${page.rigs.length} rigs healthy`;
  return { level, headline };
}

function findingItem(f: LabFinding): string {
  const rows = f.evidence
    .map(
      (e) =>
        `<tr><td>${esc(e.rig)}</td><td class="num ${e.elevated ? 'rate-bad' : ''}">${esc(fmtPct(e.failureRate))}</td><td class="num">${fmtInt(e.failures)}/${fmtInt(e.trials)}</td>` +
        `<td class="num">${esc(fmtPct(e.poolRate))}</td><td class="num">${f.kind === 'profile' ? `${e.failingDuts}/${e.duts}` : e.duts}</td></tr>`,
    )
    .join('');
  return (
    `<li class="v-bad"><div class="what">${esc(f.kind === 'profile' ? 'profile' : f.component.kind)} ${esc(f.component.id)}</div>` +
    `<p>${esc(f.sentence)}</p><p class="action">${esc(f.action)}</p>` +
    `<div class="scroll"><table><thead><tr><th>rig</th><th class="num">failed</th><th class="num">trials</th><th class="num">rest of the rig</th>` +
    `<th class="num">${f.kind === 'profile' ? 'DUTs failing' : 'DUTs'}</th></tr></thead><tbody>${rows}</tbody></table></div></li>`
  );
}

/** A flag of a rig; an acknowledged one dashed and marked "(known)", as on the night's page, with who and why. */
function flagChip(f: LabFlag): string {
  const ack = f.ack ? ` — ${f.acknowledged ? 'acknowledged' : 'beyond the ack'} by ${f.ack.by}: ${f.ack.note}` : '';
  return `<span class="chip f-${esc(f.verdict)}${f.acknowledged ? ' f-aside' : ''}" title="${esc(f.summary + ack)}"><span class="k">${esc(f.kind)}</span> ${esc(f.id)}</span>`;
}

function rigRow(r: LabRigSummary): string {
  const name = r.report ? `<a href="${esc(href(r.report))}">${esc(r.rig)}</a>` : esc(r.rig);
  const title = r.title ? `<br><span class="muted">${esc(r.title)}</span>` : '';
  const host = r.host ? `<br><span class="muted">on ${esc(r.host)}</span>` : '';
  const flags = r.flags.length
    ? r.flags.map(flagChip).join('')
    : '<span class="muted">none</span>';
  const night = r.stale ? `<span class="stale" title="no run since">${esc(r.night)}</span>` : esc(r.night);
  return (
    `<tr><td class="rigcell">${name}${title}${host}</td><td class="nowrap">${night}${r.status && r.status !== 'completed' ? `<br><span class="muted">${esc(r.status)}</span>` : ''}</td>` +
    `<td>${levelBadge(r.verdict)}<br><span class="muted">${esc(r.headline)}</span></td>` +
    `<td class="num ${rateClass(r.passRate)}">${esc(fmtPct(r.passRate))}<br><span class="muted">${fmtInt(r.passes)}/${fmtInt(r.passes + r.failures)}${r.errors ? ` · ${fmtInt(r.errors)} errors` : ''}</span></td>` +
    `<td>${flags}</td><td>${sparklineSvg(r.trend, `rig ${r.rig}`)}</td></tr>`
  );
}

function rigTables(rigs: LabRigSummary[]): string {
  const sites = [...new Set(rigs.map((r) => r.site ?? ''))].sort();
  const head = '<thead><tr><th>rig</th><th>night</th><th>verdict</th><th class="num">pass rate</th><th>flags</th><th>trend</th></tr></thead>';
  const body = sites
    .map((site) => {
      const group = sites.length > 1 || site ? `<tr class="group"><th colspan="6">${site ? esc(site) : '<span class="muted">no site</span>'}</th></tr>` : '';
      return group + rigs.filter((r) => (r.site ?? '') === site).map(rigRow).join('');
    })
    .join('');
  return `<div class="scroll"><table class="lab">${head}<tbody>${body}</tbody></table></div>`;
}

export function renderLabHtml(page: LabPage): string {
  const { level, headline } = labLevel(page);
  const findings = page.findings.length
    ? `<ol class="checks">${page.findings.map(findingItem).join('')}</ol>`
    : '<p class="muted">None: no profile fails on several rigs, and no cable, supply or board fails on every bench it visited.</p>';
  return [
    pageHead(`${level === 'healthy' ? '✓' : level === 'acknowledged' ? '~' : '✗'} lab ${page.latestNight ?? ''} — ${headline}`, LAB_STYLE),
    `<header id="verdict" class="verdict level-${esc(level)}"><div class="label">lab · ${esc(page.latestNight ?? 'no nights')}</div><h1>${esc(headline)}</h1>` +
      `<div class="meta">${page.rigs.length} rigs · ${page.windowNights} nights of history each · store ${esc(page.store)}</div></header>`,
    `<section id="findings"><h2>Lab-wide findings</h2>${findings}</section>`,
    `<section id="rigs"><h2>Rigs</h2>${rigTables(page.rigs)}</section>`,
    `<footer>shakedown lab page · generated ${esc(page.generatedAt)} from the store; each rig's own report has the detail.</footer>`,
    '</main></body></html>',
    '',
  ].join('\n');
}
