/** Child process for the crash test: writes trials one by one, printing each committed seq, until killed. */
import { openStore } from '../../harness/store/index.js';
import { makeRecord } from './records.js';

const store = await openStore(process.argv[2]!);
const runId = await store.beginRun({ runId: 'crash-run', rig: 'bench', night: '2026-11-20' });
for (let seq = 1; seq <= 1_000_000; seq++) {
  await store.addTrial(makeRecord({ runId, seq, symptom: seq % 7 === 0 ? 'corrupt' : 'ok' }));
  process.stdout.write(`${seq}\n`);
  if (seq % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
}
