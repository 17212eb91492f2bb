/** One failing trial (or harness error) as a folded block: its detail, times, expected vs received, and transcript. */
import type { TrialRecord } from '../../core/record.js';
import { esc } from '../escape.js';
import { fmtMs } from '../../core/format.js';
import { mismatchTable, transcriptTable } from '../hexdump.js';
import { letter } from './parts.js';

/** `id` gives the block an anchor (generated, never a device name), so a page can link to one trial. */
export function failingTrial(t: TrialRecord, open: boolean, id?: string): string {
  const what = t.result === 'error' ? 'error' : (t.symptom ?? 'silent');
  const head = `${letter(what)}${esc(`trial ${t.seq}${t.followUp ? ' (follow-up)' : ''} — ${t.result === 'error' ? `harness error: ${t.reason ?? 'exception'}` : what}`)}`;
  const times = `started ${t.startedAt} · total ${fmtMs(t.phases?.totalMs)} · handshake ${fmtMs(t.phases?.handshakeMs)} · reset → first byte ${fmtMs(
    t.resetToFirstByteMs,
  )}${t.latencyMs !== undefined ? ` · link round trip ${fmtMs(t.latencyMs)}` : ''} · ${t.retries === 1 ? '1 retry' : `${t.retries} retries`}`;
  return (
    `<details class="trial"${id ? ` id="${id}"` : ''}${open ? ' open' : ''}><summary>${head}</summary>` +
    `<p class="detail">${esc(t.detail)}</p><p class="muted">${esc(t.trialId)} · ${esc(times)}</p>` +
    (t.mismatch ? `<h4>Expected vs received</h4>${mismatchTable(t.mismatch)}` : '') +
    `<h4>Transcript</h4>${transcriptTable(t)}</details>`
  );
}
