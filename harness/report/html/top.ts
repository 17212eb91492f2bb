/** The top of the report: the verdict in big type, then what to check first and why. */
import type { ComponentDiagnosis } from '../../diagnose/types.js';
import { esc } from '../escape.js';
import { fmtInt, fmtPct } from '../format.js';
import type { BenchIndex } from '../rig-index.js';
import { dutsUsing } from '../rig-index.js';
import type { ReportInput } from '../types.js';
import type { Overall } from '../verdict.js';
import { isFlagged } from '../verdict.js';
import { symptomCounts, verdictBadge } from './parts.js';

const LEVEL_LABEL = { healthy: 'Healthy', failures: 'Failures', flagged: 'Components flagged', untrustworthy: 'Bench not trustworthy tonight' } as const;

export function verdictHeader(input: ReportInput, o: Overall): string {
  const { run } = input;
  const meta = [
    `rig ${run.rig}`,
    `night ${run.night}`,
    `${fmtInt(o.trials)} trials on ${input.perDut.length} DUT${input.perDut.length === 1 ? '' : 's'}`,
    `pass rate ${fmtPct(o.passRate)}`,
  ];
  return (
    `<header class="verdict level-${o.level}" id="verdict"><div class="label">${esc(LEVEL_LABEL[o.level])}</div>` +
    `<h1>${esc(o.headline)}</h1><div class="meta">${meta.map(esc).join(' · ')}</div></header>`
  );
}

export function checkFirst(input: ReportInput, o: Overall, index: BenchIndex): string {
  const out: string[] = ['<section id="check-first"><h2>Check first</h2>'];
  if (o.level === 'untrustworthy') {
    out.push(
      `<p class="untrusted">The harness could not run ${o.errors} of ${o.trials} trials as the profiles say: fix the bench host or the relay controller first (see <a href="#harness-errors">Harness errors</a>). The verdicts below count only the trials that ran as planned.</p>`,
    );
  }
  if (o.flagged.length === 0 && !o.profileFlags.some(isFlagged)) {
    out.push(
      o.failures === 0
        ? '<p>Nothing to check: every trial passed and no component is flagged.</p>'
        : `<p>${o.failures} trial${o.failures === 1 ? '' : 's'} failed, but no component fails clearly more than the rest: see the bench matrix and the failing trials below.</p>`,
    );
  }
  // One numbered list: a flagged profile first (a wrong profile fails every board of its kind), then components.
  const flaggedProfiles = o.profileFlags.filter(isFlagged);
  if (flaggedProfiles.length || o.flagged.length) {
    out.push('<ol class="checks">');
    for (const p of flaggedProfiles) out.push(profileItem(p));
    for (const c of o.flagged) out.push(componentItem(c, index));
    out.push('</ol>');
  }
  const groups = confoundedGroups(input.diagnosis?.components ?? []);
  if (groups.length) {
    out.push('<h3>Cannot be told apart yet</h3><ul>');
    for (const g of groups) {
      out.push(`<li>${g.ids.map((id) => `<code>${esc(id)}</code>`).join(' + ')} always used together, so rates cannot tell them apart${g.swap ? ` — <strong>${esc(g.swap)}</strong>` : ''}</li>`);
    }
    out.push('</ul>');
  }
  const watchedProfiles = o.profileFlags.filter((p) => !isFlagged(p));
  if (o.watch.length || watchedProfiles.length) {
    out.push('<h3>Watch</h3><ul class="watch">');
    for (const p of watchedProfiles) {
      out.push(`<li>${verdictBadge(p.verdict)} profile <code>${esc(p.id)}</code>: ${esc(p.summary)}${p.action ? ` — next: ${esc(p.action)}` : ''}</li>`);
    }
    const items = watchItems(o.watch);
    out.push(...items.slice(0, 20));
    if (items.length > 20) out.push(`<li class="muted">and ${items.length - 20} more</li>`);
    out.push('</ul>');
  }
  out.push('</section>');
  return out.join('');
}

function profileItem(p: ReportInput['diagnosis']['profiles'][number]): string {
  return (
    `<li class="v-${esc(p.verdict)}"><div class="what">${verdictBadge(p.verdict)} profile <code>${esc(p.id)}</code></div>` +
    `<p>${esc(p.summary)}</p>${p.action ? `<p class="action">${esc(p.action)}</p>` : ''}</li>`
  );
}

