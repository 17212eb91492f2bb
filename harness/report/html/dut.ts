/** One collapsible section per DUT: timings, symptoms in words, the pin timeline, and failing trials byte by byte. */
import type { HarnessErrorReason, TrialRecord } from '../../core/record.js';
import { esc } from '../escape.js';
import { fmtPct } from '../../core/format.js';
import type { BenchIndex } from '../rig-index.js';
import { histogramSvg } from '../svg/histogram.js';
import { pinTimelineSvg } from '../svg/timeline.js';
import { SYMPTOM_STYLE, sortedSymptoms } from '../symptoms.js';
import type { DutSummary, ReportInput } from '../types.js';
import { passRate } from '../verdict.js';
import { chip, errorCounts, letter, rateClass, symptomCounts } from './parts.js';
import { failingTrial } from './trial.js';
import { pageHref, pagesOf } from '../trial-pages.js';
import { plural } from '../../core/plural.js';

/** DUTs opened by default: the ones with the most failures, so the first failing bytes are one scroll away. */
const OPEN_DUTS = 3;

export function dutSections(input: ReportInput, index: BenchIndex, anchor: Map<string, string>): string {
  const failingByDut = new Map<string, TrialRecord[]>();
  for (const t of input.failingTrials ?? []) {
    let list = failingByDut.get(t.dut);
    if (!list) failingByDut.set(t.dut, (list = []));
    list.push(t);
  }
  const open = new Set(
    [...input.perDut]
      .filter((d) => d.passes < d.trials)
      .sort((a, b) => b.trials - b.passes - (a.trials - a.passes))
      .slice(0, OPEN_DUTS)
      .map((d) => d.dut),
  );
  const sections = input.perDut.map((d) =>
    dutSection(d, failingByDut.get(d.dut) ?? [], input.sampleTrial?.[d.dut], index, anchor.get(d.dut)!, open.has(d.dut), input.transcripts !== undefined),
  );
  return `<section id="duts"><h2>DUTs</h2>${sections.join('')}</section>`;
}

function dutSection(
  d: DutSummary,
  failing: TrialRecord[],
  sample: TrialRecord | undefined,
  index: BenchIndex,
  id: string,
  open: boolean,
  paged: boolean,
): string {
  const rate = passRate(d.passes, d.failures);
  const p = index.places.get(d.dut);
  const summary =
    `<summary>${esc(d.dut)} <span class="${rateClass(rate)}">${esc(fmtPct(rate))}</span> ` +
    `<span class="muted">(${d.passes}/${d.passes + d.failures})</span> ${d.failures || !d.errors ? symptomCounts(d.symptoms) : ''}${errorCounts(d.errorReasons ?? {})}</summary>`;
  const parts: string[] = [];
  parts.push(
    `<p>${chip('dut', d.dut, index)}${chip('hub', p?.hub, index)}${chip('port', p?.port, index)}${chip('cable', p?.cable, index)}${chip(
      'supply',
      p?.supply,
      index,
    )}${(p?.relays ?? []).map((r) => chip('relay', r, index)).join('')} <span class="muted">profile ${esc(d.profile)} · ${plural(d.retries, 'retry', 'retries')}</span></p>`,
  );
  const note = index.notes.get(d.dut);
  if (note) parts.push(`<p class="muted">Rig note: ${esc(note)}</p>`);
  parts.push(symptomBreakdown(d));
  parts.push(
    `<div class="charts">${histogramSvg('reset → first byte', d.resetToFirstByteMs)}${histogramSvg('handshake (passing trials)', d.handshakeMs)}${histogramSvg(
      'link round trip',
      d.linkRoundTripMs,
    )}</div>`,
  );
  const timelineTrial = sample ?? failing[0];
  if (timelineTrial) {
    const what = sample ? 'a passing trial' : 'a failing trial';
    parts.push(pinTimelineSvg(timelineTrial.transcript ?? [], `Pin timeline of ${what}: trial ${timelineTrial.seq} (${timelineTrial.trialId})`));
  }
  if (failing.length) {
    const failCount = d.trials - d.passes;
    parts.push(`<h3>Failing trials and harness errors <span class="muted">(${failing.length} of ${failCount} shown)</span></h3>`);
    if (paged) parts.push(pageLinks(d, id));
    failing.forEach((t, i) => parts.push(failingTrial(t, i === 0)));
  }
  return `<details class="dut" id="${id}"${open ? ' open' : ''}>${summary}<div class="body">${parts.join('')}</div></details>`;
}

function symptomBreakdown(d: DutSummary): string {
  const list = sortedSymptoms(d.symptoms);
  const errors = errorBreakdown(d);
  if (list.length === 0) return errors ? `<p>Every trial that ran as planned passed.</p>${errors}` : '<p>All trials passed.</p>';
  const counted = d.passes + d.failures;
  const rows = list.map(([s, n]) => {
    const details = (d.details?.[s] ?? [])
      .slice(0, 4)
      .map((x) => `<div>${x.count}× ${esc(x.text)}</div>`)
      .join('');
    return `<tr><td>${letter(s)}${esc(s)}</td><td class="num">${n}</td><td class="num">${esc(fmtPct(counted ? n / counted : null))}</td><td>${details}<span class="muted">${esc(
      SYMPTOM_STYLE[s]?.label ?? '',
    )}</span></td></tr>`;
  });
  return (
    '<div class="scroll"><table class="symptoms"><thead><tr><th>symptom</th><th class="num">trials</th><th class="num">share</th><th>what was seen</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></div>${errors}`
  );
}

/** The DUT's harness errors by reason, apart from its symptoms ('' when none). */
function errorBreakdown(d: DutSummary): string {
  const reasons = (Object.entries(d.errorReasons ?? {}) as Array<[HarnessErrorReason, number]>).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  if (reasons.length === 0) return '';
  const rows = reasons.map(([r, n]) => {
    const details = (d.errorDetails?.[r] ?? []).slice(0, 4).map((x) => `<div>${x.count}× ${esc(x.text)}</div>`).join('');
    return `<tr><td>${letter('error')}${esc(r)}</td><td class="num">${n}</td><td>${details}</td></tr>`;
  });
  return (
    '<div class="scroll"><table class="symptoms errors"><thead><tr><th>harness error</th><th class="num">trials</th><th>what happened (no evidence about the hardware)</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}

/** Where every failing trial of the DUT is: its pages beside the report, and `shakedown show` for any beyond them. */
function pageLinks(d: DutSummary, id: string): string {
  const { failing, paged, pages } = pagesOf(d);
  const links = Array.from({ length: pages }, (_, i) => `<a href="${pageHref(id, i + 1)}">${i + 1}</a>`).join(' ');
  const rest = failing - paged;
  return (
    `<p class="pages">All ${esc(plural(failing, 'failing trial'))}${rest ? ` (the first ${paged})` : ''} with their transcripts: ${pages === 1 ? 'page' : 'pages'} ${links}` +
    `${rest ? `; the other ${rest} are listed on the last page, for <code>shakedown show</code>` : ''}.</p>`
  );
}
