/** Pins are known by their role, never by their name: a board whose reset pin is called nrst is timed like any other. */
import { expect } from 'chai';
import type { BoardProfile, LoadedBench, Step } from '../../harness/config/types.js';
import { runBench } from '../../harness/runner/run.js';
import { simulatedWorld } from '../../harness/sim/world.js';
import { cleanSimBench } from './sim-bench-fixture.js';

/** The profile with pin `from` called `to` everywhere (its role unchanged). */
function renamePin(profile: BoardProfile, from: string, to: string): BoardProfile {
  const rename = (pin: string) => (pin === from ? to : pin);
  const step = (s: Step): Step =>
    s.kind === 'set'
      ? { kind: 'set', pins: Object.fromEntries(Object.entries(s.pins).map(([pin, active]) => [rename(pin), active])) }
      : s.kind === 'pulse' || s.kind === 'powerCycle'
        ? { ...s, pin: rename(s.pin) }
        : s;
  const pins = Object.fromEntries(Object.values(profile.pins).map((pin) => [rename(pin.name), { ...pin, name: rename(pin.name) }]));
  return { ...profile, id: `${profile.id}-${to}`, pins, enter: profile.enter.map(step), leave: profile.leave.map(step) };
}

/** The clean sim bench with one DUT's board using `to` for its pin `from`, in its profile and its wiring. */
function benchWithRenamedPin(dutId: string, from: string, to: string): LoadedBench {
  const bench = cleanSimBench();
  const dut = bench.rig.duts.find((d) => d.id === dutId)!;
  const profile = renamePin(bench.profiles.get(dut.board)!, from, to);
  dut.board = profile.id;
  dut.pins = Object.fromEntries(Object.entries(dut.pins).map(([pin, wiring]) => [pin === from ? to : pin, wiring]));
  const profiles = new Map(bench.profiles);
  profiles.set(profile.id, profile);
  return { rig: bench.rig, profiles };
}

describe('runner: pin roles', function () {
  this.timeout(60_000);

  it('a reset pin named nrst starts the boot: the trial passes and records reset-to-first-byte', async () => {
    const bench = benchWithRenamedPin('d1', 'reset', 'nrst');
    expect(bench.profiles.get('stm32f103c8-nrst')!.pins.nrst).to.include({ role: 'reset' });
    const summary = await runBench(bench, { world: simulatedWorld(bench), trialsPerDut: 2, duts: ['d1'] });
    expect(summary.records).to.have.length(2);
    for (const record of summary.records) {
      expect(record.result, record.detail).to.equal('pass');
      expect(record.resetToFirstByteMs, 'from the release of nrst to the first byte').to.be.a('number');
      expect(record.transcript.some((e) => e.kind === 'edge' && e.pin === 'nrst')).to.equal(true);
    }
  });

  it('a power pin named vbus powers the board: a MediaTek board boots into BROM through its power cycle', async () => {
    const mediatek = cleanSimBench().rig.duts.find((d) => d.board === 'mt6765')!.id;
    const bench = benchWithRenamedPin(mediatek, 'power', 'vbus');
    const summary = await runBench(bench, { world: simulatedWorld(bench), trialsPerDut: 2, duts: [mediatek] });
    for (const record of summary.records) {
      expect(record.result, record.detail).to.equal('pass');
      expect(record.resetToFirstByteMs, 'from power-on to the first byte').to.be.a('number');
    }
  });
});
