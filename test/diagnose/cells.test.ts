/** Harness errors are no evidence about the hardware: they are in no cell, no rate and no verdict. */
import { expect } from 'chai';
import { asHarnessError } from '../../harness/core/record.js';
import { cellsFromRecords, diagnoseCells } from '../../harness/diagnose/index.js';
import { makeRecord } from '../store/records.js';

describe('diagnose: harness errors', () => {
  it('leaves error trials out of every cell and every rate, so a bug of the harness flags no part', () => {
    const records = [];
    for (let seq = 1; seq <= 40; seq++) {
      for (const dut of ['d1', 'd2', 'd3', 'd4']) {
        const record = makeRecord({ dut, seq });
        // d1's relay controller misbehaved on half its trials: the harness could not run them.
        records.push(dut === 'd1' && seq % 2 === 0 ? asHarnessError(record, 'relay-not-answering', 'no confirmation') : record);
      }
    }
    const cells = cellsFromRecords(records);
    const d1 = cells.filter((c) => c.dut === 'd1');
    expect(d1.reduce((n, c) => n + c.trials, 0)).to.equal(20);
    expect(d1.reduce((n, c) => n + c.failures, 0)).to.equal(0);
    const diagnosis = diagnoseCells(cells, { rig: 'bench' });
    expect(diagnosis.trials).to.equal(140);
    expect(diagnosis.failures).to.equal(0);
    for (const c of diagnosis.components) expect(c.verdict, `${c.kind} ${c.id}`).to.equal('ok');
  });
});
