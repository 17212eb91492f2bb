import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseDocument } from 'yaml';
import type { BoardProfile } from '../../harness/config/types.js';
import type { Stm32ChipFacts } from '../../harness/families/stm32/schema.js';
import { loadBench, loadProfile } from '../../harness/config/load.js';
import { ROOT, shippedFiles } from './helpers.js';
import type { ScriptOptions } from '../../harness/protocols/script-schema.js';

const at = (file: string) => join(ROOT, file);

describe('config: shipped profiles and rigs', () => {
  const boards = shippedFiles('boards');
  const rigs = shippedFiles('rigs');

  it('ships the planned profiles and rigs', () => {
    expect(boards.map((f) => f.replace(/^boards\/|\.yaml$/g, ''))).to.include.members([
      'stm32f103c8', 'stm32f407vg', 'stm32f030r8', 'stm32g071rb', 'mt6765', 'mt6580', 'mt6735', 'stm32-sync-only',
    ]);
    expect(rigs).to.include.members(['rigs/sim-bench.yaml', 'rigs/example-lab.yaml']);
  });

  for (const file of [...boards, ...rigs]) {
    it(`${file}: re-serialising the parsed document gives equal data`, () => {
      const text = readFileSync(at(file), 'utf8');
      const doc = parseDocument(text);
      expect(doc.errors).to.be.empty;
      const again = parseDocument(doc.toString());
      expect(again.errors).to.be.empty;
      expect(again.toJS()).to.deep.equal(doc.toJS());
    });
  }

  for (const file of boards) {
    it(`${file}: loads, with id = file stem and a digest of the bytes`, () => {
      const profile = loadProfile(at(file));
      expect(profile.id).to.equal(file.replace(/^boards\/|\.yaml$/g, ''));
      expect(profile.digest).to.match(/^[0-9a-f]{64}$/);
      expect(profile.chip, 'every shipped profile can be emulated').to.not.equal(undefined);
      for (const step of [...profile.enter, ...profile.leave]) {
        if (step.kind === 'pulse' || step.kind === 'powerCycle') expect(profile.pins).to.have.property(step.pin);
        if (step.kind === 'set') for (const pin of Object.keys(step.pins)) expect(profile.pins).to.have.property(pin);
      }
    });
  }

  const load = (id: string): BoardProfile => loadProfile(at(`boards/${id}.yaml`));
  const stm32 = (id: string) => load(id).chip as Stm32ChipFacts;

  it('carries the fact-sheet identities', () => {
    expect(load('stm32f103c8').expect).to.include({ productId: 0x410, minBootloaderVersion: 0x22 });
    expect(stm32('stm32f103c8').commands).to.include(0x43).and.not.include(0x44);
    expect(stm32('stm32f407vg').productId).to.equal(0x413);
    expect(stm32('stm32f407vg').commands).to.include(0x44).and.not.include(0x43);
    const f4 = stm32('stm32f407vg');
    expect('sectors' in f4.pages && f4.pages.sectors.reduce((a, b) => a + b, 0)).to.equal(f4.flash.end - f4.flash.start);
    expect(stm32('stm32f030r8').productId).to.equal(0x440);
    expect(stm32('stm32g071rb').productId).to.equal(0x460);
    expect(stm32('stm32g071rb').commands).to.include(0x44);
    expect(load('mt6765').expect).to.deep.equal({ hwCode: 0x0766, mode: 'brom' });
    expect(load('mt6580').expect).to.deep.include({ hwCode: 0x6580 });
    const mt6735 = load('mt6735');
    expect(mt6735.protocol).to.deep.include({ engine: 'mediatek', options: { watchdog: { address: 0x10212000, value: 0x22000000 } } });
    expect(load('mt6765').protocol.options).to.deep.equal({ watchdog: { address: 0x10007000, value: 0x22000064 } });
  });

  it('gives STM32 8E1 and MediaTek 8N1 serial settings', () => {
    expect(load('stm32f103c8').protocol.serial).to.deep.equal({ baudRate: 115200, dataBits: 8, parity: 'even', stopBits: 1 });
    expect(load('stm32f030r8').protocol.serial.parity, 'stm32 default parity').to.equal('even');
    expect(load('mt6580').protocol.serial).to.deep.equal({ baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 });
  });

  it('enters MediaTek BROM by holding KCOL0 through a power cycle', () => {
    const p = load('mt6765');
    expect(p.pins.power).to.include({ active: 'high', idle: 'active' });
    expect(p.pins.kcol0).to.include({ active: 'low', idle: 'inactive' });
    expect(p.enter.map((s) => s.kind)).to.deep.equal(['set', 'powerCycle', 'wait']);
    expect(p.enter[0]).to.deep.equal({ kind: 'set', pins: { kcol0: true } });
    expect(p.leave[0]).to.deep.equal({ kind: 'set', pins: { kcol0: false } });
  });

  it('turns the script profile into send/expect steps with captures', () => {
    const p = load('stm32-sync-only');
    expect(p.protocol.engine).to.equal('script');
    const [sync, ack, getId, reply] = (p.protocol.options as ScriptOptions).script;
    expect(sync).to.deep.equal({ kind: 'send', bytes: Uint8Array.from([0x7f]) });
    expect(ack).to.deep.include({ kind: 'expect', pattern: [{ value: 0x79 }], withinMs: 500, label: 'sync' });
    expect(getId).to.deep.equal({ kind: 'send', bytes: Uint8Array.from([0x02, 0xfd]) });
    expect(reply).to.deep.include({
      kind: 'expect',
      pattern: [{ value: 0x79 }, { value: 0x01 }, { capture: 'pid_hi' }, { capture: 'pid_lo' }, { value: 0x79 }],
      withinMs: 500,
    });
    expect(p.expect).to.deep.equal({ captures: { pid_hi: 0x04, pid_lo: 0x10 } });
    expect(p.chip?.family).to.equal('stm32');
  });

  it('sim-bench: every shipped profile, three planted faults, a quick first night', () => {
    const { rig, profiles } = loadBench(at('rigs/sim-bench.yaml'));
    expect(rig.kind).to.equal('simulated');
    expect([...profiles.keys()].sort()).to.deep.equal(boards.map((f) => f.replace(/^boards\/|\.yaml$/g, '')).sort());
    expect(rig.duts.length).to.be.within(7, 12);
    expect(rig.nightly).to.deep.include({ trialsPerDut: 20, concurrency: rig.duts.length });
    expect(rig.hubs).to.have.length(3);
    expect(rig.ports.some((p) => p.hub === undefined), 'a host port').to.equal(true);

    const noisy = rig.cables.filter((c) => (c.sim?.bitErrorRate ?? 0) > 0);
    expect(noisy).to.have.length(1);
    const noisyDut = rig.duts.find((d) => d.cable === noisy[0]!.id)!;
    expect(profiles.get(noisyDut.board)!.family).to.equal('stm32');

    const weak = rig.supplies.filter((s) => (s.sim?.brownoutRate ?? 0) > 0);
    expect(weak).to.have.length(1);
    expect(rig.duts.filter((d) => d.supply === weak[0]!.id)).to.have.length(2);
    for (const supply of rig.supplies) expect(rig.duts.filter((d) => d.supply === supply.id).length).to.be.within(1, 3);

    const stuck = rig.duts.filter((d) => d.sim?.mode === 'preloader');
    expect(stuck).to.have.length(1);
    expect(profiles.get(stuck[0]!.board)!.family).to.equal('mediatek');
    const channels = rig.relays.filter((r) => r.driver === 'sim').map((r) => r.channels.length);
    expect(Math.max(...channels)).to.be.within(16, 24);

    // ESP32 boards strapped both ways: through their DTR/RTS auto-reset circuit, and by relays on EN and the strap.
    const esp32 = rig.duts.filter((d) => profiles.get(d.board)!.family === 'esp32');
    const lineBoard = (d: (typeof esp32)[number]) => rig.relays.find((r) => r.id === d.pins.reset!.channel.split('.')[0]);
    expect(esp32.map((d) => lineBoard(d)!.driver).sort()).to.deep.equal(['dtr-rts', 'sim', 'sim']);
    expect(esp32.map((d) => lineBoard(d)!.circuit).filter(Boolean)).to.deep.equal(['auto-reset']);
  });

  it('example-lab: a hardware bench with Firmata, LCUS and DTR/RTS relays and USB identities', () => {
    const { rig } = loadBench(at('rigs/example-lab.yaml'));
    expect(rig.kind).to.equal('hardware');
    expect([...new Set(rig.relays.map((r) => r.driver))].sort()).to.deep.equal(['dtr-rts', 'firmata', 'lcus']);
    expect(rig.relays.filter((r) => r.circuit === 'auto-reset').map((r) => r.dut), 'an ESP32 on its auto-reset circuit').to.deep.equal(['d5']);
    const firmata = rig.relays.find((r) => r.driver === 'firmata')!;
    expect(firmata.channels.every((c) => typeof c.pin === 'number')).to.equal(true);
    expect(rig.relays.find((r) => r.driver === 'dtr-rts')!.channels.map((c) => c.id)).to.deep.equal(['a4.dtr', 'a4.rts']);
    for (const dut of rig.duts) expect(dut.serial, dut.id).to.not.equal(undefined);
    expect(rig.duts.some((d) => d.serial?.serialNumber && d.serial.vendorId)).to.equal(true);
    expect(JSON.stringify(rig)).to.not.include('"sim"');
    const inverted = rig.duts.flatMap((d) => Object.values(d.pins)).filter((w) => w.closed === 'inactive');
    expect(inverted.length).to.be.at.least(1);
  });
});
