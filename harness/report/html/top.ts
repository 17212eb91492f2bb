/**
 * The top of the report: the verdict in big type, then what to check first and why — what is new tonight or got
 * worse before what the lab already knows — the known problems set aside (folded), what was fixed since last
 * night, and what to watch. Each thing is said once: a group's swap appears with the flag that carries it.
 */
import { plural } from '../../core/plural.js';
import { evidenceWithoutName } from '../../diagnose/sentences.js';
import type { ComponentDiagnosis } from '../../diagnose/types.js';
import { esc } from '../escape.js';
import { fmtInt, fmtPct } from '../../core/format.js';
import { keyOf, setAsideText, type SetAside } from '../folds.js';
import type { BenchIndex } from '../rig-index.js';
import { dutsUsing } from '../rig-index.js';
import type { ReportInput } from '../types.js';
import type { Overall } from '../verdict.js';
import { isFlagged } from '../verdict.js';
import { symptomCounts, verdictBadge } from './parts.js';

const LEVEL_LABEL = {
  healthy: 'Healthy',
  failures: 'Failures',
  flagged: 'Components flagged',
  acknowledged: 'Known problems only',
  untrustworthy: 'Bench not trustworthy tonight',
} as const;

/** Watch items shown before "and N more". */
const WATCH_SHOWN = 20;

