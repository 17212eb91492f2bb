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
    expect(list.split(esc(swap)).length - 1, list).to.equal(1);
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
    expect(list).to.include(`supply <code>psu3</code>: ${esc(psu.evidence.summary)} — next: Measure supply psu3 at the boards.`);
  });
});
