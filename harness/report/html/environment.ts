/** Where and with what the night ran: host, versions, digests, counts and times. */
import { plural } from '../../core/plural.js';
import { esc } from '../escape.js';
import { fmtDuration, fmtInt, spanMs } from '../../core/format.js';
import type { ReportInput } from '../types.js';
import type { Overall } from '../verdict.js';

export function environmentSection(input: ReportInput, o: Overall): string {
  const { run } = input;
  const entries: Array<[string, string]> = [
    ['run', run.runId],
    ['rig', `${run.rig}${input.rig?.title ? ` — ${input.rig.title}` : ''}${input.rig?.kind ? ` (${input.rig.kind})` : ''}`],
    ['night', run.night],
    ['status', `${run.status}${run.maxMinutes ? ` (time budget ${run.maxMinutes} min)` : ''}`],
    ['started', run.startedAt],
    ['ended', run.endedAt],
    ['duration', fmtDuration(spanMs(run.startedAt, run.endedAt))],
    ['host', `${run.host}${run.hostComponent && run.hostComponent !== run.host ? ` (component ${run.hostComponent})` : ''}`],
    ['runs that night', (input.nightRuns ?? []).map((r) => `${r.runId} (${r.command}, ${r.status}, ${fmtInt(r.trials)} trials${r.standsForNight ? ', stands for the night' : ''}; runs/${r.runId}/index.html)`).join(' · ') || '–'],
    ['trials', `${fmtInt(o.trials)} (${fmtInt(o.passes)} passed, ${fmtInt(o.failures)} failed, ${fmtInt(o.errors)} harness errors${o.notRun ? `, ${fmtInt(o.notRun)} not run` : ''})`],
    ['diagnosis window', (input.diagnosis?.windowNights ?? []).length ? `${input.diagnosis.windowNights[0]} → ${input.diagnosis.windowNights.at(-1)} (${plural(input.diagnosis.windowNights.length, 'night')})` : '–'],
    ['rig digest', run.rigDigest],
  ];
  for (const [k, v] of Object.entries(run.versions ?? {})) entries.push([`version: ${k}`, v]);
  for (const [k, v] of Object.entries(run.profileDigests ?? {})) entries.push([`profile digest: ${k}`, v]);
  const items = entries.map(([k, v]) => `<dt>${esc(k)}</dt><dd${/digest/.test(k) ? ' class="mono"' : ''}>${esc(v)}</dd>`).join('');
  return `<section id="environment"><h2>Environment</h2><dl class="env">${items}</dl></section>`;
}
