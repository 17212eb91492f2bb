/** Harness errors are no evidence about the hardware: they are in no cell, no rate and no verdict. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { asHarnessError } from '../../harness/core/record.js';
import { cellsFromCounts, cellsFromRecords, diagnoseCells } from '../../harness/diagnose/index.js';
import { openStore } from '../../harness/store/index.js';
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

describe('diagnose: cells', () => {
  it('keep the link round trips their trials measured, the same from the records as from the store\'s counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-cells-'));
    try {
      const records = [1, 2, 3, 4].flatMap((seq) => [makeRecord({ dut: 'd1', seq }), makeRecord({ dut: 'd2', seq, symptom: seq === 2 ? 'silent' : 'late' })]);
      const store = await openStore(join(dir, 'history.db'));
      for (const r of records) await store.addTrial(r);
      const fromStore = cellsFromCounts(await store.symptomCounts({ rig: 'bench' }));
      await store.close();
      const fromRecords = cellsFromRecords(records);
      expect(fromStore).to.deep.equal(fromRecords);
      // d1: 1.25 + 1.5 + 1.75 + 2 ms; d2 measured nothing on its silent trial.
      expect(fromRecords.map((c) => [c.dut, c.latency])).to.deep.equal([['d1', { trials: 4, sumMs: 6.5 }], ['d2', { trials: 3, sumMs: 5 }]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
