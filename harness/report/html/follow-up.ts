/**
 * Follow-up trials: after the planned trials, the DUTs of parts the diagnosis left at suspect or watch ran more
 * trials until a sequential test flagged or cleared each part, or the budget ran out. Says how many were spent, on
 * which parts and DUTs, and what each decided; the verdicts above count every trial, follow-ups included.
 */
import { plural } from '../../core/plural.js';
import { esc } from '../escape.js';
import type { FollowUpSummary, ReportInput } from '../types.js';

const DECISION_WORDS: Record<FollowUpSummary['units'][number]['decision'], string> = {
  flagged: 'flagged: fails more than the rest of the bench',
  cleared: 'cleared: fails no more than the rest of the bench',
  undecided: 'undecided: the budget ran out first',
};

const ENDED_BY: Record<FollowUpSummary['endedBy'], string> = {
  decided: 'every part was decided',
  'max-trials': 'the budget of trials ran out',
  'max-minutes': 'the time budget ran out',
  stopped: 'the run was stopped',
};

export function followUpSection(input: ReportInput): string {
  const f = input.followUp;
  if (!f) return '';
  const out: string[] = ['<section id="follow-up"><h2>Follow-up trials</h2>'];
  const budget = `budget ${f.maxTrials} trials, ${f.maxMinutes} min`;
  if (f.status === 'untrustworthy') out.push(`<p>None: too many harness errors tonight to judge any part (${esc(budget)}).</p>`);
  else if (f.status === 'cut') out.push(`<p>None: the run's time budget left planned trials out (${esc(budget)}).</p>`);
  else if (f.status === 'skipped') out.push(`<p>None: the planned trials did not all run (${esc(budget)}).</p>`);
  else if (f.units.length === 0) out.push(`<p>None needed: the planned trials left no part at suspect or watch (${esc(budget)}).</p>`);
  else {
    const duts = [...new Set(f.units.flatMap((u) => u.duts))];
    const poolDuts = f.poolDuts ?? [];
    const pool = poolDuts.length > 0 ? `, and on ${esc(poolDuts.join(', '))} so that the rest of the bench they were compared with kept growing` : '';
    out.push(
      `<p>${plural(f.trials, 'follow-up trial')} on ${esc(duts.join(', '))}${pool} (${esc(budget)}); they ended because ${esc(ENDED_BY[f.endedBy])}. ` +
        'Each part was tested after every trial with a sequential test at the diagnosis\u2019 error rates; the verdicts above count every trial of the night, follow-ups included.</p>',
    );
    const rows = f.units.map((u) => {
      const parts = u.components.map((c) => `${c.kind} ${c.id} (${c.verdict})`).join(', ');
      return (
        `<tr class="decision-${esc(u.decision)}"><td>${esc(parts)}</td><td>${esc(u.duts.join(', '))}</td><td class="num">${u.trials}</td>` +
        `<td class="num">${u.tally.failures} of ${u.tally.trials}</td><td>${esc(DECISION_WORDS[u.decision])}</td></tr>`
      );
    });
    out.push(
      '<div class="scroll"><table class="follow-up"><thead><tr><th>part (verdict after the planned trials)</th><th>DUTs</th><th class="num">follow-up trials</th>' +
        `<th class="num">failed tonight</th><th>decision</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`,
    );
  }
  out.push('</section>');
  return out.join('');
}
