import { expect } from 'chai';
import type { Rig } from '../../harness/config/types.js';
import type { SimBench } from '../../harness/sim/bench.js';
import type { TrialFaults } from '../../harness/sim/faults.js';
import { find, testBench, withinInterval } from './fixtures.js';
import { openStream, settle } from './streams.js';

/** Opens and closes a DUT's port `n` times (n trials), collecting each trial's faults. */
async function trials(sim: SimBench, dut: string, n: number): Promise<TrialFaults[]> {
  const out: TrialFaults[] = [];
  for (let i = 0; i < n; i++) {
    const port = await sim.binding.open({ path: sim.portPath(dut), baudRate: 115200 });
    out.push(sim.trialFaults(dut));
    await port.close();
  }
  return out;
}

function popcount(x: number): number {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}

describe('sim faults', () => {
  describe('cable', () => {
    it('openRate: a share of trials in which nothing passes either way', async () => {
      const { sim } = testBench((rig) => (find(rig.cables, 'c1').sim = { openRate: 0.2 }));
      const faults = await trials(sim, 'd1', 2000);
      const open = faults.filter((f) => f.cableOpen).length;
      expect(withinInterval(open, 2000, 0.2)).to.equal(true, `open in ${open} of 2000`);
      expect(faults.map((f) => f.trial)).to.deep.equal(Array.from({ length: 2000 }, (_, i) => i + 1));
      sim.dispose();
    });

    it('an open cable passes nothing; a good one passes everything', async () => {
      const { sim, clock, dev } = testBench((rig) => (find(rig.cables, 'c1').sim = { openRate: 1 }));
      dev('d1').echoBaud = 115200;
      const s = await openStream(sim.binding, sim.portPath('d1'));
      await s.write([1, 2, 3]);
      dev('d1').transmit([4, 5], 115200);
      await clock.advanceAsync(5);
      expect(dev('d1').receivedBytes).to.deep.equal([]);
      expect(s.data).to.deep.equal([]);
      await s.close();
      sim.dispose();
    });

    it('bitErrorRate flips bits both ways on the wire at the configured rate', async () => {
      const { sim, clock, dev } = testBench((rig) => (find(rig.cables, 'c1').sim = { bitErrorRate: 0.01 }));
      const s = await openStream(sim.binding, sim.portPath('d1'), { baudRate: 921600 });
      const n = 20_000;
      const write = s.write(new Uint8Array(n));
      dev('d1').transmit(new Uint8Array(n), 921600);
      await clock.advanceAsync(250, 1);
      await write;
      const toDevice = dev('d1').receivedBytes;
      expect(toDevice.length).to.equal(n);
      expect(s.data.length).to.equal(n);
      const flipsDown = toDevice.reduce((sum, b) => sum + popcount(b), 0);
      const flipsUp = s.data.reduce((sum, b) => sum + popcount(b), 0);
      expect(withinInterval(flipsDown, n * 8, 0.01)).to.equal(true, `to device: ${flipsDown}`);
      expect(withinInterval(flipsUp, n * 8, 0.01)).to.equal(true, `to host: ${flipsUp}`);
      await s.close();
      sim.dispose();
    });

    it('dropRate loses bytes both ways at the configured rate', async () => {
      const { sim, clock, dev } = testBench((rig) => (find(rig.cables, 'c1').sim = { dropRate: 0.05 }));
      const s = await openStream(sim.binding, sim.portPath('d1'), { baudRate: 921600 });
      const n = 20_000;
      const write = s.write(new Uint8Array(n).fill(0xaa));
      dev('d1').transmit(new Uint8Array(n).fill(0x55), 921600);
      await clock.advanceAsync(250, 1);
      await write;
      const lostDown = n - dev('d1').receivedBytes.length;
      const lostUp = n - s.data.length;
      expect(withinInterval(lostDown, n, 0.05)).to.equal(true, `to device: ${lostDown}`);
      expect(withinInterval(lostUp, n, 0.05)).to.equal(true, `to host: ${lostUp}`);
      expect(s.data.every((b) => b === 0x55)).to.equal(true);
      await s.close();
      sim.dispose();
    });
  });

  describe('port and hub', () => {
    it('disconnectRate of the port and of its hub combine, per trial', async () => {
      const { sim } = testBench((rig) => {
        find(rig.ports, 'hub1.p1').sim = { disconnectRate: 0.1, reenumerateMs: 0 };
        find(rig.hubs, 'hub1').sim = { disconnectRate: 0.05, reenumerateMs: 0 };
      });
      const faults = await trials(sim, 'd1', 3000);
      const struck = faults.filter((f) => f.disconnect);
      expect(withinInterval(struck.length, 3000, 1 - 0.9 * 0.95)).to.equal(true, `${struck.length} of 3000`);
      const byPort = struck.filter((f) => f.disconnect!.component === 'hub1.p1').length;
      const byHub = struck.filter((f) => f.disconnect!.component === 'hub1').length;
      expect(byPort + byHub).to.equal(struck.length);
      expect(byPort).to.be.greaterThan(byHub);
      expect(struck.every((f) => f.disconnect!.afterHostBytes >= 1 && f.disconnect!.afterHostBytes <= 12)).to.equal(true);
      sim.dispose();
    });

    it('a disconnect mid-handshake closes the stream with a disconnect error; the port is gone until re-enumerated', async () => {
      const { sim, clock, dev } = testBench((rig) => (find(rig.ports, 'hub1.p1').sim = { disconnectRate: 1, reenumerateMs: 800 }));
      const path = sim.portPath('d1');
      const s = await openStream(sim.binding, path);
      const strike = sim.trialFaults('d1').disconnect!;
      expect(strike).to.include({ component: 'hub1.p1', reenumerateMs: 800 });
      for (let i = 0; i < 20 && s.closes.length === 0; i++) {
        await s.write([0x7f]).catch(() => undefined);
        await clock.advanceAsync(1, 0.25);
      }
      expect(s.closes).to.have.length(1);
      expect(s.closes[0]).to.include({ disconnected: true });
      expect(s.port.isOpen).to.equal(false);
      // The device saw exactly the bytes sent before the strike.
      expect(dev('d1').receivedBytes.length).to.equal(strike.afterHostBytes);

      expect((await sim.binding.list()).map((p) => p.path)).to.not.include(path);
      const early = await sim.binding.open({ path, baudRate: 115200 }).catch((e: unknown) => e);
      expect(early).to.include({ code: 'ENOENT' });
      expect(sim.trialFaults('d1').trial).to.equal(1);

      await clock.advanceAsync(800, 10);
      expect((await sim.binding.list()).map((p) => p.path)).to.include(path);
      const again = await openStream(sim.binding, path);
      expect(sim.trialFaults('d1').trial).to.equal(2);
      await again.close();
      sim.dispose();
    });

    it('a read pending at the moment of the unplug fails with an EIO disconnect error, not a canceled one', async () => {
      const { sim, clock } = testBench((rig) => (find(rig.hubs, 'hub1').sim = { disconnectRate: 1 }));
      const port = await sim.binding.open({ path: sim.portPath('d2'), baudRate: 115200 });
      const read = port.read(Buffer.alloc(8), 0, 8);
      const outcome = read.catch((e: unknown) => e);
      await settle();
      await port.write(Buffer.alloc(12));
      await clock.advanceAsync(3, 0.5);
      const error = await outcome;
      expect(error).to.include({ code: 'EIO', disconnect: true });
      expect((error as { canceled?: boolean }).canceled).to.not.equal(true);
      const write = await port.write(Buffer.from([1])).catch((e: unknown) => e);
      expect(write).to.include({ code: 'EIO' });
      await port.close();
      // Default re-enumeration time, counted from the strike (12 bytes at 115200 baud: 1.04 ms).
      await clock.advanceAsync(1497, 50);
      expect((await sim.binding.list()).some((p) => p.serialNumber === 'd2')).to.equal(false);
      await clock.advanceAsync(2, 1);
      expect((await sim.binding.list()).some((p) => p.serialNumber === 'd2')).to.equal(true);
      sim.dispose();
    });
  });

  describe('supply', () => {
    it('brownoutRate: the board loses power for a few ms after a few host bytes, then boots again', async () => {
      const { sim, clock, dev } = testBench((rig) => (find(rig.supplies, 'psu2').sim = { brownoutRate: 1 }));
      const device = dev('d3');
      expect(device.powered).to.equal(true);
      const port = await sim.binding.open({ path: sim.portPath('d3'), baudRate: 115200 });
      const strike = sim.trialFaults('d3').brownout!;
      expect(strike.dipMs).to.be.within(2, 20);
      const before = device.powerEvents.length;
      await port.write(Buffer.alloc(12, 0xa0));
      await clock.advanceAsync(2, 0.25);
      const events = device.powerEvents.slice(before);
      expect(events.map((e) => e.on)).to.deep.equal([false]);
      expect(sim.powered('d3')).to.equal(false);
      // Bytes after the strike reach an unpowered board (the emulator ignores them).
      expect(device.receivedBytes.length).to.equal(12);
      await clock.advanceAsync(strike.dipMs + 1, 0.5);
      const after = device.powerEvents.slice(before);
      expect(after.map((e) => e.on)).to.deep.equal([false, true]);
      expect(after[1]!.at - after[0]!.at).to.be.closeTo(strike.dipMs, 0.001);
      await port.close();
      sim.dispose();
    });

    it('DUTs on one supply brown out independently, each at the supply rate', async () => {
      const { sim } = testBench((rig) => (find(rig.supplies, 'psu1').sim = { brownoutRate: 0.15 }));
      const d1 = await trials(sim, 'd1', 1500);
      const d2 = await trials(sim, 'd2', 1500);
      const n1 = d1.filter((f) => f.brownout).length;
      const n2 = d2.filter((f) => f.brownout).length;
      expect(withinInterval(n1, 1500, 0.15)).to.equal(true, `d1 ${n1}`);
      expect(withinInterval(n2, 1500, 0.15)).to.equal(true, `d2 ${n2}`);
      const both = d1.filter((f, i) => f.brownout && d2[i]!.brownout).length;
      expect(withinInterval(both, 1500, 0.15 * 0.15)).to.equal(true, `both ${both}`);
      sim.dispose();
    });

    it('slowStartMs adds to every boot, with the DUT bootDelayMs', async () => {
      const { sim, dev } = testBench((rig) => {
        find(rig.supplies, 'psu1').sim = { slowStartMs: 30 };
        find(rig.duts, 'd1').sim = { bootDelayMs: 50 };
      });
      expect(dev('d1').faults.extraStartupMs).to.equal(80);
      expect(dev('d2').faults.extraStartupMs).to.equal(30);
      await trials(sim, 'd1', 3);
      expect(dev('d1').faultHistory.map((f) => f.extraStartupMs)).to.deep.equal([80, 80, 80]);
      sim.dispose();
    });
  });

  describe('relay channel', () => {
    it('stuckRate: a share of switches leaves the contact where it was, invisible to read-back', async () => {
      const { sim, dev, rig } = testBench((r) => (find(r.relays, 'rb1').channels[0]!.sim = { stuckRate: 0.1 }));
      const rb1 = find(rig.relays, 'rb1');
      const backend = sim.relayBackend(rb1);
      await backend.open();
      const channel = rb1.channels[0]!;
      let mismatches = 0;
      for (let i = 0; i < 4000; i++) {
        const closed = i % 2 === 0;
        await backend.set([{ channel, closed }]);
        expect(await backend.read(channel)).to.equal(closed);
        if (sim.contactClosed('rb1.1') !== closed) mismatches++;
        // The pin follows the real contact.
        expect(dev('d1').pins.get('reset')).to.equal(sim.contactClosed('rb1.1'));
      }
      const { attempted, stuck } = sim.switchCounts('rb1.1');
      expect(withinInterval(stuck, attempted, 0.1)).to.equal(true, `${stuck} of ${attempted}`);
      expect(mismatches).to.be.greaterThan(0);
      expect(sim.switchCounts('rb1.2')).to.deep.equal({ attempted: 0, stuck: 0 });
      sim.dispose();
    });
  });

  describe('dut', () => {
    it('deadRate, bootloopRate and mode reach the board at each open', async () => {
      const { sim, dev } = testBench((rig) => (find(rig.duts, 'd1').sim = { deadRate: 0.3, bootloopRate: 0.2, mode: 'app' }));
      expect(dev('d1').faults.forcedMode).to.equal('app');
      await trials(sim, 'd1', 2000);
      const history = dev('d1').faultHistory;
      expect(history).to.have.length(2000);
      expect(history.every((f) => f.forcedMode === 'app')).to.equal(true);
      const dead = history.filter((f) => f.dead).length;
      const loops = history.filter((f) => f.bootloop).length;
      expect(withinInterval(dead, 2000, 0.3)).to.equal(true, `dead ${dead}`);
      expect(withinInterval(loops, 2000, 0.2)).to.equal(true, `bootloop ${loops}`);
      // Faults are per trial: they come and go.
      expect(history.some((f) => !f.dead)).to.equal(true);
      sim.dispose();
    });
  });

  describe('determinism', () => {
    const faulty = (rig: Rig) => {
      find(rig.cables, 'c1').sim = { openRate: 0.2, bitErrorRate: 1e-3 };
      find(rig.ports, 'hub1.p1').sim = { disconnectRate: 0.1, reenumerateMs: 0 };
      find(rig.hubs, 'hub1').sim = { disconnectRate: 0.1, reenumerateMs: 0 };
      find(rig.supplies, 'psu1').sim = { brownoutRate: 0.2 };
      find(rig.duts, 'd1').sim = { deadRate: 0.1, bootloopRate: 0.1 };
    };

    it('the same seed gives the same faults trial for trial, whatever the timing and the other DUTs', async () => {
      const a = testBench(faulty, { seed: 5 });
      const alone = await trials(a.sim, 'd1', 300);
      a.sim.dispose();

      const b = testBench(faulty, { seed: 5 });
      const interleaved: TrialFaults[] = [];
      for (let i = 0; i < 300; i++) {
        // Another DUT on the same hub and supply runs its own trials in between, and time passes.
        await trials(b.sim, 'd2', i % 3);
        await b.clock.advanceAsync(i % 7, 1);
        interleaved.push(...(await trials(b.sim, 'd1', 1)));
      }
      b.sim.dispose();
      expect(interleaved).to.deep.equal(alone);
      expect(alone.filter((f) => f.cableOpen || f.disconnect || f.brownout || f.device.dead).length).to.be.greaterThan(50);
    });

    it('a different seed gives different faults; the rig seed is the default', async () => {
      const a = testBench(faulty, { seed: 5 });
      const b = testBench(faulty, { seed: 6 });
      const c = testBench((rig) => {
        faulty(rig);
        rig.sim = { seed: 5 };
      });
      const fa = await trials(a.sim, 'd1', 100);
      const fb = await trials(b.sim, 'd1', 100);
      const fc = await trials(c.sim, 'd1', 100);
      expect(fb).to.not.deep.equal(fa);
      expect(fc).to.deep.equal(fa);
      expect(c.sim.seed).to.equal(5);
      for (const t of [a, b, c]) t.sim.dispose();
    });
  });
});
