/**
 * The name of the bench PC a run happens on, as runs record it and a lab store tells benches apart by it:
 * SHAKEDOWN_HOST when set (a container's host name changes with every start), else the machine's host name.
 */
import { hostname } from 'node:os';

export function benchHost(): string {
  return process.env.SHAKEDOWN_HOST?.trim() || hostname();
}
