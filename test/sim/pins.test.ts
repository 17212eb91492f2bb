import { expect } from 'chai';
import { find, testBench } from './fixtures.js';
import { openStream } from './streams.js';

describe('sim pins and power', () => {
  it('starts every contact in its safe state and drives the wired pins from it', () => {
    const { sim, dev } = testBench();
    expect(sim.contactClosed('rb1.1')).to.equal(false);
    expect(sim.contactClosed('rb1.3')).to.equal(true);
    expect(dev('d1').pins.get('reset')).to.equal(false);
    expect(dev('d1').pins.get('boot0')).to.equal(false);
    // A board without a power pin is powered from its supply from the start; d3's power relay rests closed.
    expect(dev('d1').powered).to.equal(true);
    expect(dev('d3').powered).to.equal(true);
    expect(dev('d3').pins.get('kcol0')).to.equal(false);
    // Boot pins are set before the rail comes up, so the board samples them at power-on.
    const d1 = dev('d1');
    expect(d1.pinEvents.every((e) => e.at <= d1.powerEvents[0]!.at)).to.equal(true);
    expect(d1.pinEvents.length).to.equal(2);
    expect(dev('d3').pins.get('power')).to.equal(true);
    sim.dispose();
  });

  it('moves pins through relay contacts, honouring closed: inactive wiring', async () => {
    const { sim, dev, rig } = testBench((r) => {
      find(r.duts, 'd1').pins.boot0 = { channel: 'rb1.2', closed: 'inactive' };
    });
    expect(dev('d1').pins.get('boot0')).to.equal(true); // contact open, wired inactive-when-closed
    const rb1 = rig.relays[0]!;
    const backend = sim.relayBackend(rb1);
    expect(sim.relayBackend(rb1)).to.equal(backend);
    await backend.open();
    const [ch1, ch2] = rb1.channels;
    await backend.set([
      { channel: ch1!, closed: true },
      { channel: ch2!, closed: true },
    ]);
    expect(dev('d1').pins.get('reset')).to.equal(true);
    expect(dev('d1').pins.get('boot0')).to.equal(false);
    expect(await backend.read(ch1!)).to.equal(true);
    await backend.safe();
    expect(dev('d1').pins.get('reset')).to.equal(false);
    expect(dev('d1').pins.get('boot0')).to.equal(true);
    await backend.close();
    const closed = await backend.set([{ channel: ch1!, closed: true }]).catch((e: unknown) => e);
    expect(closed).to.be.instanceOf(Error);
    sim.dispose();
  });

  it('switches power with the profile pin named power', async () => {
    const { sim, dev, rig } = testBench();
    const rb1 = rig.relays[0]!;
    const backend = sim.relayBackend(rb1);
    await backend.open();
    const power = rb1.channels[2]!;
    await backend.set([{ channel: power, closed: false }]);
    expect(dev('d3').powered).to.equal(false);
    expect(sim.powered('d3')).to.equal(false);
    await backend.set([{ channel: power, closed: true }]);
    expect(dev('d3').powerEvents.map((e) => e.on)).to.deep.equal([true, false, true]);
    // The emulator also hears the pin itself, asserted before the rail rises and released after it falls.
    expect(dev('d3').pins.get('power')).to.equal(true);
    const d3 = dev('d3');
    const off = d3.powerEvents[1]!.at;
    const released = d3.pinEvents.find((e) => e.pin === 'power' && !e.asserted)!;
    expect(released.at).to.equal(off);
    sim.dispose();
  });

  it('DTR/RTS of the DUT port drive the pins wired to its adapter lines (active-low here)', async () => {
    const { sim, dev } = testBench();
    const d2 = dev('d2');
    // Port closed: lines deasserted; active-low makes that a closed contact → reset asserted, boot0 released.
    expect(sim.contactClosed('a1.dtr')).to.equal(true);
    expect(d2.pins.get('reset')).to.equal(true);
    expect(d2.pins.get('boot0')).to.equal(false);

    // Opening a tty raises DTR and RTS.
    const s = await openStream(sim.binding, sim.portPath('d2'));
    expect(d2.pins.get('reset')).to.equal(false);
    expect(d2.pins.get('boot0')).to.equal(true);

    await new Promise<void>((resolve, reject) => s.port.set({ dtr: false, rts: true }, (e) => (e ? reject(e) : resolve())));
    expect(d2.pins.get('reset')).to.equal(true);
    expect(d2.pins.get('boot0')).to.equal(true);

    // The stream fills unset flags with their defaults (DTR and RTS asserted).
    await new Promise<void>((resolve, reject) => s.port.set({ rts: false }, (e) => (e ? reject(e) : resolve())));
    expect(d2.pins.get('reset')).to.equal(false);
    expect(d2.pins.get('boot0')).to.equal(false);

    // HUPCL: the last close drops both lines.
    await s.close();
    expect(d2.pins.get('reset')).to.equal(true);
    expect(d2.pins.get('boot0')).to.equal(false);
    // Another DUT's lines are untouched.
    expect(dev('d1').pins.get('reset')).to.equal(false);
    sim.dispose();
  });

  it('keeps the lines on close without HUPCL, and refuses a relay backend for DTR/RTS boards', async () => {
    const { sim, dev, rig } = testBench();
    const port = await sim.binding.open({ path: sim.portPath('d2'), baudRate: 115200, hupcl: false });
    await port.set({ dtr: true, rts: true });
    await port.close();
    expect(dev('d2').pins.get('reset')).to.equal(false);
    const a1 = rig.relays[1]!;
    expect(() => sim.relayBackend(a1)).to.throw(/DTR\/RTS/);
    sim.dispose();
  });

  it('an active-high DTR/RTS board closes the contact while the line is asserted', async () => {
    const { sim, dev } = testBench((rig) => (find(rig.relays, 'a1').polarity = 'active-high'));
    expect(sim.contactClosed('a1.dtr')).to.equal(false);
    expect(dev('d2').pins.get('reset')).to.equal(false);
    const port = await sim.binding.open({ path: sim.portPath('d2'), baudRate: 115200 });
    expect(sim.contactClosed('a1.dtr')).to.equal(true);
    expect(dev('d2').pins.get('reset')).to.equal(true);
    await port.close();
    sim.dispose();
  });

  it('through the auto-reset circuit a line acts only while the other is released; both asserted do nothing', async () => {
    const { sim, dev } = testBench((rig) => {
      Object.assign(find(rig.relays, 'a1'), { circuit: 'auto-reset', polarity: 'active-high' });
      find(rig.duts, 'd2').pins = { reset: { channel: 'a1.rts', closed: 'active' }, boot0: { channel: 'a1.dtr', closed: 'active' } };
    });
    const d2 = dev('d2');
    const pins = () => [d2.pins.get('reset') ?? false, d2.pins.get('boot0') ?? false];
    const set = (s: Awaited<ReturnType<typeof openStream>>, lines: { dtr: boolean; rts: boolean }) =>
      new Promise<void>((resolve, reject) => s.port.set(lines, (e) => (e ? reject(e) : resolve())));
    expect(pins(), 'port closed, lines released').to.deep.equal([false, false]);
    // Opening a tty raises DTR and RTS: neither transistor conducts, so opening the port does not reset the board.
    const s = await openStream(sim.binding, sim.portPath('d2'));
    expect(pins()).to.deep.equal([false, false]);
    await set(s, { dtr: false, rts: true });
    expect(pins(), 'RTS alone pulls EN low').to.deep.equal([true, false]);
    await set(s, { dtr: true, rts: false });
    expect(pins(), 'DTR alone pulls the strap low, EN rises').to.deep.equal([false, true]);
    // The strap moved before EN: a chip leaving reset sees it already held.
    const events = d2.pinEvents.slice(-2).map((e) => `${e.pin}=${e.asserted}`);
    expect(events).to.deep.equal(['boot0=true', 'reset=false']);
    await set(s, { dtr: true, rts: true });
    expect(pins()).to.deep.equal([false, false]);
    await s.close();
    expect(pins()).to.deep.equal([false, false]);
    sim.dispose();
  });

  it('disposes every emulator', () => {
    const { sim, dev } = testBench();
    sim.dispose();
    expect(['d1', 'd2', 'd3'].every((d) => dev(d).disposed)).to.equal(true);
    expect(() => sim.device('nope')).to.throw(/no DUT nope/);
  });
});
