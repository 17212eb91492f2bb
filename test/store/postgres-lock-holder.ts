/** Child process for the PostgreSQL lock tests: takes a rig's lock in the store at a URL, says so, and holds it until killed. */
import { openStore } from '../../harness/store/index.js';

const [url, rig] = process.argv.slice(2);
const store = await openStore(url!);
await store.lockRig(rig!);
process.stdout.write('held\n');
setInterval(() => undefined, 1000);