export function verdictHeader(input: ReportInput, o: Overall): string {
  const { run } = input;
  const meta = [
    `rig ${run.rig}`,
    `night ${run.night}`,
    `${fmtInt(o.trials)} trials on ${plural(input.perDut.length, 'DUT')}`,
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
  const flaggedProfiles = o.profileFlags.filter(isFlagged);
  if (o.flagged.length === 0 && flaggedProfiles.length === 0) {
    const unexplained = o.failures - o.setAsideFailures;
    out.push(
      unexplained <= 0
        ? `<p>Nothing to check: ${o.failures === 0 ? 'every trial passed and ' : 'every failure is a known problem set aside below, and '}no other component is flagged.</p>`
        : `<p>${plural(unexplained, 'trial')} failed, but no component fails clearly more than the rest: see the bench matrix and the failing trials below.</p>`,
    );
  }
  // One numbered list: a flagged profile first (a wrong profile fails every board of its kind), then components,
  // new and worse ones before those the lab already knows (the diagnosis' order).
  if (flaggedProfiles.length || o.flagged.length) {
    out.push('<ol class="checks">');
    for (const p of flaggedProfiles) out.push(profileItem(p, input, o));
    for (const c of o.flagged) out.push(componentItem(c, index, o, input));
    out.push('</ol>');
  }
  out.push(setAsideList(o), fixedList(input, o));
  const groups = unstatedGroups(input.diagnosis?.components ?? [], o);
  if (groups.length) {
    out.push('<h3>Cannot be told apart yet</h3><ul>');
    for (const g of groups) out.push(`<li>${g.map((id) => `<code>${esc(id)}</code>`).join(' + ')} always used together, so rates cannot tell them apart</li>`);
    out.push('</ul>');
  }
  const watchedProfiles = o.profileFlags.filter((p) => !isFlagged(p));
  if (o.watch.length || watchedProfiles.length) {
    out.push('<h3>Watch</h3><ul class="watch">');
    for (const p of watchedProfiles) {
      out.push(`<li>${verdictBadge(p.verdict)} profile <code>${esc(p.id)}</code>: ${esc(evidenceWithoutName({ kind: 'profile', id: p.id, evidence: p }))}${p.action ? ` — next: ${esc(p.action)}` : ''}</li>`);
    }
    const items = watchItems(o.watch, o.flagged);
    out.push(...items.slice(0, WATCH_SHOWN));
    if (items.length > WATCH_SHOWN) out.push(`<li class="muted">and ${items.length - WATCH_SHOWN} more</li>`);
    out.push('</ul>');
  }
  out.push('</section>');
  return out.join('');
}

/** "new tonight", "worse (was suspect)", "known": how the flag compares with the night before, in words. */
function newsTag(c: Pick<ComponentDiagnosis, 'news' | 'previousVerdict'>, night: string | undefined): string {
  if (c.news === 'new') return ' <span class="news new">new tonight</span>';
  if (c.news === 'worse') return ` <span class="news worse">worse${c.previousVerdict ? ` (${esc(c.previousVerdict)} ${night ? `on ${esc(night)}` : 'before'})` : ''}</span>`;
  if (c.news === 'known') return ' <span class="news known">known</span>';
  return '';
}

function profileItem(p: ReportInput['diagnosis']['profiles'][number], input: ReportInput, o: Overall): string {
  const entry = (input.diagnosis?.components ?? []).find((c) => c.kind === 'profile' && c.id === p.id);
  return (
    `<li class="v-${esc(p.verdict)}"><div class="what">${verdictBadge(p.verdict)} profile <code>${esc(p.id)}</code>${entry ? newsTag(entry, input.diagnosis?.previousNight) : ''}</div>` +
    `<p>${esc(evidenceWithoutName({ kind: 'profile', id: p.id, evidence: p }))}</p>${p.action ? `<p class="action">${esc(p.action)}</p>` : ''}${exceededAck(o, { kind: 'profile', id: p.id })}</li>`
  );
}

function componentItem(c: ComponentDiagnosis, index: BenchIndex, o: Overall, input: ReportInput): string {
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
  // The next step already carries the separating swap when the diagnosis put it there: it is not said twice.
  const swapInAction = Boolean(c.separatingSwap && c.action?.includes(c.separatingSwap));
  return (
    `<li class="v-${esc(c.verdict)}"><div class="what">${verdictBadge(c.verdict)} ${esc(c.kind)} <code>${esc(c.id)}</code>${used}${newsTag(c, input.diagnosis?.previousNight)}</div>` +
    (e?.summary ? `<p>${esc(evidenceWithoutName(c))}</p>` : '') +
    (c.action ? `<p class="action">${esc(c.action)}</p>` : '') +
    (c.confoundedWith?.length
      ? `<p>Always seen together with ${c.confoundedWith.map((id) => `<code>${esc(id)}</code>`).join(', ')}${
          c.separatingSwap && !swapInAction ? ` — to separate them: <strong>${esc(c.separatingSwap)}</strong>` : ''
        }</p>`
      : '') +
    (c.indistinguishableFrom?.length
      ? `<p>Fits exactly as well: ${c.indistinguishableFrom.map((id) => `<code>${esc(id)}</code>`).join(', ')} — tonight cannot tell which</p>`
      : '') +
    (c.changedSince ? `<p>Since: ${esc(c.changedSince)}</p>` : '') +
    exceededAck(o, c) +
    (note ? `<p class="muted">Rig note: ${esc(note)}</p>` : '') +
    (e ? `<p class="numbers">${numbers.map(esc).join(' · ')}<br>${symptomCounts(e.symptoms ?? {})}</p>` : '') +
    '</li>'
  );
}

/** An ack that no longer covers the flag: who made it and why the flag shows again. */
function exceededAck(o: Overall, c: { kind: ComponentDiagnosis['kind']; id: string }): string {
  const x = o.folds.exceeded.get(keyOf(c));
  if (!x) return '';
  const { ack } = x;
  return `<p class="ack-exceeded">Acknowledged by ${esc(ack.by)} on ${esc(ack.since.slice(0, 10))} (${esc(ack.note)}), but shown again: ${esc(x.why)}.</p>`;
}

/** Known problems set aside for the night, folded: still there to read, not counted. */
function setAsideList(o: Overall): string {
  const items = o.setAside.filter((s) => s.why.reason !== 'removed');
  if (items.length === 0) return '';
  const flags = items.filter((s) => isFlagged(s.component)).length;
  const label = `${plural(items.length, 'known problem')} set aside${flags < items.length ? ` (${flags} flagged, ${items.length - flags} watched)` : ''} — not counted tonight`;
  return (
    `<details class="set-aside" id="set-aside"><summary>${esc(label)}</summary><ul>` +
    items.map(({ component: c, why }) => setAsideItem(c, why)).join('') +
    '</ul></details>'
  );
}

function setAsideItem(c: ComponentDiagnosis, why: SetAside): string {
  return (
    `<li class="v-${esc(c.verdict)}"><div class="what">${verdictBadge(c.verdict)} ${esc(c.kind)} <code>${esc(c.id)}</code></div>` +
    `<p class="why">${esc(setAsideText(why))}</p>` +
    (c.evidence?.summary ? `<p>${esc(evidenceWithoutName(c))}</p>` : '') +
    (c.action ? `<p class="muted">next: ${esc(c.action)}</p>` : '') +
    '</li>'
  );
}

/** What was flagged the night before and is not tonight, and flagged parts no longer in the rig. */
function fixedList(input: ReportInput, o: Overall): string {
  const previous = input.diagnosis?.previousNight;
  const items: string[] = [];
  for (const f of input.diagnosis?.fixed ?? []) {
    items.push(`<li>${esc(f.kind)} <code>${esc(f.id)}</code>: ${esc(f.previousVerdict)}${previous ? ` on ${esc(previous)}` : ' the night before'}, ${esc(f.verdict)} tonight</li>`);
  }
  for (const { component: c, why } of o.setAside) {
    if (why.reason === 'removed') items.push(`<li>${esc(c.kind)} <code>${esc(c.id)}</code>: no longer in the rig (${esc(c.verdict)} over the nights it ran)</li>`);
  }
  if (items.length === 0) return '';
  return `<h3>Fixed since last night</h3><ul class="fixed">${items.join('')}</ul>`;
}

/**
 * One item per watched component, except that the watched members of a group that cannot be told apart share one
 * item: the group's swap is stated once, not once per member.
 */
function watchItems(watch: ComponentDiagnosis[], flagged: ComponentDiagnosis[]): string[] {
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
  // A group whose flag another member carries: its swap is in that member's item above.
  const carriers = new Map(flagged.filter((c) => c.separatingSwap).map((c) => [c.separatingSwap!, c] as const));
  return items.map((members) => (members[0]!.separatingSwap ? groupWatchItem(members, carriers.get(members[0]!.separatingSwap)) : watchItem(members[0]!)));
}

function watchItem(c: ComponentDiagnosis): string {
  return `<li>${verdictBadge(c.verdict)} ${esc(c.kind)} <code>${esc(c.id)}</code>: ${esc(evidenceWithoutName(c))}${c.action ? ` — next: ${esc(c.action)}` : ''}</li>`;
}

/**
 * Members of one group ran on the same trials: one count, the parts they cannot be told from, and the swap — or,
 * when a flagged member carries the group's flag, a pointer to its item, where the swap is.
 */
function groupWatchItem(members: ComponentDiagnosis[], carrier: ComponentDiagnosis | undefined): string {
  const first = members[0]!;
  const ids = new Set(members.map((m) => m.id));
  const others = (first.confoundedWith ?? []).filter((id) => !ids.has(id));
  const e = first.evidence;
  return (
    `<li>${verdictBadge(first.verdict)} ${members.map((m) => `${esc(m.kind)} <code>${esc(m.id)}</code>`).join(', ')}: ` +
    `${e ? `${e.failures} of ${e.trials} trials failed, ` : ''}always used together${others.length ? ` with ${others.map((id) => `<code>${esc(id)}</code>`).join(', ')}` : ''}, so rates cannot tell them apart` +
    (carrier ? ` — the swap proposed for ${esc(carrier.kind)} <code>${esc(carrier.id)}</code> above tells them apart</li>` : ` — next: ${esc(first.separatingSwap ?? '')}</li>`)
  );
}

/**
 * Groups that cannot be told apart whose swap no item above states: a flagged member's item and a watched group's
 * item name their swap, so only groups without one are listed here, once.
 */
function unstatedGroups(components: ComponentDiagnosis[], o: Overall): string[][] {
  const shown = new Set([...o.flagged, ...o.watch].map(keyOf));
  const seen = new Set<string>();
  const groups: string[][] = [];
  for (const c of components) {
    if (!c.confoundedWith?.length || c.separatingSwap || !shown.has(keyOf(c))) continue;
    const ids = [c.id, ...c.confoundedWith.filter((id) => id !== c.id)];
    const key = [...ids].sort().join('\u0000');
    if (seen.has(key)) continue;
    seen.add(key);
    groups.push(ids);
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
