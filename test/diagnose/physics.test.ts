import { expect } from 'chai';
import type { Symptom, TrialRecord } from '../../harness/core/record.js';
import { cellsFromRecords } from '../../harness/diagnose/cells.js';
import { diagnoseCells } from '../../harness/diagnose/diagnose.js';
import { FAMILY_PHYSICS } from '../../harness/families/index.js';
import { Physics } from '../../harness/diagnose/physics.js';
import type { ProfileFacts } from '../../harness/diagnose/swaps.js';
import { baseline, trials, type DutSpec } from './bench-data.js';

const NIGHT = '2026-11-20';
const PROFILES: ReadonlyMap<string, ProfileFacts> = new Map([
  ['stm32f1', { family: 'stm32', pins: {} }],
  ['mt6765', { family: 'mediatek', pins: {} }],
  ['mt6580', { family: 'mediatek', pins: {} }],
] as Array<[string, ProfileFacts]>);

/**
 * Eight DUTs alternating STM32 and MediaTek: hub h1 holds d1–d4, hub h2 d5–d8; supply s1 feeds d1, d2, d5, d6 and
 * s2 feeds d3, d4, d7, d8 — every hub and supply mixes the two families.
 */
function mixedBench(profiles: Record<string, string> = {}): DutSpec[] {
  return Array.from({ length: 8 }, (_, i) => {
    const hub = i < 4 ? 'h1' : 'h2';
    const id = `d${i + 1}`;
    return { id, hub, port: `${hub}.p${(i % 4) + 1}`, supply: i % 4 < 2 ? 's1' : 's2', profile: profiles[id] ?? (i % 2 === 0 ? 'stm32f1' : 'mt6765') };
  });
}

function night(faults: Record<string, Partial<Record<Symptom, number>>>, count = 100, profiles: Record<string, string> = {}): TrialRecord[] {
  return mixedBench(profiles).flatMap((d) => trials(d, NIGHT, count, faults[d.id] ?? baseline(count)));
}

function flags(records: TrialRecord[], withPhysics = true): string[] {
  const result = diagnoseCells(cellsFromRecords(records), { rig: 'bench', profiles: PROFILES, ...(withPhysics ? { physics: FAMILY_PHYSICS } : {}) });
  return result.components.filter((c) => c.verdict === 'suspect' || c.verdict === 'bad').map((c) => `${c.kind} ${c.id}`).sort();
}

describe('diagnosis with the families\' symptom physics', () => {
  it('a slow hub that breaks only its MediaTek boards is one hub, not two boards', () => {
    // d2 and d4 (MediaTek, on h1) fail their byte-by-byte handshake; d1 and d3 (STM32, on h1) pass.
    const records = night({ d2: { 'unexpected-reply': 35 }, d4: { 'unexpected-reply': 30 } });
    expect(flags(records)).to.deep.equal(['hub h1']);
  });

  it('a slow hub is not taken for a profile mistake when the profile\'s only boards hang on it', () => {
    // d2 and d4, the only mt6580 boards, both on h1: the hub's latency or the profile — the hub's STM32 boards pass,
    // and the hub is what the rounds find.
    const records = night({ d2: { 'unexpected-reply': 80 }, d4: { 'unexpected-reply': 75 } }, 100, { d2: 'mt6580', d4: 'mt6580' });
    expect(flags(records)).to.deep.equal(['hub h1']);
  });

  it('a dying STM32 board on a browning supply is flagged beside the supply: a dip resets an STM32, it does not silence it', () => {
    // s1: d1 (STM32) silent 40 % and, like d5 (STM32), reset mid-handshake by the dips; d2, d6 (MediaTek) go silent.
    const records = night({ d1: { silent: 40, 'reset-mid': 15 }, d5: { 'reset-mid': 22 }, d2: { silent: 20 }, d6: { silent: 22 } });
    expect(flags(records)).to.deep.equal(['dut d1', 'supply s1']);
  });

  it('a MediaTek board failing clearly more than its MediaTek siblings under a flagged supply keeps the excess', () => {
    // s1's MediaTek boards go silent at about 20 %, d2 at 55 %: the supply does not explain all of d2's.
    const records = night({ d1: { 'reset-mid': 20 }, d5: { 'reset-mid': 22 }, d2: { silent: 55 }, d6: { silent: 18 } });
    expect(flags(records)).to.deep.equal(['dut d2', 'supply s1']);
  });

  it('bit flips on a MediaTek cable (seen as unexpected replies) flag the cable alone', () => {
    const records = night({ d4: { 'unexpected-reply': 25, corrupt: 6 } });
    expect(flags(records)).to.deep.equal(['cable c-d4']);
  });

  it('every board of one hub failing its own way (late, port lost, silent, flood) is a local fault each, not the hub', () => {
    // d1 (STM32) late, d2 (MediaTek) losing its port, d3 (STM32) silent, d4 (MediaTek) in a boot loop.
    const records = night({ d1: { late: 100 }, d2: { 'port-lost': 25 }, d3: { silent: 25 }, d4: { flood: 30 } });
    expect(flags(records)).to.deep.equal(['dut d1', 'dut d3', 'dut d4', 'port h1.p2']);
  });

  it('a board that is sometimes in the wrong mode, or sometimes silent and sometimes in the wrong mode, is its relay; always in the wrong mode, the board', () => {
    expect(flags(night({ d3: { 'wrong-mode': 30 } }))).to.deep.equal(['relay rb-d3']);
    expect(flags(night({ d3: { silent: 20, 'wrong-mode': 10 } }))).to.deep.equal(['relay rb-d3']);
    expect(flags(night({ d3: { 'wrong-mode': 100 } }))).to.deep.equal(['dut d3']);
    expect(flags(night({ d3: { silent: 30 } }))).to.deep.equal(['dut d3']);
  });

  it('tells a reset relay from a mode relay by what a stuck channel does on its pin', () => {
    const pins: Record<string, string> = { 'rb.1': 'reset', 'rb.2': 'boot0' };
    const physics = new Physics(new Map(), () => undefined, (channel) => pins[channel]);
    const mix = (symptoms: Partial<Record<Symptom, number>>) => [{ profile: 'stm32f1', trials: 100, symptoms }];
    // Sometimes in the wrong mode: the boot0 relay did not switch.
    expect(physics.fit('relay', mix({ 'wrong-mode': 30 }), 'rb.2')).to.be.above(physics.fit('relay', mix({ 'wrong-mode': 30 }), 'rb.1'));
    // Mostly not restarted, sometimes left in its mode: the reset relay.
    expect(physics.fit('relay', mix({ silent: 20, 'wrong-mode': 10 }), 'rb.1')).to.be.above(physics.fit('relay', mix({ silent: 20, 'wrong-mode': 10 }), 'rb.2'));
  });
});
