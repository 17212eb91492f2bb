import { expect } from 'chai';
import { loadBench } from '../../harness/config/load.js';
import { relayPins } from '../../harness/diagnose/relay-pins.js';

describe('diagnose: the pin a relay channel drove on a board on a night', () => {
  const sim = loadBench('rigs/sim-bench.yaml');
  const relays = (...ids: string[]) => ids.map((id) => ({ kind: 'relay' as const, id }));

  it('reads a channel still on its board from the rig, and a channel a swap moved as the pin it drove then', () => {
    // d3 (reset rb1.7, boot0 rb1.8, boot1 rb1.9) traded its reset channel for d1's (rb1.1) after night one.
    const rig = structuredClone(sim.rig);
    const dut = (id: string) => rig.duts.find((d) => d.id === id)!;
    [dut('d1').pins.reset, dut('d3').pins.reset] = [dut('d3').pins.reset!, dut('d1').pins.reset!];
    const pinOf = relayPins(rig);
    const d3NightOne = { profile: 'stm32f407vg', dut: 'd3', components: relays('rb1.7', 'rb1.8', 'rb1.9') };
    expect(pinOf('rb1.7')).to.equal('reset'); // today: d1's reset
    expect(pinOf('rb1.7', d3NightOne)).to.equal('reset'); // then: d3's reset
    expect(pinOf('rb1.8', d3NightOne)).to.equal('boot0');
    // A channel the board did not run with that night drove none of its pins.
    expect(pinOf('rb1.4', d3NightOne)).to.equal(undefined);
  });

  it('reads a board that traded places as wired like the place it stood in', () => {
    // d1 and d2 traded places whole: d1 now has d2's channels (rb1.4–rb1.6), d2 has d1's (rb1.1–rb1.3).
    const rig = structuredClone(sim.rig);
    const dut = (id: string) => rig.duts.find((d) => d.id === id)!;
    [dut('d1').pins, dut('d2').pins] = [dut('d2').pins, dut('d1').pins];
    const pinOf = relayPins(rig);
    const d1NightOne = { profile: 'stm32f103c8', dut: 'd1', components: relays('rb1.1', 'rb1.2', 'rb1.3') };
    expect(pinOf('rb1.1', d1NightOne)).to.equal('reset');
    expect(pinOf('rb1.3', d1NightOne)).to.equal('boot1');
  });
});
