import { expect } from 'chai';
import { loadBench } from '../../harness/config/load.js';
import type { ComponentKind } from '../../harness/core/record.js';
import { swapSentence } from '../../harness/diagnose/sentences.js';
import { boardsInterchangeable, chooseSwap, type SwapContext } from '../../harness/diagnose/swaps.js';
import { cellsFromRecords, type ComponentRef } from '../../harness/diagnose/cells.js';
import { diagnoseCells, type Diagnosis } from '../../harness/diagnose/diagnose.js';
import { formatDiagnosis } from '../../harness/diagnose/format.js';
import type { Verdict } from '../../harness/diagnose/types.js';
import { baseline, nightOn, recordsOn, trials, twelveDuts } from './bench-data.js';

const NIGHT = '2026-11-20';

/** The swap chosen to separate `ref` from its group, as the report words it. */
function separating(ref: ComponentRef, group: ComponentRef[], ctx: SwapContext): string {
  return swapSentence(chooseSwap(ref, group, ctx));
}

function flagged(result: Diagnosis) {
  return result.components.filter((c) => c.verdict === 'suspect' || c.verdict === 'bad');
}

describe('advice: swaps a technician can carry out', () => {
  const sim = loadBench('rigs/sim-bench.yaml');
  const lab = loadBench('rigs/example-lab.yaml');

  it('swaps a board only with a healthy board of the same family and pins, not the alphabetically first', () => {
    const result = nightOn(sim, { d7: { 'wrong-mode': 100 } });
    expect(flagged(result).map((c) => `${c.kind} ${c.id}`)).to.deep.equal(['dut d7']);
    const swap = flagged(result)[0]!.separatingSwap!;
    // d7 is an MT6580 (power + KCOL0 relays): only d6 (MT6765) and d8 (MT6735) take its wiring, never an STM32.
    const partner = /^swap boards d7 and (\S+) /.exec(swap)?.[1];
    expect(partner, swap).to.be.oneOf(['d6', 'd8']);
    expect(result.components.find((c) => c.id === partner)!.verdict).to.equal('ok');
    expect(swap).to.include('leaving cables, ports and relay wiring in place');
  });

  it('judges boards by family and wired pins: one small rule', () => {
    const slot = (profile: string) => ({ profile, family: sim.profiles.get(profile)!.family, pins: Object.values(sim.profiles.get(profile)!.pins) });
    expect(boardsInterchangeable(slot('mt6580'), slot('mt6765'))).to.equal(true);
    expect(boardsInterchangeable(slot('mt6580'), slot('stm32f103c8'))).to.equal(false);
    // Same family, but BOOT1 is wired on one and not on the other.
    expect(boardsInterchangeable(slot('stm32f103c8'), slot('stm32f030r8'))).to.equal(false);
    expect(boardsInterchangeable(slot('stm32f103c8'), slot('stm32f407vg'))).to.equal(true);
    // A reset is a reset whatever a profile calls it; a strap is the strap of its name.
    const f103 = slot('stm32f103c8');
    const renamed = { ...f103, profile: 'stm32-nrst', pins: f103.pins.map((pin) => (pin.role === 'reset' ? { ...pin, name: 'nrst' } : pin)) };
    expect(boardsInterchangeable(f103, renamed)).to.equal(true);
    const strapRenamed = { ...f103, profile: 'stm32-strap', pins: f103.pins.map((pin) => (pin.name === 'boot1' ? { ...pin, name: 'boot2' } : pin)) };
    expect(boardsInterchangeable(f103, strapRenamed)).to.equal(false);
    // Without the profiles' facts only the same profile is known to fit.
    expect(boardsInterchangeable({ profile: 'a' }, { profile: 'a' })).to.equal(true);
    expect(boardsInterchangeable({ profile: 'a' }, { profile: 'b' })).to.equal(false);
  });

  it('gives each swap of one report its own partner, so that they can all be made the same morning', () => {
    // Three silent boards, each in a group flag with its cable: before, each swap took the same healthiest cable, c1.
    const result = nightOn(sim, { d6: { silent: 40 }, d9: { silent: 40 }, d3: { silent: 30 } });
    const swaps = flagged(result).map((c) => c.separatingSwap).filter((s): s is string => Boolean(s));
    expect(swaps).to.have.length(3);
    const partners = swaps.map((s) => /^swap cable \S+ with cable (\S+) \(on (\S+)\)/.exec(s)?.slice(1, 3).join(' on '));
    expect(partners.every(Boolean), swaps.join('\n')).to.equal(true);
    expect(new Set(partners.map((p) => p!.split(' on ')[0])).size, swaps.join('\n')).to.equal(3);
    expect(new Set(partners.map((p) => p!.split(' on ')[1])).size, 'one swap per partner board').to.equal(3);
  });

  it('never proposes a swap partner that the same report flags or watches', () => {
    // c-d1 sorts first among the cables; it is bad itself.
    const records = twelveDuts().flatMap((d) => trials(d, NIGHT, 100, d.id === 'd1' || d.id === 'd3' ? { corrupt: 30 } : baseline(100)));
    const result = diagnoseCells(cellsFromRecords(records), { rig: 'bench' });
    const cables = flagged(result);
    expect(cables.map((c) => c.id).sort()).to.deep.equal(['c-d1', 'c-d3']);
    for (const cable of cables) {
      const partner = /^swap cable \S+ with cable (\S+) /.exec(cable.separatingSwap ?? '')?.[1];
      expect(partner, cable.separatingSwap).to.be.a('string');
      expect(result.components.find((c) => c.kind === 'cable' && c.id === partner)!.verdict, cable.separatingSwap).to.equal('ok');
    }
  });

  it('prefers the spares the rig declares: a cable, a port, a relay channel', () => {
    expect(lab.rig.spares).to.deep.equal({ cables: ['ftdi-d'], ports: ['hub1.p4'], relays: ['lc1.5', 'lc1.6'] });
    const cable = flagged(nightOn(lab, { d2: { corrupt: 30 } }));
    expect(cable.map((c) => `${c.kind} ${c.id}`)).to.deep.equal(['cable ftdi-b']);
    // The group's other parts move too, each to a board of its own (see below).
    expect(cable[0]!.separatingSwap).to.match(/^replace cable ftdi-b on d2 with the spare cable ftdi-d[;:]? /);

    const port = flagged(nightOn(lab, { d1: { 'port-lost': 30 } }));
    expect(port.map((c) => `${c.kind} ${c.id}`)).to.deep.equal(['port hub1.p1']);
    expect(port[0]!.separatingSwap).to.match(/^move d1's cable from port hub1.p1 to the spare port hub1.p4[;:]? /);

    const relay = flagged(nightOn(lab, { d1: { 'reset-mid': 30 } }));
    expect(relay.map((c) => c.kind)).to.deep.equal(['relay']);
    expect(relay[0]!.separatingSwap).to.match(/^rewire d1's \w+ pin from relay channel rs1\.\d to the spare channel lc1\.5[;:]? /);
  });

  it('trades a relay channel with one on a pin that does the same thing, so that the partner fails the same way', () => {
    const cells = cellsFromRecords(recordsOn(sim, {}));
    const ref = (kind: ComponentKind, id: string): ComponentRef => ({ key: `${kind}:${id}`, id, kind });
    const ctx: SwapContext = { cells, verdicts: new Map(), rig: sim.rig, profiles: sim.profiles };
    // d3's BOOT0 channel: another board's BOOT0 channel (rb1.11, d4's), not the first healthy channel by name (d1's reset).
    expect(separating(ref('relay', 'rb1.8'), [ref('dut', 'd3')], ctx)).to.match(/^swap relay channels rb1\.8 \(d3's boot0 pin\) and rb1\.11 \(d4's boot0 pin\)/);
    expect(separating(ref('relay', 'rb1.7'), [ref('dut', 'd3')], ctx)).to.match(/^swap relay channels rb1\.7 \(d3's reset pin\) and rb1\.1 \(d1's reset pin\)/);
  });

  it('moves a part to a board like its own, where its fault shows the same way', () => {
    const cells = cellsFromRecords(recordsOn(sim, {}));
    const ref = (kind: ComponentKind, id: string): ComponentRef => ({ key: `${kind}:${id}`, id, kind });
    const ctx: SwapContext = { cells, verdicts: new Map(), rig: sim.rig, profiles: sim.profiles };
    // d6 is an MT6765: its cable goes to another MediaTek board (d7), not to the first cable by name (d1's, an STM32's):
    // bytes a cable drops break a MediaTek handshake far more often than an STM32 one.
    expect(separating(ref('cable', 'c6'), [ref('dut', 'd6')], ctx)).to.match(/^swap cable c6 with cable c7 \(on d7\)/);
  });

  it('moves the rest of a silent board\'s group the same morning, each part to a board of its own: one night tells them all apart', () => {
    const result = nightOn(sim, { d3: { silent: 40 } });
    const carrier = flagged(result).find((c) => c.separatingSwap)!;
    const swap = carrier.separatingSwap!;
    // d3 (STM32F407): its cable, its port and its three relay channels could each be the cause; the board stays.
    const moves = swap.split(' tomorrow')[0]!.split('; and ');
    expect(moves.length, swap).to.be.at.least(3);
    const partners = [...swap.matchAll(/to (d\d+), it is/g)].map((m) => m[1]);
    expect(partners.length, swap).to.equal(moves.length);
    expect(new Set(partners).size, 'each moved part goes to a board of its own').to.equal(partners.length);
    expect(partners).to.not.include('d3');
    expect(swap).to.match(/\(one night tells them all apart\): if the failures go to d\d+, it is /);
    expect(swap).to.match(/; if they stay with d3, look at dut d3/);
    // The reset channel trades with another board's reset channel, so that it would fail that board the same way.
    expect(swap).to.match(/swap relay channels rb1\.7 \(d3's reset pin\) and \S+ \(d\d+'s reset pin\)/);
  });

  it('says which spare to bring when no healthy part fits and none is declared', () => {
    // d3 is the lab's only MediaTek board: no other board takes its power + KCOL0 wiring.
    const board = flagged(nightOn(lab, { d3: { 'wrong-mode': 100 } }));
    expect(board.map((c) => `${c.kind} ${c.id}`)).to.deep.equal(['dut d3']);
    expect(board[0]!.separatingSwap).to.match(/^bring a spare board like d3 \(another mt6765, or a mediatek board with pins power, kcol0\)/);

    // The other parts' verdicts decide: here every other cable and channel is unhealthy, and the spares too.
    const cells = cellsFromRecords(recordsOn(lab, {}));
    const ref = (kind: ComponentKind, id: string): ComponentRef => ({ key: `${kind}:${id}`, id, kind });
    const unhealthy = (refs: string[]) => new Map(refs.map((key) => [key, 'watch' as const]));
    const context = (verdicts: Map<string, Verdict>) => ({ cells, verdicts, rig: lab.rig, profiles: lab.profiles });
    const group = [ref('dut', 'd2'), ref('port', 'hub1.p2')];
    const cables = unhealthy(['cable:ftdi-a', 'cable:cp-a', 'cable:ftdi-c', 'cable:ftdi-d', 'cable:usb-c1', 'cable:cp-b']);
    expect(separating(ref('cable', 'ftdi-b'), group, context(cables))).to.match(
      /^bring a spare USB-serial cable and put it in place of cable ftdi-b on d2 tomorrow, on the bench and in the rig file \(no spare declared, and no healthy cable that fits to swap with\): if the failures stop, it was the cable; if they stay with d2, look at dut d2, port hub1.p2$/,
    );
    cables.delete('cable:ftdi-c');
    expect(separating(ref('cable', 'ftdi-b'), group, context(cables))).to.match(/^swap cable ftdi-b with cable ftdi-c \(on d4\)[;:]? /);

    const channels = unhealthy(['relay:rs1.1', 'relay:rs1.2', 'relay:rs1.3', 'relay:rs1.4', 'relay:lc1.1', 'relay:lc1.2', 'relay:lc1.5', 'relay:lc1.6', 'relay:lc2.1', 'relay:lc2.2']);
    expect(separating(ref('relay', 'lc1.3'), [ref('dut', 'd3')], context(channels))).to.match(
      /^free a relay channel on lc1 and rewire d3's power pin from lc1.3 to it tomorrow/,
    );
    // A line of the DUT's own adapter trades with nothing.
    expect(separating(ref('relay', 'a4.dtr'), [ref('dut', 'd4')], context(new Map()))).to.match(
      /^wire d4's reset pin to a free relay channel instead of the adapter line a4.dtr tomorrow/,
    );
  });

  it('states a confounded group\'s swap once in the text output, not once per member', () => {
    const result = nightOn(sim, { d7: { 'wrong-mode': 100 } });
    const swap = flagged(result)[0]!.separatingSwap!;
    const members = result.components.filter((c) => c.verdict === 'watch');
    expect(members.map((c) => c.id)).to.have.members(['c7', 'hub2.p3', 'rb2.3', 'rb2.4']);
    for (const m of members) {
      expect(m.separatingSwap).to.equal(swap);
      expect(m.action).to.equal('Cannot be told apart from dut d7 by rates: the swap proposed for d7 tells them apart.');
    }
    expect(formatDiagnosis(result).split(swap).length - 1).to.equal(1);
  });

  it('names each component once in the text output, and counts in the right number', () => {
    const result = nightOn(sim, { d1: { corrupt: 30 } });
    const text = formatDiagnosis(result);
    expect(text).to.match(/^BAD cable c1: 30 of 100 trials failed/m);
    expect(text).to.not.match(/(\w+ [\w.-]+): \1:/);
    expect(text).to.include('(1 night)').and.not.include('1 nights');
    expect(flagged(result)[0]!.evidence.summary).to.match(/after Holm over \d+ components;/);
  });
});
