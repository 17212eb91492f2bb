/**
 * Known problems: an acknowledged flag is shown folded with who, why and until when, and does not fail the night —
 * until it expires or gets worse; a DUT in maintenance is shown as such and its parts' flags are set aside; a part
 * no longer in the rig is "fixed since last night".
 */
import { expect } from 'chai';
import { EXIT } from '../../harness/core/exit-codes.js';
import { renderHtml } from '../../harness/report/html/page.js';
import { renderJunit } from '../../harness/report/junit.js';
import { buildSummary } from '../../harness/report/summary-json.js';
import type { ReportInput } from '../../harness/report/types.js';
import { exitCodeOf, overall } from '../../harness/report/verdict.js';
import { acknowledgedInput, EVIL, syntheticInput } from './synthetic.js';

function section(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  return html.slice(start, html.indexOf('</section>', start));
}

describe('report: acknowledged problems and DUTs out of service', () => {
  it('folds an acknowledged flag with who, why and until when, and the night exits 0', () => {
    const input = acknowledgedInput(40);
    const o = overall(input);
    expect(o.level).to.equal('acknowledged');
    expect(exitCodeOf(o.level)).to.equal(EXIT.ok);
    expect(o.flagged).to.deep.equal([]);
    expect(o.headline).to.match(/^Known problems only — \d+ of 240 trials failed, all on 1 flag set aside \(acknowledged\)/);
    const top = section(renderHtml(input), 'check-first');
    expect(top).to.match(/<details class="set-aside" id="set-aside"><summary>1 known problem set aside — not counted tonight<\/summary>/);
    expect(top).to.include('acknowledged (cable c2) by ben on 2026-11-19: replacement cable on order, swap on Monday');
    expect(top).to.not.include('<ol class="checks">');
    const summary = buildSummary(input);
    expect(summary.verdict).to.equal('acknowledged');
    const c2 = summary.components.find((c) => c.id === 'c2')!;
    expect(c2.setAside).to.equal('acknowledged');
    expect(c2.ack).to.deep.include({ by: 'ben', until: null, covers: true, beyond: null });
    const junit = renderJunit(input);
    expect(junit).to.match(/<testcase name="c2" classname="shakedown\.lab-3\.components\.cable" time="0\.000">\n {4}<system-out>bad, set aside: acknowledged/);
  });

  it('stops applying an ack after its last night', () => {
    const input = acknowledgedInput(40);
    input.acks = input.acks!.map((a) => ({ ...a, until: '2026-11-20' }));
    const o = overall(input);
    expect(o.level).to.equal('flagged');
    expect(exitCodeOf(o.level)).to.equal(EXIT.failures);
    expect(o.flagged.map((c) => c.id)).to.deep.equal(['c2']);
    input.acks = input.acks!.map((a) => ({ ...a, until: input.run.night }));
    expect(overall(input).level, 'its last night is still covered').to.equal('acknowledged');
  });

  it('shows a flag again when it got worse than acknowledged, or fails with another symptom', () => {
    const worse = acknowledgedInput(40);
    worse.acks = worse.acks!.map((a) => ({ ...a, scope: { verdict: 'suspect', symptoms: ['corrupt'] } }));
    const o = overall(worse);
    expect(o.level).to.equal('flagged');
    expect(o.fresh.map((c) => c.id)).to.deep.equal(['c2']);
    const top = section(renderHtml(worse), 'check-first');
    expect(top).to.include('Acknowledged by ben on 2026-11-19 (replacement cable on order, swap on Monday), but shown again: bad now, suspect when acknowledged.');
    expect(buildSummary(worse).components.find((c) => c.id === 'c2')!.ack).to.deep.include({ covers: false, beyond: 'bad now, suspect when acknowledged' });

    const other = acknowledgedInput(40);
    other.acks = other.acks!.map((a) => ({ ...a, scope: { verdict: 'bad', symptoms: ['late'] } }));
    expect(overall(other).level).to.equal('flagged');
    expect(section(renderHtml(other), 'check-first')).to.include('shown again: a symptom not seen when acknowledged: corrupt');
    // A symptom seen now and then (the bench's baseline) is not a new kind of failure.
    const odd = acknowledgedInput(40);
    odd.diagnosis.components[0]!.evidence.symptoms = { corrupt: 41, late: 1 };
    expect(overall(odd).level).to.equal('acknowledged');
  });

  it('counts failures the acknowledged part does not explain, and names the rest', () => {
    const input: ReportInput = { ...syntheticInput(40), acks: acknowledgedInput().acks };
    const o = overall(input);
    // c2 is set aside, but other DUTs failed in other ways: not "known problems only".
    expect(o.level).to.equal('failures');
    expect(o.headline).to.include('(1 known problem set aside)');
    expect(exitCodeOf(o.level)).to.equal(EXIT.failures);
  });

  it('shows a DUT in maintenance as not run, and sets aside the flags of the parts only it uses', () => {
    const input = syntheticInput(20);
    input.diagnosis.components.push({ ...input.diagnosis.components[0]!, id: 'c7', kind: 'cable', history: [], news: 'known' });
    const o = overall(input);
    expect(o.setAside.map((s) => [s.component.id, s.why.reason])).to.deep.include(['c7', 'out-of-service']);
    expect(o.flagged.map((c) => c.id)).to.deep.equal(['c2']);
    const html = renderHtml(input);
    const matrix = section(html, 'matrix');
    expect(matrix).to.match(/<tr class="resting"><td class="dutcell">f030 <span class="health maintenance">maintenance<\/span>/);
    expect(matrix).to.include('not run: in maintenance (declared in the rig) — reflashing its option bytes');
    expect(section(html, 'check-first')).to.include('DUT f030 in maintenance (reflashing its option bytes)');
    expect(buildSummary(input).outOfService).to.deep.equal([{ dut: 'f030', health: 'maintenance', notes: 'reflashing its option bytes' }]);
  });

  it('gives every DUT that ran one of LAVA’s health states: good, watch or bad by its verdict, maintenance or retired as declared', () => {
    const input = syntheticInput(20);
    const base = input.diagnosis.components[0]!;
    input.diagnosis.components.push({ ...base, kind: 'dut', id: 'mt6765-a', verdict: 'watch' }, { ...base, kind: 'dut', id: 'f407', verdict: 'suspect' });
    // Run by name while declared in maintenance: the declaration is its state.
    input.rig.duts.find((d) => d.id === 'mt6765-b')!.health = 'maintenance';
    const health = Object.fromEntries(buildSummary(input).duts.map((d) => [d.id, d.health]));
    expect(health).to.deep.equal({ 'f103-a': 'good', 'f103-b': 'good', [EVIL]: 'good', 'mt6765-a': 'watch', 'mt6765-b': 'maintenance', f407: 'bad' });
  });

  it('puts what is new tonight first, marked, and says what was fixed since last night', () => {
    const input = syntheticInput(20);
    const c2 = input.diagnosis.components[0]!;
    input.diagnosis.components.splice(1, 0, { ...c2, id: 'c4', news: 'new', previousVerdict: 'ok', changedSince: `failing since ${input.run.night}` });
    input.diagnosis.components.unshift(...input.diagnosis.components.splice(1, 1));
    // A flagged part that is no longer in the rig was replaced: fixed, not to check.
    input.diagnosis.components.push({ ...c2, id: 'c9', news: 'known' });
    const top = section(renderHtml(input), 'check-first');
    const items = [...top.matchAll(/<li class="v-bad"><div class="what">.*?<code>(\w+)<\/code>.*?<\/div>/g)].map((m) => m[0]);
    expect(items.map((i) => /<code>(\w+)<\/code>/.exec(i)![1])).to.deep.equal(['c4', 'c2']);
    expect(items[0]).to.include('<span class="news new">new tonight</span>');
    expect(items[1]).to.include('<span class="news known">known</span>');
    expect(top).to.include('<h3>Fixed since last night</h3><ul class="fixed"><li>cable <code>c6</code>: suspect on 2026-11-20, ok tonight</li><li>cable <code>c9</code>: no longer in the rig (bad over the nights it ran)</li></ul>');
    const summary = buildSummary(input);
    expect(summary.fixed.map((f) => `${f.id}:${f.reason}`)).to.deep.equal(['c6:verdict', 'c9:removed']);
    expect(summary.components.find((c) => c.id === 'c4')).to.deep.include({ news: 'new', previousVerdict: 'ok', setAside: null });
    expect(overall(input).fresh.map((c) => c.id)).to.deep.equal(['c4']);
  });

  it('escapes what a person wrote in an ack', () => {
    const input = syntheticInput(20);
    const html = renderHtml(input);
    expect(section(html, 'check-first')).to.include('new bench supply ordered &lt;script&gt;');
    expect(html).to.not.include(EVIL);
  });
});
