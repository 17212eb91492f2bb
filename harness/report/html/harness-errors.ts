/**
 * Harness errors: the trials the harness could not run as the profiles say (an exception, a late edge, a relay
 * controller that did not answer, a configuration that cannot run) and the trials not run at all, with the reasons
 * and counts. Kept apart from the hardware's symptoms: none of this is evidence against a board, cable or relay.
 */
import { plural } from '../../core/plural.js';
import type { HarnessErrorReason } from '../../core/record.js';
import { esc } from '../escape.js';
import { fmtPct } from '../../core/format.js';
import type { ReportInput } from '../types.js';
import { UNTRUSTWORTHY_ERROR_SHARE, type Overall } from '../verdict.js';
import { letter } from './parts.js';

export function harnessErrorsSection(input: ReportInput, o: Overall): string {
  const out: string[] = ['<section id="harness-errors"><h2>Harness errors</h2>'];
  if (o.errors === 0 && o.notRun === 0) {
    out.push('<p>None: the harness ran every trial as the profiles say.</p></section>');
    return out.join('');
  }
  if (o.errors > 0) {
    out.push(
      `<p>${o.errors} of ${o.trials} trials (${esc(fmtPct(o.errors / o.trials))}) could not be run as the profiles say. ` +
        `They are left out of every pass rate and of the diagnosis; above ${esc(fmtPct(UNTRUSTWORTHY_ERROR_SHARE))} of a night the bench is not trusted.</p>`,
    );
    const rows: string[] = [];
    for (const d of input.perDut) {
      const reasons = (Object.entries(d.errorReasons ?? {}) as Array<[HarnessErrorReason, number]>).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
      for (const [reason, n] of reasons) {
        const details = (d.errorDetails?.[reason] ?? []).slice(0, 3).map((x) => `<div>${x.count}× ${esc(x.text)}</div>`).join('');
        rows.push(`<tr><td>${esc(d.dut)}</td><td>${letter('error')}${esc(reason)}</td><td class="num">${n}</td><td>${details}</td></tr>`);
      }
    }
    out.push(
      '<div class="scroll"><table class="symptoms errors"><thead><tr><th>DUT</th><th>reason</th><th class="num">trials</th><th>what happened</th></tr></thead>' +
        `<tbody>${rows.join('')}</tbody></table></div>`,
    );
  }
  const notRun = (input.notRun ?? []).filter((n) => n.trials > 0);
  if (notRun.length > 0) {
    out.push('<h3>Not run</h3><ul>');
    for (const n of notRun) out.push(`<li><code>${esc(n.dut)}</code>: ${plural(n.trials, 'trial')} not run (${esc(n.reason)}) — ${esc(n.detail)}</li>`);
    out.push('</ul>');
  }
  out.push('</section>');
  return out.join('');
}
