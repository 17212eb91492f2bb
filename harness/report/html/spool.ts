/** A note under the verdict when trials of the night went to the bench's spool because the lab's database was away. */
import { esc } from '../escape.js';
import { fmtInt } from '../../core/format.js';
import type { ReportInput } from '../types.js';

export function spoolNote(input: ReportInput): string {
  const spool = input.spool;
  if (!spool || (spool.spooled === 0 && spool.pending === 0)) return '';
  const away = spool.unreachable ? ` The database was away: ${esc(spool.unreachable)}.` : '';
  const where = `<code>${esc(spool.file)}</code>`;
  const state =
    spool.pending > 0
      ? `${fmtInt(spool.pending)} trials wait in ${where} and upload with the next run or <code>shakedown sync</code>; ` +
        'until then this report and its diagnosis cover only the trials the spool holds.'
      : `They were uploaded to the database (${fmtInt(spool.uploaded)} trials) before this report was written.`;
  return `<section id="spool"><p class="untrusted">${fmtInt(spool.spooled)} trials of this run were spooled on the bench.${away} ${state}</p></section>`;
}
