import { expect } from 'chai';
import { ManualClock, realClock } from '../../harness/core/clock.js';
import { MemoryLink } from '../../harness/link/memory-link.js';
import { PENDING_IO_MS } from '../../harness/link/pending-io.js';
import { ReceiveQueue } from '../../harness/link/receive-queue.js';
import { PortLostError } from '../../harness/link/types.js';
import { busyFor, inCheckPhase } from './busy-loop.js';

describe('receive queue (deadline-bound reads on a ManualClock)', () => {
  it('resolves a read as soon as n bytes are there, not at the deadline', async () => {
    const clock = new ManualClock();
    const q = new ReceiveQueue(clock);
    const read = q.read(2, 100);
    clock.advance(10);
    q.push(Uint8Array.of(1));
    clock.advance(5);
    q.push(Uint8Array.of(2, 3));
    expect(Array.from(await read)).to.deep.equal([1, 2]);
    expect(clock.now()).to.equal(15);
    expect(Array.from(q.takeAll())).to.deep.equal([3]);
    expect(q.firstByteAt).to.equal(10);
  });

  it('returns what came (maybe nothing) at the deadline', async () => {
    const clock = new ManualClock();
    const q = new ReceiveQueue(clock);
    const read = q.read(4, 100);
    q.push(Uint8Array.of(9));
    clock.advance(100);
    expect(Array.from(await read)).to.deep.equal([9]);
    const empty = q.read(1, 50);
    clock.advance(50);
    expect((await empty).length).to.equal(0);
  });

  it('readUntilQuiet waits for a quiet gap, or gives up at maxMs under a steady stream', async () => {
    const clock = new ManualClock();
    const q = new ReceiveQueue(clock);
    const quiet = q.readUntilQuiet(10, 1000);
    q.push(Uint8Array.of(1));
    clock.advance(5);
    q.push(Uint8Array.of(2));
    clock.advance(10);
    expect(Array.from(await quiet)).to.deep.equal([1, 2]);
    const steady = q.readUntilQuiet(10, 100);
    for (let t = 0; t < 150; t += 5) {
      q.push(Uint8Array.of(t & 0xff));
      clock.advance(5);
    }
    expect((await steady).length).to.equal(20);
  });

  it('drops the oldest bytes beyond its bound and counts them', () => {
    const q = new ReceiveQueue(new ManualClock(), 8);
    q.push(Uint8Array.of(1, 2, 3, 4, 5));
    q.push(Uint8Array.of(6, 7, 8, 9, 10, 11));
    q.push(new Uint8Array(20).fill(0xee));
    expect(q.receivedCount).to.equal(31);
    expect(q.droppedCount).to.equal(23);
    expect(Array.from(q.takeAll())).to.deep.equal(new Array(8).fill(0xee));
  });

  it('rejects pending and later reads once lost', async () => {
    const q = new ReceiveQueue(new ManualClock());
    const pending = q.read(1, 100);
    const quiet = q.readUntilQuiet(10, 100);
    q.lose('ENODEV');
    for (const p of [pending, quiet, q.read(1, 1)]) {
      const error = await p.then(() => null, (e) => e);
      expect(error).to.be.instanceOf(PortLostError);
    }
  });
});

describe('receive queue on the real clock: deadlines judged on what reached the port', () => {
  // The byte reaches the port while the process is busy; it is delivered on the loop's next turn, after the
  // read's deadline timer (Node runs expired timers before it polls for I/O).
  it('a deadline the busy event loop runs late still takes bytes that were waiting to be delivered', async () => {
    await inCheckPhase();
    const q = new ReceiveQueue(realClock);
    const read = q.read(1, 5);
    setImmediate(() => q.push(Uint8Array.of(0x79)));
    busyFor(40);
    expect(Array.from(await read)).to.deep.equal([0x79]);
  });

  it('a deadline run late waits longer for a delivery the busy machine makes slowly', async () => {
    // The binding's read of a byte that reached the port during the stall only starts once the process runs again,
    // and on a loaded machine it comes back from the thread pool some milliseconds later, past PENDING_IO_MS.
    await inCheckPhase();
    const q = new ReceiveQueue(realClock);
    const read = q.read(1, 5);
    setImmediate(() => setTimeout(() => q.push(Uint8Array.of(0x79)), 3 * PENDING_IO_MS));
    busyFor(40);
    expect(Array.from(await read)).to.deep.equal([0x79]);
  });

  it('a quiet wait the busy event loop ends late still takes bytes that were waiting to be delivered', async () => {
    await inCheckPhase();
    const q = new ReceiveQueue(realClock);
    const quiet = q.readUntilQuiet(5, 200);
    q.push(Uint8Array.of(0x41));
    setImmediate(() => q.push(Uint8Array.of(0x42)));
    busyFor(40);
    expect(Array.from(await quiet)).to.deep.equal([0x41, 0x42]);
  });

  it('still returns what came, possibly nothing, when nothing was waiting', async () => {
    const q = new ReceiveQueue(realClock);
    const read = q.read(2, 5);
    q.push(Uint8Array.of(1));
    expect(Array.from(await read)).to.deep.equal([1]);
    expect((await q.read(1, 5)).length).to.equal(0);
  });
});

describe('receive queue arrival times', () => {
  it('keeps when each chunk arrived and says when the bytes a read returned came', async () => {
    const clock = new ManualClock();
    const q = new ReceiveQueue(clock);
    clock.advance(10);
    q.push(Uint8Array.of(1, 2));
    clock.advance(5);
    q.push(Uint8Array.of(3), 12);
    expect(Array.from(await q.read(1, 10))).to.deep.equal([1]);
    expect(q.lastRead).to.deep.equal({ first: 10, last: 10 });
    expect(Array.from(await q.read(2, 10))).to.deep.equal([2, 3]);
    expect(q.lastRead).to.deep.equal({ first: 10, last: 12 });
    const none = q.read(1, 10);
    clock.advance(10);
    expect((await none).length).to.equal(0);
    expect(q.lastRead).to.equal(null);
  });
});

describe('memory link', () => {
  it('records tx and rx in the transcript and reports loss', async () => {
    const clock = new ManualClock();
    const sent: number[] = [];
    const link = new MemoryLink({ clock, send: (b) => sent.push(...b) });
    await link.write(Uint8Array.of(0xa0));
    clock.advance(1);
    link.deliver(Uint8Array.of(0x5f));
    expect(Array.from(await link.read(1, 10))).to.deep.equal([0x5f]);
    expect(sent).to.deep.equal([0xa0]);
    expect(link.transcript.map((e) => [e.kind, e.t])).to.deep.equal([
      ['tx', 0],
      ['rx', 1000],
    ]);
    link.vanish('unplugged');
    expect(link.lost).to.equal(true);
    const error = await link.write(Uint8Array.of(1)).then(() => null, (e) => e);
    expect(error).to.be.instanceOf(PortLostError);
  });
});
