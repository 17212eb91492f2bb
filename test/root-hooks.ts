/**
 * Checks made once the whole suite has run. A simulated bench that was built and never disposed keeps its powered
 * boards booting in virtual time forever; that is a fault of the test (or of a run that forgot its world), reported
 * here as a failure instead of a process that never ends.
 */
import { runningVirtualClocks } from '../harness/core/virtual-clock.js';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    // Let clocks whose last timers are due now finish their turn.
    for (let turn = 0; turn < 20; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    const leaked = runningVirtualClocks();
    if (leaked > 0) {
      throw new Error(`${leaked} simulated clock(s) still running after the last test: a simulated bench was built and never disposed (world.dispose())`);
    }
  },
};
