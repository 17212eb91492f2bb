import { expect } from 'chai';
import { loadBench } from '../../harness/config/load.js';
import { esc } from '../../harness/report/escape.js';
import { renderHtml } from '../../harness/report/html/page.js';
import { nightOn } from '../diagnose/bench-data.js';
import { syntheticInput } from './synthetic.js';

describe('report: the watch list', () => {
  const sim = loadBench('rigs/sim-bench.yaml');

  function watchList(diagnosis: ReturnType<typeof nightOn>): string {
    const html = renderHtml({ ...syntheticInput(20), rig: sim.rig, diagnosis });
    const start = html.indexOf('<ul class="watch">');
    expect(start, 'a watch list').to.be.greaterThan(-1);
    return html.slice(start, html.indexOf('</ul>', start));
  }

  it("states a confounded group's swap once, with every member named, not once per member", () => {
    // d7 is stuck in its Preloader: its cable, port and two relay channels ran on exactly its trials.
    const diagnosis = nightOn(sim, { d7: { 'wrong-mode': 100 } });
    const swap = diagnosis.components.find((c) => c.id === 'd7')!.separatingSwap!;
    const list = watchList(diagnosis);
    const html = renderHtml({ ...syntheticInput(20), rig: sim.rig, diagnosis });
    const top = html.slice(html.indexOf('id="check-first"'), html.indexOf('id="harness-errors"'));
    expect(top.split(esc(swap)).length - 1, top).to.equal(1);
    expect(list).to.include('the swap proposed for dut <code>d7</code> above tells them apart');
    expect(list.match(/<li>/g)).to.have.length(1);
    for (const id of ['c7', 'hub2.p3', 'rb2.3', 'rb2.4']) expect(list).to.include(`<code>${id}</code>`);
    expect(list).to.include('always used together with <code>d7</code>');
  });

  it('keeps its own item, evidence and next step for a component watched on its own', () => {
    const diagnosis = nightOn(sim, { d7: { 'wrong-mode': 100 } });
    const psu = diagnosis.components.find((c) => c.id === 'psu3')!;
    Object.assign(psu, { verdict: 'watch', action: 'Measure supply psu3 at the boards.' });
    const list = watchList(diagnosis);
    expect(list.match(/<li>/g)).to.have.length(2);
    expect(list).to.include(`supply <code>psu3</code>: ${esc(psu.evidence.summary.replace('supply psu3: ', ''))} — next: Measure supply psu3 at the boards.`);
  });

  it('names a component once: no "cable c1: cable c1:" before its evidence, here or in Check first', () => {
    const diagnosis = nightOn(sim, { d1: { corrupt: 30 } });
    const c1 = diagnosis.components.find((c) => c.id === 'c1')!;
    expect(c1.verdict).to.be.oneOf(['suspect', 'bad']);
    const psu = diagnosis.components.find((c) => c.id === 'psu3')!;
    Object.assign(psu, { verdict: 'watch' });
    const html = renderHtml({ ...syntheticInput(20), rig: sim.rig, diagnosis });
    expect(psu.evidence.summary).to.match(/^supply psu3: /);
    expect(html).to.not.include('supply psu3: supply psu3').and.not.include('<code>psu3</code>: supply psu3');
    const top = html.slice(html.indexOf('id="check-first"'), html.indexOf('id="harness-errors"'));
    expect(top).to.include('<code>c1</code>');
    expect(top).to.not.match(/cable c1: \d+ of/);
  });

  it('states the swap of a flagged group once in Check first, not again under "Cannot be told apart yet"', () => {
    const diagnosis = nightOn(sim, { d1: { corrupt: 30 } });
    const c1 = diagnosis.components.find((c) => c.id === 'c1')!;
    const swap = c1.separatingSwap!;
    expect(swap, 'the cable ran with its DUT, port and relays only').to.be.a('string');
    const html = renderHtml({ ...syntheticInput(20), rig: sim.rig, diagnosis });
    const top = html.slice(html.indexOf('id="check-first"'), html.indexOf('id="harness-errors"'));
    expect(top.split(esc(swap)).length - 1, top).to.equal(1);
    expect(top).to.not.include('Cannot be told apart yet');
  });

  it('counts in the right number: "1 trial", "1 component"', () => {
    const one = syntheticInput(1);
    one.perDut = one.perDut.slice(0, 1).map((d) => ({ ...d, trials: 1, passes: 1, failures: 0, errors: 0, symptoms: {} }));
    one.notRun = [];
    one.diagnosis = { ...one.diagnosis, components: [], profiles: [] };
    const html = renderHtml(one);
    expect(html).to.include('Healthy — the trial passed').and.include('1 trials on 1 DUT').and.not.match(/\b1 (DUTs|components)\b/);
  });
});
