/** Child process for the lock tests: takes a rig's lock on a store, says so, and holds it until killed. */
import { openStore } from '../../harness/store/index.js';

const [file, rig] = process.argv.slice(2);
const store = await openStore(file!);
await store.lockRig(rig!);
process.stdout.write('held\n');
setInterval(() => undefined, 1000);
