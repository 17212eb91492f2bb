/** Child process for the crash test: writes trials one by one, printing each committed seq, until killed. */
import { Store } from '../../harness/store/store.js';
import { makeRecord } from './records.js';

const store = Store.open(process.argv[2]!);
const runId = store.beginRun({ runId: 'crash-run', rig: 'bench', night: '2026-11-20' });
for (let seq = 1; seq <= 1_000_000; seq++) {
  store.addTrial(makeRecord({ runId, seq, symptom: seq % 7 === 0 ? 'corrupt' : 'ok' }));
  process.stdout.write(`${seq}\n`);
  if (seq % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
}
