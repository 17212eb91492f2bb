import { expect } from 'chai';
import type { Symptom, TrialRecord } from '../../harness/core/record.js';
import { cellsFromRecords } from '../../harness/diagnose/cells.js';
import { diagnoseCells } from '../../harness/diagnose/diagnose.js';
import { FAMILY_PHYSICS } from '../../harness/families/index.js';
import { Physics, profileTraits } from '../../harness/diagnose/physics.js';
import type { ProfileFacts } from '../../harness/diagnose/swaps.js';
import { loadBench } from '../../harness/config/load.js';
import { baseline, recordsOn, trials, twelveDuts, type DutSpec, type Faults } from './bench-data.js';

const NIGHT = '2026-11-20';
const PROFILES: ReadonlyMap<string, ProfileFacts> = new Map([
  ['stm32f1', { family: 'stm32', pins: {} }],
  ['mt6765', { family: 'mediatek', pins: {} }],
  ['mt6580', { family: 'mediatek', pins: {} }],
  ['stm32-sync-only', { family: 'stm32', pins: {}, protocol: { engine: 'script' } }],
  ['esp32-devkitc', { family: 'esp32', pins: {} }],
  // Its exchange is a script of fixed steps: it cannot tell a restarted bootloader from one that went quiet.
  ['stm32-script', { family: 'stm32', pins: {}, protocol: { engine: 'script' } }],
  ['stm32-engine', { family: 'stm32', pins: {}, protocol: { engine: 'stm32' } }],
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

/** The mixed bench with supply s1 feeding only d1 and d2 (with these profiles), the others on s2 and s3; these failures. */
function twoOnOneSupply(profiles: [string, string], faults: Record<string, Partial<Record<Symptom, number>>>): TrialRecord[] {
  const duts: DutSpec[] = mixedBench().map((d) => ({ ...d, supply: d.id === 'd1' || d.id === 'd2' ? 's1' : d.supply === 's1' ? 's2' : 's3' }));
  duts[0]!.profile = profiles[0];
  duts[1]!.profile = profiles[1];
  return duts.flatMap((d) => trials(d, NIGHT, 100, faults[d.id] ?? baseline(100)));
}

function night(faults: Record<string, Partial<Record<Symptom, number>>>, count = 100, profiles: Record<string, string> = {}): TrialRecord[] {
  return mixedBench(profiles).flatMap((d) => trials(d, NIGHT, count, faults[d.id] ?? baseline(count)));
}

function flags(records: TrialRecord[], withPhysics = true): string[] {
  const result = diagnoseCells(cellsFromRecords(records), { rig: 'bench', profiles: PROFILES, ...(withPhysics ? { physics: FAMILY_PHYSICS } : {}) });
  const name = (id: string) => `${result.components.find((c) => c.id === id)!.kind} ${id}`;
  // A flag whose group no night can split reads as the group: "cable c-d3 | dut d3 | relay rb-d3".
  return result.components
    .filter((c) => c.verdict === 'suspect' || c.verdict === 'bad')
    .map((c) => [c.id, ...(c.indistinguishableFrom ?? [])].map(name).sort().join(' | '))
    .sort();
}

/** Twelve STM32 boards (hubs h1: d1–d6, h2: d7–d12) losing their port on these many of 100 trials. */
function flagsOnTwelve(portLost: Record<string, number>): string[] {
  return flags(twelveDuts().flatMap((d) => trials(d, NIGHT, 100, portLost[d.id] ? { 'port-lost': portLost[d.id] } : baseline(100))));
}

/** The families' physics with relay channels wired to pins (`pins`: channel → pin name); `still`: pins the profile never moves. */
function physicsOf(family: string, pins: Record<string, string>, still: string[] = []): Physics {
  return new Physics(FAMILY_PHYSICS, () => family, (channel) => pins[channel], (_profile, pin) => still.includes(pin));
}

type SimDut = ReturnType<typeof loadBench>['rig']['duts'][number];

/** Flags over two nights of the simulated bench (`count` trials per DUT): `before`'s failures, the swaps `swap` makes on the rig, then `after`'s. */
function flagsAcrossSwap(before: Faults, swap: (dut: (id: string) => SimDut) => void, after: Faults, count = 100): string[] {
  const sim = loadBench('rigs/sim-bench.yaml');
  const swapped = structuredClone(sim);
  swap((id) => swapped.rig.duts.find((d) => d.id === id)!);
  const records = [...recordsOn(sim, before, '2026-11-20', count), ...recordsOn(swapped, after, '2026-11-21', count)];
  const result = diagnoseCells(cellsFromRecords(records), { rig: swapped.rig.id, rigConfig: swapped.rig, profiles: swapped.profiles, physics: FAMILY_PHYSICS });
  return result.components.filter((c) => c.verdict === 'suspect' || c.verdict === 'bad').map((c) => `${c.kind} ${c.id}`).sort();
}

/** One board's 100 trials with these failures. */
function hundred(profile: string, symptoms: Partial<Record<Symptom, number>>) {
  return [{ profile, trials: 100, symptoms }];
}

describe('diagnosis with the families\' symptom physics', () => {
  it('a slow hub that breaks only its MediaTek boards is one hub, not two boards', () => {
    // d2 and d4 (MediaTek, on h1) fail their byte-by-byte handshake; d1 and d3 (STM32, on h1) pass.
    const records = night({ d2: { 'unexpected-reply': 35 }, d4: { 'unexpected-reply': 30 } });
    expect(flags(records)).to.deep.equal(['hub h1']);
  });

  it('a slow hub that breaks its one MediaTek board is the hub when its STM32 boards measured the same slow link', () => {
    // h1: d2 is its only MediaTek board and fails; d1, d3 and d4 (STM32) pass with their answers 120 ms late.
    const records = night({ d2: { 'unexpected-reply': 90 } }, 100, { d4: 'stm32f1' });
    const slowHub = (r: TrialRecord) => ({ ...r, latencyMs: r.components.hub === 'h1' ? (r.dut === 'd2' ? 55 : 120) : 0.2 });
    expect(flags(records.map(slowHub))).to.deep.equal(['hub h1']);
    const result = diagnoseCells(cellsFromRecords(records.map(slowHub)), { rig: 'bench', profiles: PROFILES, physics: FAMILY_PHYSICS });
    const hub = result.components.find((c) => c.id === 'h1')!;
    expect(hub.evidence.summary).to.match(/boards measured a 104 ms link round trip, against 0\.20 ms for the bench/);
    expect(hub.action).to.match(/^Hub h1 delays its boards' answers \(104 ms round trip\)/);
    // Only d2's link slow: its port (or a part of its own) added the latency, not the hub.
    const slowPort = (r: TrialRecord) => ({ ...r, latencyMs: r.dut === 'd2' ? 55 : 0.2 });
    expect(flags(records.map(slowPort))).to.deep.equal(['port h1.p2']);
    const port = diagnoseCells(cellsFromRecords(records.map(slowPort)), { rig: 'bench', profiles: PROFILES, physics: FAMILY_PHYSICS }).components.find((c) => c.id === 'h1.p2')!;
    expect(port.action).to.match(/^USB port h1\.p2 delays d2's answers \(55\.0 ms round trip\): check the adapter's latency timer/);
    // STM32 siblings on an adapter whose latency timer adds 16 ms are no slow hub beside a port that adds 120 ms.
    const longTimer = (r: TrialRecord) => ({ ...r, latencyMs: r.dut === 'd2' ? 120 : r.components.hub === 'h1' ? 16 : 0.2 });
    expect(flags(records.map(longTimer))).to.not.include('hub h1');
  });

  it('a supply that resets an STM32 engine board often and silences script boards rarely stays the supply beside a script board that also boot-loops', () => {
    // s1 feeds d1 (script: boot-loops on its own, and the dips silence it now and then), d2 (STM32 engine: reset
    // mid-exchange by the dips) and d3 (script: silenced now and then, as d1 is).
    const duts: DutSpec[] = mixedBench().map((d) => ({ ...d, supply: ['d1', 'd2', 'd3'].includes(d.id) ? 's1' : 's2' }));
    const profiles: Record<string, string> = { d1: 'stm32-script', d2: 'stm32-engine', d3: 'stm32-script' };
    const faults: Record<string, Partial<Record<Symptom, number>>> = { d1: { flood: 30, silent: 4 }, d2: { 'reset-mid': 60 }, d3: { silent: 4 } };
    const records = duts.flatMap((d) => trials({ ...d, profile: profiles[d.id] ?? d.profile }, NIGHT, 100, faults[d.id] ?? baseline(100)));
    expect(flags(records)).to.deep.equal(['dut d1', 'supply s1']);
  });

  it('two MediaTek boards silent on one hub are two local faults when the hub\'s boards measured a fast link, the hub when a slow one', () => {
    // d2 and d4 (MediaTek, on h1) go silent, on different shares of their trials; silence is how latency beyond a
    // BROM's timeouts shows, and the only way a hub silences a MediaTek board.
    const records = night({ d2: { silent: 22 }, d4: { silent: 49 } });
    const fast = (r: TrialRecord) => ({ ...r, latencyMs: 0.2 });
    const flagged = flags(records.map(fast));
    expect(flagged).to.not.include('hub h1');
    expect(flagged.filter((f) => f.includes('d2')), 'd2\'s own parts').to.have.length(1);
    expect(flagged.filter((f) => f.includes('d4')), 'd4\'s own parts').to.have.length(1);
    const slowHub = (r: TrialRecord) => ({ ...r, latencyMs: r.components.hub === 'h1' ? 120 : 0.2 });
    // (d4, failing twice as often as d2, keeps its excess beside the hub.)
    expect(flags(records.map(slowHub))).to.include('hub h1');
  });

  it('a slow hub is not taken for a profile mistake when the profile\'s only boards hang on it', () => {
    // d2 and d4, the only mt6580 boards, both on h1: the hub's latency or the profile — the hub's STM32 boards pass,
    // and the hub is what the rounds find.
    const records = night({ d2: { 'unexpected-reply': 80 }, d4: { 'unexpected-reply': 75 } }, 100, { d2: 'mt6580', d4: 'mt6580' });
    expect(flags(records)).to.deep.equal(['hub h1']);
  });

  it('a dying STM32 board on a browning supply is flagged beside the supply: the dips explain its resets, not its silence', () => {
    // s1: d1 (STM32) silent 40 % and, like d5 (STM32), reset mid-handshake by the dips; d2, d6 (MediaTek) go silent.
    const records = night({ d1: { silent: 40, 'reset-mid': 15 }, d5: { 'reset-mid': 22 }, d2: { silent: 20 }, d6: { silent: 22 } });
    expect(flags(records)).to.deep.equal(['cable c-d1 | dut d1 | relay rb-d1', 'supply s1']);
  });

  it('a dying STM32 board keeps its silence under a browning supply even when its STM32 sibling resets about as often', () => {
    // s1: d1 resets mid-handshake like d5 and is silent besides; one profile shows one face of a dip.
    const records = night({ d1: { 'reset-mid': 11, silent: 28 }, d5: { 'reset-mid': 24 }, d2: { 'reset-mid': 21 }, d6: { 'reset-mid': 23 } });
    expect(flags(records)).to.deep.equal(['cable c-d1 | dut d1 | relay rb-d1', 'supply s1']);
  });

  it('an STM32 board that only syncs goes silent under a browning supply: the supply alone, not also the board', () => {
    // s1: its MediaTek boards d2, d6 silent, d5 (STM32) reset mid-handshake; d1 sends nothing after the sync, so a
    // dip leaves it waiting in silence.
    const records = night({ d2: { silent: 58 }, d6: { silent: 59 }, d5: { 'reset-mid': 30 }, d1: { silent: 10 } }, 100, { d1: 'stm32-sync-only' });
    expect(flags(records)).to.deep.equal(['supply s1']);
  });

  it('a supply dip shows on an STM32 profile as its engine can read it: a restart through the STM32 engine, silence through a script', () => {
    const physics = new Physics(FAMILY_PHYSICS, (p) => PROFILES.get(p)?.family, () => undefined, () => false, (p) => profileTraits(PROFILES.get(p)!));
    expect(physics.fit('supply', hundred('stm32-script', { silent: 5 }))).to.equal(1);
    expect(physics.fit('supply', hundred('stm32-script', { 'reset-mid': 5 }))).to.equal(0);
    expect(physics.fit('supply', hundred('stm32-engine', { 'reset-mid': 5 }))).to.equal(1);
    expect(physics.fit('supply', hundred('stm32-engine', { silent: 5 }))).to.be.below(0.8);
    expect(physics.readingOf('stm32-script')).to.not.equal(physics.readingOf('stm32-engine'));
  });

  it('a supply that resets an ESP32 on half its trials and seldom strikes an STM32 script\'s short exchange is the supply, not the ESP32', () => {
    // s1 feeds only d1 (ESP32: the dips reboot it mid-exchange) and d2 (an STM32 script: now and then silent).
    const records = twoOnOneSupply(['esp32-devkitc', 'stm32-script'], { d1: { 'reset-mid': 55 }, d2: { silent: 5 } });
    expect(flags(records)).to.deep.equal(['supply s1']);
  });

  it('a supply whose STM32 script board also boot-loops is flagged beside that board, not the STM32 it resets', () => {
    // s1 feeds only d1 (an STM32 script in a boot loop, and silent now and then) and d2 (the STM32 engine: reset mid-exchange).
    const records = twoOnOneSupply(['stm32-script', 'stm32-engine'], { d1: { flood: 42, silent: 4 }, d2: { 'reset-mid': 39 } });
    const found = flags(records);
    expect(found).to.include('supply s1');
    expect(found.filter((f) => f.includes('d2'))).to.deep.equal([]);
  });

  it('a MediaTek cable that drops bytes (corrupt replies and a stalled, silent handshake) is the cable alone, not also its board', () => {
    const records = night({ d2: { corrupt: 38, silent: 18, 'unexpected-reply': 2 } });
    expect(flags(records)).to.deep.equal(['cable c-d2']);
  });

  it('bit errors on an ESP32 cable (corrupt frames, now and then another reply) flag the cable alone', () => {
    const records = night({ d1: { corrupt: 41, 'unexpected-reply': 12 } }, 100, { d1: 'esp32-devkitc' });
    expect(flags(records)).to.deep.equal(['cable c-d1']);
  });

  it('a MediaTek board reset mid-handshake on a supply beside a silent STM32 is the supply, not the board or its power relay', () => {
    // s1 feeds only d1 (MediaTek: the dips restart its BROM mid-handshake) and d2 (an STM32 that only syncs, silent).
    const records = twoOnOneSupply(['mt6765', 'stm32-sync-only'], { d1: { 'reset-mid': 60 }, d2: { silent: 45 } });
    expect(flags(records)).to.include('supply s1');
    expect(flags(records).filter((f) => f.includes('d1'))).to.deep.equal([]);
  });

  it('on a MediaTek board, a stuck power relay leaves it silent or in its last mode, never reset mid-handshake; a stuck key relay, in its mode', () => {
    const physics = physicsOf('mediatek', { 'rb.1': 'power', 'rb.2': 'kcol0' });
    const resets = hundred('mt6765', { 'reset-mid': 30 });
    expect(physics.fit('relay', resets, 'rb.1')).to.equal(0);
    const both = hundred('mt6765', { silent: 24, 'wrong-mode': 15 });
    expect(physics.fit('relay', both, 'rb.1')).to.be.above(physics.fit('relay', both, 'rb.2'));
    const preloader = hundred('mt6765', { 'wrong-mode': 22 });
    expect(physics.fit('relay', preloader, 'rb.2')).to.be.above(physics.fit('relay', preloader, 'rb.1'));
  });

  it('a MediaTek board failing clearly more than its MediaTek siblings under a flagged supply keeps the excess', () => {
    // s1's MediaTek boards go silent at about 20 %, d2 at 55 %: the supply does not explain all of d2's.
    const records = night({ d1: { 'reset-mid': 20 }, d5: { 'reset-mid': 22 }, d2: { silent: 55 }, d6: { silent: 18 } });
    expect(flags(records)).to.deep.equal(['cable c-d2 | dut d2 | relay rb-d2', 'supply s1']);
  });

  it('a weak port under a flaky hub is flagged beside the hub: its failures add to the hub\'s, they need not double them', () => {
    // h1 drops its six ports on about a third of the trials; h1.p3 (d3) drops its own on about a quarter more.
    expect(flagsOnTwelve({ d1: 35, d2: 33, d3: 60, d4: 36, d5: 38, d6: 34 })).to.deep.equal(['hub h1', 'port h1.p3']);
  });

  it('a board losing its port more often than a sibling of another profile under a flaky hub is the hub\'s, once a board of its own profile shows the same on that port', () => {
    // Hub h1 loses its boards' ports: d1 (stm32-engine, a longer exchange) 57 of 100 trials on two nights, d2
    // (stm32f1) 40. A swap then puts d3, of d1's profile, on d1's port: 45 of 100, like d2; d1 passes elsewhere.
    const clean = Array.from({ length: 6 }, (_, i) => ({ id: `d${i + 4}`, hub: 'h3', port: `h3.p${i + 1}`, supply: 's2', profile: i % 2 ? 'stm32f1' : 'stm32-engine' }));
    const before: DutSpec[] = [
      { id: 'd1', hub: 'h1', port: 'h1.p1', supply: 's1', profile: 'stm32-engine' },
      { id: 'd2', hub: 'h1', port: 'h1.p2', supply: 's1', profile: 'stm32f1' },
      { id: 'd3', hub: 'h2', port: 'h2.p1', supply: 's1', profile: 'stm32-engine' },
      ...clean,
    ];
    const after = before.map((d) => (d.id === 'd1' ? { ...d, hub: 'h2', port: 'h2.p1' } : d.id === 'd3' ? { ...d, hub: 'h1', port: 'h1.p1' } : d));
    const lost: Record<string, number> = { d1: 57, d2: 40 };
    const records = [
      ...['2026-11-20', '2026-11-21'].flatMap((n) => before.flatMap((d) => trials(d, n, 100, lost[d.id] ? { 'port-lost': lost[d.id] } : baseline(100)))),
      ...after.flatMap((d) => trials(d, '2026-11-22', 100, d.hub === 'h1' ? { 'port-lost': d.id === 'd3' ? 45 : 42 } : baseline(100))),
    ];
    expect(flags(records)).to.deep.equal(['hub h1']);
  });

  it('a port under a flaky hub failing only as much more as chance gives one of its siblings is not flagged', () => {
    // 50 of 100 beside about 35: p ≈ 0.004 for that port alone, but one port of six that high is no rare draw.
    expect(flagsOnTwelve({ d1: 35, d2: 33, d3: 50, d4: 36, d5: 38, d6: 34 })).to.deep.equal(['hub h1']);
  });

  it('bit flips on a MediaTek cable (seen as unexpected replies) flag the cable alone', () => {
    const records = night({ d4: { 'unexpected-reply': 25, corrupt: 6 } });
    expect(flags(records)).to.deep.equal(['cable c-d4']);
  });

  it('every board of one hub failing its own way (late, port lost, silent, flood) is a local fault each, not the hub', () => {
    // d1 (STM32) late, d2 (MediaTek) losing its port, d3 (STM32) silent, d4 (MediaTek) in a boot loop.
    const records = night({ d1: { late: 100 }, d2: { 'port-lost': 25 }, d3: { silent: 25 }, d4: { flood: 30 } });
    expect(flags(records)).to.deep.equal(['cable c-d3 | dut d3 | relay rb-d3', 'dut d1', 'dut d4', 'port h1.p2']);
  });

  it('a board that is sometimes in the wrong mode, or sometimes silent and sometimes in the wrong mode, is its relay; always in the wrong mode, the board', () => {
    expect(flags(night({ d3: { 'wrong-mode': 30 } }))).to.deep.equal(['relay rb-d3']);
    expect(flags(night({ d3: { silent: 20, 'wrong-mode': 10 } }))).to.deep.equal(['relay rb-d3']);
    expect(flags(night({ d3: { 'wrong-mode': 100 } }))).to.deep.equal(['dut d3']);
    // A MediaTek board stuck in its Preloader whose log now and then floods the line before READY is still the board.
    expect(flags(night({ d4: { 'wrong-mode': 87, flood: 13 } }))).to.deep.equal(['dut d4']);
    // Always silent, some trials: a dead board, an open cable and a reset relay that did not move look the same.
    expect(flags(night({ d3: { silent: 30 } }))).to.deep.equal(['cable c-d3 | dut d3 | relay rb-d3']);
  });

  it('says when a silent board, its cable and its reset relay cannot be told apart, and names the swap that tells', () => {
    const result = diagnoseCells(cellsFromRecords(night({ d3: { silent: 30 } })), { rig: 'bench', profiles: PROFILES, physics: FAMILY_PHYSICS });
    const flag = result.components.find((c) => c.verdict === 'suspect' || c.verdict === 'bad')!;
    expect([flag.id, ...(flag.indistinguishableFrom ?? [])].sort()).to.deep.equal(['c-d3', 'd3', 'rb-d3']);
    expect(flag.action).to.match(/^Nothing tonight tells .* To tell, .*swap/);
    expect(flag.evidence.summary).to.contain('exactly as well: only a swap tells which one it is');
  });

  it('a board silent and losing its port on the same trials: the port is flagged for the port lost, apart from the silence', () => {
    // d2 (MediaTek): a flaky port (port-lost) and, on the same trials, something that silences it.
    const flagged = flags(night({ d2: { 'port-lost': 17, silent: 19 } }));
    expect(flagged).to.include('port h1.p2');
    expect(flagged).to.have.length(2);
  });

  it('a supply of two boards that both dips and rises slowly is the supply alone, not also their hub or the boards', () => {
    // Sixteen STM32 boards, four to a hub, two to a supply: s1 feeds d1 and d2 (on h1 with d3, d4) and both reset
    // mid-handshake (dips) and answer late (a slow rise).
    const duts: DutSpec[] = Array.from({ length: 16 }, (_, i) => {
      const hub = `h${Math.floor(i / 4) + 1}`;
      return { id: `d${i + 1}`, hub, port: `${hub}.p${(i % 4) + 1}`, supply: `s${Math.floor(i / 2) + 1}`, profile: 'stm32f1' };
    });
    const faults: Record<string, Partial<Record<Symptom, number>>> = { d1: { 'reset-mid': 30, late: 14 }, d2: { 'reset-mid': 29, late: 15 } };
    const records = duts.flatMap((d) => trials(d, NIGHT, 400, faults[d.id] ?? baseline(400, 250)));
    expect(flags(records)).to.deep.equal(['supply s1']);
  });

  it('a relay that sometimes does not switch does not fit a board in the wrong mode on every trial', () => {
    const physics = physicsOf('stm32', { 'rb.2': 'boot0' });
    const always = hundred('stm32f1', { 'wrong-mode': 100 });
    const sometimes = hundred('stm32f1', { 'wrong-mode': 30 });
    expect(physics.fit('relay', always, 'rb.2')).to.equal(0);
    expect(physics.fit('relay', sometimes, 'rb.2')).to.equal(1);
  });

  it('on an STM32, a stuck BOOT0 relay boots the application: silent like a dead board when it prints nothing, its banner when it prints one, never both', () => {
    const physics = physicsOf('stm32', { 'rb.1': 'reset', 'rb.2': 'boot0' });
    const silent = hundred('stm32f1', { silent: 30 });
    expect(physics.fit('relay', silent, 'rb.2')).to.equal(physics.fit('dut', silent));
    const banner = hundred('stm32f1', { 'wrong-mode': 20 });
    expect(physics.fit('relay', banner, 'rb.2')).to.be.above(physics.fit('relay', banner, 'rb.1'));
    // Silent on most failures and the banner on a third of them is the reset relay: the board was left in reset, or
    // restarted by the next edge into the application (as the simulated bench shows on every STM32 that prints one).
    const mixed = hundred('stm32f1', { silent: 44, 'wrong-mode': 13 });
    expect(physics.fit('relay', mixed, 'rb.1')).to.be.above(physics.fit('relay', mixed, 'rb.2'));
  });

  it('on an STM32 rig, a board silent and now and then in its application is its reset relay, not its BOOT0 relay', () => {
    const sim = loadBench('rigs/sim-bench.yaml');
    // d4: stm32f030r8, reset on rb1.10, BOOT0 on rb1.11.
    const flagsOn = (faults: Faults) => {
      const result = diagnoseCells(cellsFromRecords(recordsOn(sim, faults)), { rig: sim.rig.id, rigConfig: sim.rig, profiles: sim.profiles, physics: FAMILY_PHYSICS });
      return result.components.filter((c) => c.verdict === 'suspect' || c.verdict === 'bad').map((c) => `${c.kind} ${c.id}`);
    };
    expect(flagsOn({ d4: { silent: 44, 'wrong-mode': 13 } })).to.deep.equal(['relay rb1.10']);
    expect(flagsOn({ d4: { silent: 13, 'wrong-mode': 9 } })).to.deep.equal(['relay rb1.10']);
    expect(flagsOn({ d4: { 'wrong-mode': 20 } })).to.deep.equal(['relay rb1.11']);
  });

  it('a reset relay channel swapped to the next board of its supply, failing there the same way, is the channel alone, not the supply', () => {
    // Night one: d4's reset channel rb1.10 sticks. The report's swap moves it to d3's reset pin (d3 and d4 share
    // supply psu2); night two: d3 fails the same way and d4 passes. Served one after the other, the channel is each
    // board's own part: it explains all of their failures, and nothing is left over for the supply they share.
    const flags = flagsAcrossSwap(
      { d4: { silent: 44, 'wrong-mode': 13 } },
      (dut) => ([dut('d3').pins.reset, dut('d4').pins.reset] = [dut('d4').pins.reset!, dut('d3').pins.reset!]),
      { d3: { silent: 43, 'wrong-mode': 17 } },
    );
    expect(flags).to.deep.equal(['relay rb1.10']);
  });

  it('a relay channel swapped to another pin of another family is read, on each night, as the pin it drove then', () => {
    // Night one: d10's (ESP32-S3) reset channel rb3.1 sometimes does not switch: silent, now and then its application.
    // The swap moves it to d6's (MT6765) KCOL0 pin; night two: d6 sometimes boots past its BROM. Read with the rig as
    // it is now, rb3.1 would be a KCOL0 channel on an ESP32 — a pin the board does not have — and its failures there
    // would be left to d10's cable, board and boot channel.
    const flags = flagsAcrossSwap(
      { d10: { silent: 27, 'wrong-mode': 14 } },
      (dut) => ([dut('d6').pins.kcol0, dut('d10').pins.reset] = [dut('d10').pins.reset!, dut('d6').pins.kcol0!]),
      { d6: { 'wrong-mode': 35 } },
    );
    expect(flags).to.deep.equal(['relay rb3.1']);
  });

  it('a port moved by a swap to another board of its hub, losing that board too, is the port, not the hub', () => {
    // Night one: hub1.p1 loses d1 now and then; d3 (same hub) is dying. The report's swaps move d1's port to d4 and
    // give d3 another cable; night two: d4 loses its port, d3 is still silent. Two boards of hub1 losing their port
    // on different nights are one port that moved, not the hub striking two boards alike.
    const flags = flagsAcrossSwap(
      { d1: { 'port-lost': 16 }, d3: { silent: 27 } },
      (dut) => {
        [dut('d1').port, dut('d4').port] = [dut('d4').port, dut('d1').port];
        [dut('d2').cable, dut('d3').cable] = [dut('d3').cable, dut('d2').cable];
      },
      { d4: { 'port-lost': 12 }, d3: { silent: 22 } },
    );
    expect(flags).to.deep.equal(['dut d3', 'port hub1.p1']);
  });

  it('failures that followed a moved relay channel to its new board are the channel\'s, not that board\'s cable', () => {
    // Night one: d3's BOOT0 channel rb1.8 sometimes does not switch (its application). The swap puts it on d1's reset
    // pin; night two: d1 is silent now and then, on exactly the trials of its cable and board. The channel failed
    // where it was and fails where it went: one part, not the channel and d1's cable.
    // d2's port and d9's cable fail both nights, as parts of their own: they fill the pool as a real bench does.
    const flags = flagsAcrossSwap(
      { d3: { 'wrong-mode': 22 }, d2: { 'port-lost': 11 }, d9: { corrupt: 10 } },
      (dut) => ([dut('d1').pins.reset, dut('d3').pins.boot0] = [dut('d3').pins.boot0!, dut('d1').pins.reset!]),
      { d1: { silent: 30 }, d2: { 'port-lost': 10 }, d9: { corrupt: 7 } },
    );
    expect(flags).to.deep.equal(['cable c9', 'port hub1.p2', 'relay rb1.8']);
  });

  it('a board whose failures one night were its moved port\'s still speaks for its supply on the other night', () => {
    // psu2 dips under d3 and d4 both nights (reset mid-handshake). Night one, d3's port also loses it; the report's
    // swap moves that port to d1. On night one the port explains d3's failures; on night two d3 is reset like d4, and
    // the supply, not d4 alone, is the cause.
    const flags = flagsAcrossSwap(
      { d3: { 'port-lost': 30, 'reset-mid': 11 }, d4: { 'reset-mid': 19 } },
      (dut) => ([dut('d1').port, dut('d3').port] = [dut('d3').port, dut('d1').port]),
      { d1: { 'port-lost': 32 }, d3: { 'reset-mid': 9 }, d4: { 'reset-mid': 12 } },
    );
    expect(flags).to.deep.equal(['port hub1.p3', 'supply psu2']);
  });

  it('of a cable and a port moved off one board to two others where neither fails, the garbled replies are the cable\'s', () => {
    // Night one: d3's replies come back garbled now and then. The report moves its cable to d1 and its port to d2;
    // night two nobody fails beyond the bench's chance (two garbled replies on d2, none on d1). What tells the two
    // parts apart is no longer a rate but the symptom: corruption is a cable's face.
    const flags = flagsAcrossSwap(
      { d3: { corrupt: 14 } },
      (dut) => {
        [dut('d1').cable, dut('d3').cable] = [dut('d3').cable, dut('d1').cable];
        [dut('d2').port, dut('d3').port] = [dut('d3').port, dut('d2').port];
      },
      { d1: {}, d2: { corrupt: 2 } },
    );
    expect(flags).to.deep.equal(['cable c3']);
  });

  it('a board stuck in its Preloader that once floods the line in eight trials is the board, not its KCOL0 relay', () => {
    const sim = loadBench('rigs/sim-bench.yaml');
    // Seven trials in the Preloader and one flooded by its log: the board fails every trial, a standing fault. Fitted
    // on its excess symptom alone (wrong-mode, seven of eight), it looked intermittent — a relay's way of failing.
    const records = recordsOn(sim, { d7: { 'wrong-mode': 7, flood: 1 } }, '2026-11-20', 8);
    const result = diagnoseCells(cellsFromRecords(records), { rig: sim.rig.id, rigConfig: sim.rig, profiles: sim.profiles, physics: FAMILY_PHYSICS });
    const flags = result.components.filter((c) => c.verdict === 'suspect' || c.verdict === 'bad').map((c) => `${c.kind} ${c.id}`);
    expect(flags).to.deep.equal(['dut d7']);
  });

  it('names the members of a group that fit equally even when none fits well, rather than picking one by kind', () => {
    const result = diagnoseCells(cellsFromRecords(night({ d3: { silent: 20, corrupt: 20 } })), { rig: 'bench', profiles: PROFILES, physics: FAMILY_PHYSICS });
    const first = result.components.find((c) => (c.verdict === 'suspect' || c.verdict === 'bad') && c.round === 1)!;
    // Silent half the time, corrupt the other half: a dead board, an open or noisy cable and a relay each explain half.
    expect(first.indistinguishableFrom).to.include('d3');
  });

  it('a relay channel whose pin the profile never moves cannot stick: it fits no failure', () => {
    const physics = physicsOf('stm32', { 'rb.2': 'boot0', 'rb.3': 'boot1' }, ['boot1']);
    const app = hundred('stm32f1', { 'wrong-mode': 29 });
    expect(physics.fit('relay', app, 'rb.2')).to.equal(1);
    expect(physics.fit('relay', app, 'rb.3')).to.equal(0);
  });

  it('on an ESP32, a stuck reset relay shows both the application and silence; a stuck boot relay, the application', () => {
    const physics = physicsOf('esp32', { 'rb.1': 'reset', 'rb.2': 'boot' });
    const both = hundred('esp32-devkitc', { 'wrong-mode': 11, silent: 5, corrupt: 1 });
    const app = hundred('esp32-devkitc', { 'wrong-mode': 20 });
    expect(physics.fit('relay', both, 'rb.1')).to.be.above(physics.fit('relay', both, 'rb.2'));
    expect(physics.fit('relay', app, 'rb.2')).to.be.above(physics.fit('relay', app, 'rb.1'));
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
