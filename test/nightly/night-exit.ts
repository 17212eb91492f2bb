/**
 * The exit code of a short night on the simulated bench, whose planted faults make it 1. On a machine loaded so hard
 * that the host held up more than the threshold share of a short night's trials, the same night is rightly "not
 * trustworthy" and exits 3; it must then say so, with the held-up host as the only reason — never a relay board, an
 * exception or a configuration — so a test of something else does not fail for the machine's load.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';

export function expectPlantedFaultsExit(status: number | null, summaryPath: string, why = ''): void {
  expect(status, why).to.be.oneOf([1, 3]);
  if (status === 1) return;
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as { verdict: string; harnessErrors: { reasons: Record<string, number> } };
  expect(summary.verdict, why).to.equal('untrustworthy');
  expect(Object.keys(summary.harnessErrors.reasons), 'only a held-up host may make a simulated night untrustworthy').to.deep.equal(['host-busy']);
}
