import { expect } from 'chai';
import { testBench } from './fixtures.js';
import { openStream, settle } from './streams.js';

describe('sim binding', () => {
  it('lists every DUT adapter with a USB identity', async () => {
    const { sim } = testBench();
    const ports = await sim.binding.list();
    expect(ports.map((p) => p.path)).to.deep.equal([
      '/dev/sim/test-bench/d1',
      '/dev/sim/test-bench/d2',
      '/dev/sim/test-bench/d3',
    ]);
    expect(ports[0]).to.include({ manufacturer: 'shakedown-sim', serialNumber: 'd1', vendorId: '1209', productId: '0001', locationId: 'hub1.p1' });
    expect(sim.portPath('d3')).to.equal('/dev/sim/test-bench/d3');
    sim.dispose();
  });

  it('carries bytes both ways through a real SerialPortStream', async () => {
    const { sim, clock, dev } = testBench();
    dev('d1').echoBaud = 115200;
    const s = await openStream(sim.binding, sim.portPath('d1'));
    await s.write([0x7f, 0x00, 0xff, 0x55]);
    await clock.advanceAsync(5);
    expect(dev('d1').receivedBytes).to.deep.equal([0x7f, 0x00, 0xff, 0x55]);
    expect(s.data).to.deep.equal([0x7f, 0x00, 0xff, 0x55]);
    await s.close();
    expect(s.closes).to.deep.equal([null]);
    expect(s.errors).to.deep.equal([]);
    sim.dispose();
  });

  it('fails to open an unknown path with ENOENT and a held port with EBUSY', async () => {
    const { sim } = testBench();
    const missing = await openStream(sim.binding, '/dev/sim/test-bench/nope').catch((e: unknown) => e);
    expect(missing).to.include({ code: 'ENOENT' });
    const first = await openStream(sim.binding, sim.portPath('d1'));
    const second = await openStream(sim.binding, sim.portPath('d1')).catch((e: unknown) => e);
    expect(second).to.include({ code: 'EBUSY' });
    await first.close();
    const again = await openStream(sim.binding, sim.portPath('d1'));
    await again.close();
    sim.dispose();
  });

  it('rejects a pending read with a canceled error on close', async () => {
    const { sim } = testBench();
    const port = await sim.binding.open({ path: sim.portPath('d1'), baudRate: 115200 });
    const read = port.read(Buffer.alloc(16), 0, 16);
    await settle();
    await port.close();
    const error = await read.catch((e: unknown) => e);
    expect(error).to.include({ canceled: true });
    const late = await port.read(Buffer.alloc(4), 0, 4).catch((e: unknown) => e);
    expect(late).to.include({ canceled: true });
    const closeTwice = await port.close().catch((e: unknown) => e);
    expect(closeTwice).to.be.instanceOf(Error);
    sim.dispose();
  });

  it('reads what arrived before the read, in order, at most length bytes at a time', async () => {
    const { sim, clock, dev } = testBench();
    const port = await sim.binding.open({ path: sim.portPath('d1'), baudRate: 115200 });
    dev('d1').transmit([1, 2, 3, 4, 5, 6], 115200);
    clock.advance(5);
    const buffer = Buffer.alloc(8);
    const first = await port.read(buffer, 2, 4);
    expect(first.bytesRead).to.equal(4);
    expect([...buffer.subarray(2, 6)]).to.deep.equal([1, 2, 3, 4]);
    const second = await port.read(buffer, 0, 8);
    expect(second.bytesRead).to.equal(2);
    expect([...buffer.subarray(0, 2)]).to.deep.equal([5, 6]);
    await port.close();
    sim.dispose();
  });

  it('supports update, getBaudRate, get, set, flush and drain', async () => {
    const { sim, clock, dev } = testBench();
    const port = await sim.binding.open({ path: sim.portPath('d1'), baudRate: 115200, parity: 'even' });
    expect(port.openOptions).to.include({ dataBits: 8, stopBits: 1, parity: 'even', hupcl: true, lock: true });
    await port.update({ baudRate: 57600 });
    expect(await port.getBaudRate()).to.deep.equal({ baudRate: 57600 });
    expect(await port.get()).to.deep.equal({ cts: false, dsr: false, dcd: false });
    await port.set({ dtr: false, rts: false });
    const bad = await port.update({ baudRate: 0 }).catch((e: unknown) => e);
    expect(bad).to.be.instanceOf(TypeError);

    // flush: received-but-unread bytes are gone.
    dev('d1').transmit([9, 9, 9], 57600);
    clock.advance(5);
    await port.flush();
    dev('d1').transmit([7], 57600);
    clock.advance(5);
    const buffer = Buffer.alloc(4);
    expect((await port.read(buffer, 0, 4)).bytesRead).to.equal(1);
    expect(buffer[0]).to.equal(7);

    // drain: resolves once 100 bytes (11 bits each at 57600 baud) have left the host.
    await port.write(Buffer.alloc(100, 0x41));
    const start = clock.now();
    let drained = false;
    const drain = port.drain().then(() => (drained = true));
    await clock.advanceAsync(18, 1);
    expect(drained).to.equal(false);
    await clock.advanceAsync(2, 1);
    await drain;
    expect(clock.now() - start).to.be.closeTo((100 * 11 * 1000) / 57600, 1.5);
    await port.close();
    sim.dispose();
  });

  it('validates open options like the hardware binding', async () => {
    const { sim } = testBench();
    const noBaud = await sim.binding.open({ path: sim.portPath('d1') } as never).catch((e: unknown) => e);
    expect(noBaud).to.be.instanceOf(TypeError);
    const badBits = await sim.binding.open({ path: sim.portPath('d1'), baudRate: 9600, dataBits: 9 } as never).catch((e: unknown) => e);
    expect(badBits).to.be.instanceOf(TypeError);
    sim.dispose();
  });
});
