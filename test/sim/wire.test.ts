import { expect } from 'chai';
import { find, testBench } from './fixtures.js';
import { openStream } from './streams.js';

describe('sim wire', () => {
  it('paces host bytes by the baud rate: 1000 bytes at 9600 8N1 take 1.04 s', async () => {
    const { sim, clock, dev } = testBench();
    const s = await openStream(sim.binding, sim.portPath('d1'), { baudRate: 9600 });
    const start = clock.now();
    await s.write(new Uint8Array(1000).fill(0x55));
    let drainedAt = -1;
    const drained = s.drain().then(() => (drainedAt = clock.now()));
    await clock.advanceAsync(1030, 10);
    expect(dev('d1').receivedBytes.length).to.be.within(985, 990);
    await clock.advanceAsync(20, 1);
    await drained;
    const device = dev('d1');
    expect(device.receivedBytes.length).to.equal(1000);
    const last = device.received[device.received.length - 1]!.at - start;
    expect(last).to.be.closeTo(1000 * (10 / 9600) * 1000, 1.1);
    expect(drainedAt - start).to.be.closeTo(1041.67, 1.1);
    // Bytes come in time order, the first one a byte-time after the write.
    expect(device.received[0]!.at - start).to.be.closeTo(1.04, 0.01);
    await s.close();
    sim.dispose();
  });

  it('counts parity and stop bits: 8E1 takes 11 bits a byte, 8N2 takes 11', async () => {
    for (const settings of [{ parity: 'even' as const }, { stopBits: 2 as const }]) {
      const { sim, clock, dev } = testBench();
      const s = await openStream(sim.binding, sim.portPath('d1'), { baudRate: 11000, ...settings });
      const start = clock.now();
      await s.write(new Uint8Array(100));
      await clock.advanceAsync(110, 1);
      const device = dev('d1');
      expect(device.receivedBytes.length).to.equal(100);
      expect(device.received[device.received.length - 1]!.at - start).to.be.closeTo(100, 1.01);
      await s.close();
      sim.dispose();
    }
  });

  it('delivers a fast line in batches, not one timer per byte', async () => {
    const { sim, clock, dev } = testBench();
    const s = await openStream(sim.binding, sim.portPath('d1'), { baudRate: 921600 });
    // write() waits while more than the OS transmit buffer (4 KiB) is still unsent.
    let written = false;
    const write = s.write(new Uint8Array(10_000).fill(1)).then(() => (written = true));
    await clock.advanceAsync(50, 1);
    expect(written).to.equal(false);
    await clock.advanceAsync(70, 1);
    await write;
    const device = dev('d1');
    expect(device.receivedBytes.length).to.equal(10_000);
    // ~108 ms of line time, delivered about once a millisecond.
    expect(device.received.length).to.be.within(100, 115);
    await s.close();
    sim.dispose();
  });

  it('paces device output at the device baud and delivers it intact when the bauds agree', async () => {
    const { sim, clock, dev } = testBench();
    const s = await openStream(sim.binding, sim.portPath('d1'), { baudRate: 115200 });
    const text = [...Buffer.from('Hello from the bootloader\r\n')];
    const start = clock.now();
    dev('d1').transmit(text, 115200);
    await clock.advanceAsync(1, 0.1);
    expect(s.data.length).to.be.lessThan(text.length);
    await clock.advanceAsync(3, 0.1);
    expect(s.data).to.deep.equal(text);
    expect(clock.now() - start).to.be.greaterThan((text.length * 10 * 1000) / 115200);
    await s.close();
    sim.dispose();
  });

  it('turns a baud mismatch into seeded noise, scaled by the baud ratio', async () => {
    const run = async (seed: number) => {
      const { sim, clock, dev } = testBench(undefined, { seed });
      const s = await openStream(sim.binding, sim.portPath('d1'), { baudRate: 115200 });
      const log = new Uint8Array(8000).fill(0x41); // 'A' × 8000 at 921600
      dev('d1').transmit(log, 921600);
      await clock.advanceAsync(100, 1);
      await s.close();
      sim.dispose();
      return s.data;
    };
    const a = await run(7);
    expect(a.length).to.equal(1000);
    expect(a.filter((b) => b === 0x41).length).to.be.lessThan(20);
    expect(await run(7)).to.deep.equal(a);
    expect(await run(8)).to.not.deep.equal(a);

    // A slow sender read too fast yields more bytes than were sent.
    const { sim, clock, dev } = testBench();
    const s = await openStream(sim.binding, sim.portPath('d1'), { baudRate: 115200 });
    dev('d1').transmit(new Uint8Array(10).fill(0x41), 9600);
    await clock.advanceAsync(15, 1);
    expect(s.data.length).to.equal(120);
    await s.close();
    sim.dispose();
  });

  it('tolerates a baud error of a couple of percent, as a UART does', async () => {
    const { sim, clock, dev } = testBench();
    const s = await openStream(sim.binding, sim.portPath('d1'), { baudRate: 115200 });
    dev('d1').transmit([0x79, 0x1f], 113000);
    await clock.advanceAsync(2, 0.5);
    expect(s.data).to.deep.equal([0x79, 0x1f]);
    await s.close();
    sim.dispose();
  });

  it('adds port and hub latency to what the host receives', async () => {
    const { sim, clock, dev } = testBench((rig) => {
      find(rig.ports, 'hub1.p1').sim = { latencyMs: 4 };
      find(rig.hubs, 'hub1').sim = { latencyMs: 12 };
    });
    const s = await openStream(sim.binding, sim.portPath('d1'), { baudRate: 115200 });
    expect(sim.trialFaults('d1').latencyMs).to.equal(16);
    dev('d1').transmit([0x79], 115200);
    await clock.advanceAsync(16, 0.25);
    expect(s.data).to.deep.equal([]);
    await clock.advanceAsync(1, 0.25);
    expect(s.data).to.deep.equal([0x79]);
    // The host→device direction has no added latency.
    await s.write([0x7f]);
    const sentAt = clock.now();
    await clock.advanceAsync(1, 0.1);
    expect(dev('d1').received[0]!.at - sentAt).to.be.closeTo(10_000 / 115200, 0.01);
    await s.close();
    sim.dispose();
  });

  it('drops device output nobody can receive: port closed, or receive buffer full', async () => {
    const { sim, clock, dev } = testBench();
    dev('d1').transmit([1, 2, 3], 115200);
    clock.advance(5);
    const port = await sim.binding.open({ path: sim.portPath('d1'), baudRate: 921600 });
    // Nobody reads: a flood is bounded by the receive buffer.
    for (let i = 0; i < 40; i++) dev('d1').transmit(new Uint8Array(4096).fill(0x2e), 921600);
    clock.advance(2000);
    const buffer = Buffer.alloc(200_000);
    let total = 0;
    for (;;) {
      const pending = port.read(buffer, total, buffer.length - total);
      const result = await Promise.race([pending, new Promise<null>((r) => setTimeout(() => r(null), 20))]);
      if (!result) break;
      total += result.bytesRead;
    }
    expect(total).to.equal(64 * 1024);
    await port.close().catch(() => undefined);
    sim.dispose();
  });

  it('bounds a device that runs ahead of its own UART', async () => {
    const { sim, clock, dev } = testBench();
    const s = await openStream(sim.binding, sim.portPath('d1'), { baudRate: 9600 });
    for (let i = 0; i < 100; i++) dev('d1').transmit(new Uint8Array(1024), 9600);
    // 100 KiB handed over at once: only about 64 KiB fit in the backlog, the rest was lost at the device.
    await clock.advanceAsync(90_000, 500);
    expect(s.data.length).to.be.within(64 * 1024, 66 * 1024);
    await s.close();
    sim.dispose();
  });
});
