/** Small pieces the HTML sections share: badges, component chips, symptom lists, the strip. */
import { plural } from '../../core/plural.js';
import type { HarnessErrorReason, Symptom } from '../../core/record.js';
import type { ComponentDiagnosis } from '../../diagnose/types.js';
import { esc } from '../escape.js';
import { fmtPct } from '../../core/format.js';
import type { BenchIndex } from '../rig-index.js';
import { HARNESS_ERROR_STYLE, SYMPTOM_STYLE, sortedSymptoms, symptomClass, symptomLetter } from '../symptoms.js';
import type { StripCell } from '../types.js';
import { passRate } from '../verdict.js';

const VERDICTS = new Set(['ok', 'watch', 'suspect', 'bad']);

export function verdictBadge(verdict: string): string {
  const v = VERDICTS.has(verdict) ? verdict : 'watch';
  return `<span class="badge ${v}">${esc(verdict)}</span>`;
}

/** A component id with its kind; highlighted (and marked "!") when the diagnosis flags it. */
export function chip(kind: string, id: string | null | undefined, index: BenchIndex): string {
  if (!id) return '';
  const d = index.diagnosis.get(id);
  const aside = index.setAside.has(id);
  // A known problem set aside is marked as known, not as something to act on tonight.
  const flag = d && d.verdict !== 'ok' && VERDICTS.has(d.verdict) ? (aside ? ' f-aside' : ` f-${d.verdict}`) : '';
  const title = d ? `${kind} ${id}: ${d.verdict}${aside ? ', set aside (known problem)' : ''}` : `${kind} ${id}`;
  return `<span class="chip${flag}" title="${esc(title)}"><span class="k">${esc(kind)}</span> ${esc(id)}</span>`;
}

export function letter(symptom: string): string {
  return `<span class="letter ${symptomClass(symptom)}" aria-hidden="true">${esc(symptomLetter(symptom))}</span>`;
}

/** "C corrupt 12 · L late 2" with the letter that also appears in the strip. */
export function symptomCounts(counts: Partial<Record<Symptom, number>>): string {
  const list = sortedSymptoms(counts);
  if (list.length === 0) return '<span class="muted">none</span>';
  return list.map(([s, n]) => `<span class="sym">${letter(s)}${esc(s)} ${n}</span>`).join('');
}

export function rateClass(rate: number | null): string {
  if (rate === null) return '';
  return rate >= 0.999 ? 'rate-ok' : rate >= 0.95 ? 'rate-warn' : 'rate-bad';
}

/** Pass rate over passes and failures (harness errors are no evidence either way). */
export function rateCell(passes: number, failures: number): string {
  const rate = passRate(passes, failures);
  return `<td class="num ${rateClass(rate)}">${esc(fmtPct(rate))}<br><span class="muted">${passes}/${passes + failures}</span></td>`;
}

/** "E edge-late 3 · E exception 1": harness errors by reason, marked by their own hatched letter, apart from symptoms. */
export function errorCounts(reasons: Partial<Record<HarnessErrorReason, number>>): string {
  const list = (Object.entries(reasons) as Array<[HarnessErrorReason, number]>).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  return list.map(([r, n]) => `<span class="sym" title="harness error">${letter('error')}${esc(r)} ${n}</span>`).join('');
}

/**
 * The pass/fail strip: a thin green bar per passing cell, the symptom's letter on its colour per failing cell, a
 * hatched E where the harness could not run the trial (no evidence about the hardware).
 */
export function stripHtml(cells: readonly StripCell[], label: string): string {
  const fails = cells.reduce((n, c) => n + c.failures, 0);
  const errors = cells.reduce((n, c) => n + (c.errors ?? 0), 0);
  const trials = cells.reduce((n, c) => n + c.trials, 0);
  const parts = cells.map((c) => {
    const range = c.trials === 1 ? `trial ${c.firstSeq}` : `trials ${c.firstSeq}–${c.firstSeq + c.trials - 1}`;
    const errored = c.errors ?? 0;
    if (c.failures === 0 && errored === 0) return '<i class="p"></i>';
    if (c.failures === 0) {
      const what = `${range}: ${errored === c.trials ? 'harness error' : `${errored} of ${c.trials} harness errors`}`;
      return `<i class="f ${symptomClass('error')}${errored < c.trials ? ' part' : ''}" title="${esc(what)}">${esc(symptomLetter('error'))}</i>`;
    }
    const partial = c.failures < c.trials ? ' part' : '';
    const what = `${range}: ${c.failures === c.trials ? 'failed' : `${c.failures} of ${c.trials} failed`}, ${c.symptom}${errored ? `; ${plural(errored, 'harness error')}` : ''}`;
    return `<i class="f ${symptomClass(c.symptom)}${partial}" title="${esc(what)}">${esc(symptomLetter(c.symptom))}</i>`;
  });
  const aria = `${label}: ${plural(trials, 'trial')}, ${fails} failed${errors ? `, ${plural(errors, 'harness error')}` : ''}`;
  return `<span class="strip" role="img" aria-label="${esc(aria)}">${parts.join('')}</span>`;
}

export function legend(): string {
  const items = (Object.keys(SYMPTOM_STYLE) as Symptom[])
    .filter((s) => s !== 'ok')
    .map((s) => `<span class="sym">${letter(s)}${esc(SYMPTOM_STYLE[s].label)}</span>`);
  const error = `<span class="sym">${letter('error')}${esc(HARNESS_ERROR_STYLE.label)}</span>`;
  return `<p class="legend">Strip: <span class="strip"><i class="p"></i></span> passed · a letter on colour = failed with that symptom (faded = some trials of a merged cell failed). ${items.join(' ')} ${error}</p>`;
}

/** Stable, safe anchor ids (device-given names never go into an id). */
export function anchors(duts: readonly string[]): Map<string, string> {
  return new Map(duts.map((d, i) => [d, `dut-${i + 1}`]));
}

export function componentTitle(c: ComponentDiagnosis): string {
  return `${c.kind} ${c.id}`;
}
