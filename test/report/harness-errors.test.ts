/** A night of many harness errors is "bench not trustworthy tonight" in every view, and exits 3. */
import { expect } from 'chai';
import { EXIT } from '../../harness/core/exit-codes.js';
import { asHarnessError } from '../../harness/core/record.js';
import { renderHtml } from '../../harness/report/html/page.js';
import { renderJunit } from '../../harness/report/junit.js';
import { buildSummary } from '../../harness/report/summary-json.js';
import { collectReportData } from '../../harness/report/summarize.js';
import { exitCodeOf, overall, untrustworthy } from '../../harness/report/verdict.js';
import { syntheticInput, syntheticRecords } from './synthetic.js';

/** The synthetic night with every `every`-th trial of every DUT turned into a harness error. */
function nightWithErrors(every: number) {
  const records = [...syntheticRecords(40)].map((r) =>
    r.seq % every === 0 ? asHarnessError(r, 'exception', "TypeError: Cannot read properties of undefined (reading 'write')") : r,
  );
  return { ...syntheticInput(40), ...collectReportData(records) };
}

describe('report: harness errors', () => {
  it('trusts a night up to 5 % of harness errors, and any error among fewer than 20 trials is too many', () => {
    expect(untrustworthy(100, 5)).to.equal(false);
    expect(untrustworthy(100, 6)).to.equal(true);
    expect(untrustworthy(20, 1)).to.equal(false);
    expect(untrustworthy(19, 1)).to.equal(true);
    expect(untrustworthy(0, 0)).to.equal(false);
  });

  it('says "bench not trustworthy tonight" in the headline, summary.json and junit.xml, and exits 3', () => {
    const input = nightWithErrors(5); // 20 % of the trials, and the synthetic night's own late edge of f407
    const o = overall(input);
    expect(o.level).to.equal('untrustworthy');
    expect(o.headline).to.match(/^Bench not trustworthy tonight — 49 of 240 trials were harness errors \(exception 48, edge-late 1\); no hardware is blamed/);
    expect(exitCodeOf(o.level)).to.equal(EXIT.infrastructure);

    const summary = buildSummary(input);
    expect(summary.verdict).to.equal('untrustworthy');
    expect(summary.trustworthy).to.equal(false);
    expect(summary.totals).to.include({ trials: 240, errors: 49 });
    expect(summary.harnessErrors).to.deep.equal({ share: 0.2042, threshold: 0.05, reasons: { exception: 48, 'edge-late': 1 } });
    const healthyDut = summary.duts.find((d) => d.id === 'f103-a')!;
    expect(healthyDut.passRate, 'errors are left out of the pass rate').to.equal(1);
    expect(healthyDut.symptoms, 'and are no symptom').to.deep.equal({});
    expect(healthyDut.errorReasons).to.deep.equal({ exception: 8 });

    const html = renderHtml(input);
    expect(html).to.include('class="verdict level-untrustworthy"');
    const section = html.slice(html.indexOf('id="harness-errors"'), html.indexOf('id="matrix"'));
    expect(section).to.include('exception').and.include('reading &#39;write&#39;');

    const junit = renderJunit(input);
    // Each harness error is one <error> testcase: the suite counts 8 errors and no failure for them.
    expect(junit).to.match(/<testsuite name="f103-a" tests="\d+" failures="0" errors="8" /);
    expect(junit.match(/classname="shakedown\.lab-3\.f103-a" time="[\d.]+">\n\s+<error type="exception" /g)).to.have.length(8);
    expect(junit).to.not.match(/<failure type="exception"/);
  });

  it('keeps its hardware verdict when the errors are few, and says how many there were', () => {
    const input = nightWithErrors(40); // one per DUT, and f407's late edge: 2.9 %
    const o = overall(input);
    expect(o.level).to.equal('flagged');
    expect(o.headline).to.match(/\(and 7 harness errors\)/);
    expect(exitCodeOf(o.level)).to.equal(EXIT.failures);
  });
});
