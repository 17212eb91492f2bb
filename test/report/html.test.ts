import { expect } from 'chai';
import type { Symptom, TrialRecord } from '../../harness/core/record.js';
import { CONTENT_SECURITY_POLICY, renderHtml } from '../../harness/report/html/page.js';
import { collectReportData, STRIP_CELLS } from '../../harness/report/summarize.js';
import type { ReportInput } from '../../harness/report/types.js';
import { EVIL, syntheticInput } from './synthetic.js';

describe('report: index.html (as text)', () => {
  const input = syntheticInput();
  const html = renderHtml(input);

  it('is self-contained: a CSP that forbids the network, no script, no remote URL', () => {
    expect(html).to.include(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY.replace(/'/g, '&#39;')}">`);
    expect(CONTENT_SECURITY_POLICY).to.match(/default-src 'none'/);
    expect(html).to.not.match(/<script/i);
    expect(html).to.not.match(/\bsrc="/i);
    // Links stay among the report's own files: anchors, the nights beside it, its pages of failing trials.
    for (const [, href] of html.matchAll(/\bhref="([^"]*)"/gi)) expect(href).to.match(/^(#[\w-]+|\.\.\/index\.html(#[\w-]+)?|trials\/dut-\d+-\d+\.html)$/);
    expect(html).to.not.match(/url\(/i);
    expect(html).to.not.match(/https?:\/\//i);
  });

  it('never lets a device or config string become markup', () => {
    expect(html).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).to.not.include(EVIL);
    // DUT names never become element ids
    expect(html).to.not.match(/id="[^"]*&lt;/);
  });

  it('marks the deviant bytes and shows the expected ones beside them', () => {
    expect(html).to.match(/<mark class="deviant" title="expected 79">F9<\/mark><span class="exp" title="expected 79">79<\/span>/);
    expect(html).to.match(/<mark class="deviant extra" title="not expected \(extra byte\)">00<\/mark>/);
  });

  it('puts the verdict, the flagged component and its next action at the top', () => {
    const top = html.slice(0, html.indexOf('id="matrix"'));
    expect(top).to.match(/class="verdict level-flagged"/);
    expect(top).to.include('1 component flagged');
    expect(top).to.include('Replace cable c2 (or swap it with c1 to confirm)');
    expect(top).to.include('swap cable c2 with c1 tomorrow');
    expect(top).to.include('Fits exactly as well: <code>h1.2</code> — tonight cannot tell which');
    expect(top).to.include('profile <code>mt6765</code>');
  });

  it('renders a healthy night and an empty night without failing', () => {
    const healthy: ReportInput = {
      ...input,
      perDut: input.perDut.map((d) => ({ ...d, passes: d.trials, failures: 0, errors: 0, symptoms: {}, strip: d.strip.map((c) => ({ ...c, failures: 0, errors: 0, symptom: 'ok' as Symptom })) })),
      failingTrials: [],
      diagnosis: { ...input.diagnosis, components: [], profiles: [] },
    };
    expect(renderHtml(healthy)).to.match(/level-healthy[\s\S]*Healthy — all 1200 trials passed/);
    const empty: ReportInput = { ...input, perDut: [], failingTrials: [], sampleTrial: {}, history: [], diagnosis: { ...input.diagnosis, components: [], profiles: [] } };
    expect(renderHtml(empty)).to.include('No trials ran');
  });

  it('survives a flooding transcript and a garbage mismatch', () => {
    const t = input.failingTrials[0]!;
    const flood: TrialRecord = {
      ...t,
      transcript: Array.from({ length: 20_000 }, (_, i) => ({ t: i * 10, kind: 'rx' as const, data: 'FF '.repeat(300).trim() })),
      mismatch: { expected: 'zz', got: 'not hex', at: 5 },
    };
    const out = renderHtml({ ...input, failingTrials: [flood] });
    expect(out).to.include('events not shown');
    expect(out.length).to.be.below(5_000_000);
  });

  it('stays under 5 MB for a million trials over 30 nights, one strip cell per ≤ 80', () => {
    const duts = 40;
    const perDut = 25_000;
    const base = input.failingTrials[0]!;
    const symptoms: Symptom[] = ['corrupt', 'late', 'silent', 'reset-mid'];
    function* records(): Generator<TrialRecord> {
      for (let d = 0; d < duts; d++) {
        const dut = `dut-${d}`;
        for (let seq = 1; seq <= perDut; seq++) {
          const fail = (seq * 7919 + d * 104729) % 97 === 0;
          yield {
            ...base,
            dut,
            seq,
            trialId: `big/${dut}/${seq}`,
            components: { ...base.components, dut, cable: `c${d}` },
            result: fail ? 'fail' : 'pass',
            symptom: fail ? symptoms[seq % 4]! : 'ok',
            detail: fail ? `failure at ${seq}` : 'ok',
          };
        }
      }
    }
    const data = collectReportData(records(), { failingPerDut: 5 });
    const nights = Array.from({ length: 30 }, (_, i) => new Date(Date.UTC(2026, 9, 23 + i)).toISOString().slice(0, 10));
    const big: ReportInput = {
      ...input,
      perDut: data.perDut,
      failingTrials: data.failingTrials,
      sampleTrial: data.sampleTrial,
      history: nights.flatMap((night) => data.perDut.map((d) => ({ night, dut: d.dut, trials: 33_333, passes: 33_000 }))),
    };
    expect(data.perDut.reduce((n, d) => n + d.trials, 0)).to.equal(1_000_000);
    expect(data.failingTrials.length).to.equal(duts * 5);
    const out = renderHtml(big);
    expect(out.length).to.be.below(5_000_000);
    const cells = out.match(/<i class="/g)?.length ?? 0;
    expect(cells).to.be.at.most(duts * STRIP_CELLS + 10);
  });
});