function componentItem(c: ComponentDiagnosis, index: BenchIndex): string {
  const e = c.evidence;
  const duts = dutsUsing(index, c.kind, c.id);
  const used = c.kind !== 'dut' && duts.length ? ` <span class="muted">(used by ${duts.map(esc).join(', ')})</span>` : '';
  const note = index.notes.get(c.id);
  const numbers = e
    ? [
        `${e.failures}/${e.trials} failed (${fmtPct(e.failureRate)}) vs pool ${fmtPct(e.poolRate)}`,
        `p = ${formatP(e.pValue)}`,
        `Ochiai ${num(e.ochiai)}`,
        `symptom fit ${num(e.symptomFit)}`,
      ]
    : [];
  return (
    `<li class="v-${esc(c.verdict)}"><div class="what">${verdictBadge(c.verdict)} ${esc(c.kind)} <code>${esc(c.id)}</code>${used}</div>` +
    (e?.summary ? `<p>${esc(e.summary)}</p>` : '') +
    (c.action ? `<p class="action">${esc(c.action)}</p>` : '') +
    (c.confoundedWith?.length
      ? `<p>Always seen together with ${c.confoundedWith.map((id) => `<code>${esc(id)}</code>`).join(', ')}${
          c.separatingSwap ? ` — to separate them: <strong>${esc(c.separatingSwap)}</strong>` : ''
        }</p>`
      : '') +
    (c.changedSince ? `<p>Since: ${esc(c.changedSince)}</p>` : '') +
    (note ? `<p class="muted">Rig note: ${esc(note)}</p>` : '') +
    (e ? `<p class="numbers">${numbers.map(esc).join(' · ')}<br>${symptomCounts(e.symptoms ?? {})}</p>` : '') +
    '</li>'
  );
}

/**
 * One item per watched component, except that the watched members of a group that cannot be told apart share one
 * item: the group's swap is stated once, not once per member.
 */
function watchItems(watch: ComponentDiagnosis[]): string[] {
  const items: ComponentDiagnosis[][] = [];
  const byGroup = new Map<string, ComponentDiagnosis[]>();
  for (const c of watch) {
    const key = c.separatingSwap && c.confoundedWith?.length ? [c.id, ...c.confoundedWith].sort().join('\u0000') : undefined;
    const shared = key === undefined ? undefined : byGroup.get(key);
    if (shared) {
      shared.push(c);
      continue;
    }
    const item = [c];
    items.push(item);
    if (key !== undefined) byGroup.set(key, item);
  }
  return items.map((members) => (members[0]!.separatingSwap ? groupWatchItem(members) : watchItem(members[0]!)));
}

function watchItem(c: ComponentDiagnosis): string {
  return `<li>${verdictBadge(c.verdict)} ${esc(c.kind)} <code>${esc(c.id)}</code>: ${esc(c.evidence?.summary ?? '')}${c.action ? ` — next: ${esc(c.action)}` : ''}</li>`;
}

/** Members of one group ran on the same trials: one count, the parts they cannot be told from, the swap once. */
function groupWatchItem(members: ComponentDiagnosis[]): string {
  const first = members[0]!;
  const ids = new Set(members.map((m) => m.id));
  const others = (first.confoundedWith ?? []).filter((id) => !ids.has(id));
  const e = first.evidence;
  return (
    `<li>${verdictBadge(first.verdict)} ${members.map((m) => `${esc(m.kind)} <code>${esc(m.id)}</code>`).join(', ')}: ` +
    `${e ? `${e.failures} of ${e.trials} trials failed, ` : ''}always used together${others.length ? ` with ${others.map((id) => `<code>${esc(id)}</code>`).join(', ')}` : ''}, so rates cannot tell them apart` +
    ` — next: ${esc(first.separatingSwap ?? '')}</li>`
  );
}

/** Each group of components that cannot be told apart, once, when any member is flagged or watched. */
function confoundedGroups(components: ComponentDiagnosis[]): Array<{ ids: string[]; swap?: string }> {
  const seen = new Set<string>();
  const groups: Array<{ ids: string[]; swap?: string }> = [];
  for (const c of components) {
    if (!c.confoundedWith?.length || !(isFlagged(c) || c.verdict === 'watch')) continue;
    const ids = [c.id, ...c.confoundedWith.filter((id) => id !== c.id)];
    const key = [...ids].sort().join('\u0000');
    if (seen.has(key)) continue;
    seen.add(key);
    groups.push({ ids, ...(c.separatingSwap ? { swap: c.separatingSwap } : {}) });
  }
  return groups;
}

function formatP(p: number): string {
  if (!Number.isFinite(p)) return '–';
  return p < 0.0001 ? p.toExponential(1) : p.toPrecision(2);
}

function num(n: number): string {
  return Number.isFinite(n) ? n.toFixed(2) : '–';
}
