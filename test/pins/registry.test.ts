/** The registry of relay backends, and the rig checks built from it. */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadRig } from '../../harness/config/load.js';
import { RELAY_BACKENDS } from '../../harness/pins/registry.js';

/** The messages a rig made of these relay entries and one DUT raises. */
function problemsOf(relays: string, pins: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-registry-'));
  const file = join(dir, 'rig.yaml');
  writeFileSync(
    file,
    `title: t\nkind: simulated\nrelays:\n${relays}\nports: [{ id: p1 }]\ncables: [{ id: c1 }]\nsupplies: [{ id: s1 }]\n` +
      `duts:\n  - { id: d1, board: any, cable: c1, port: p1, supply: s1, pins: ${pins} }\n`,
  );
  try {
    loadRig(file);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('pins: the relay backend registry', () => {
  it('lists each driver once, each schema naming its own driver', () => {
    const drivers = RELAY_BACKENDS.map((b) => b.driver);
    expect(new Set(drivers).size).to.equal(drivers.length);
    for (const backend of RELAY_BACKENDS) {
      expect(backend.schema.safeParse({ id: 'x', driver: backend.driver }).error?.issues.some((i) => i.path[0] === 'driver'), backend.driver).to.not.equal(true);
      expect(backend.schema.safeParse({ id: 'x', driver: 'not-this-one' }).success).to.equal(false);
    }
  });

  it('a DUT-link board without its dut is one problem, not also a line of "DUT undefined"', () => {
    expect(problemsOf('  - { id: a1, driver: dtr-rts }', '{ reset: a1.rts }')).to.deep.equal([
      "relays[0].dut: missing dut: the DUT whose adapter's DTR/RTS lines it uses",
    ]);
  });

  it('a DUT-link board serves only its own DUT, whatever the backend is called', () => {
    const linkDrivers = RELAY_BACKENDS.filter((b) => b.needs === 'dut-link');
    expect(linkDrivers.length).to.be.at.least(1);
    for (const { driver } of linkDrivers) {
      const problems = problemsOf(`  - { id: a1, driver: ${driver}, dut: d2 }`, '{ reset: a1.rts }');
      expect(problems.join('\n')).to.match(/unknown DUT 'd2'/);
      expect(problems.join('\n')).to.match(/channel a1\.rts is a line of DUT d2's serial adapter, not of d1's/);
    }
  });
});
