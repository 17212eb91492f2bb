import { expect } from 'chai';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { MockBindingInterface, MockPortBinding } from '@serialport/binding-mock' with { 'resolution-mode': 'require' };
import { autoDetect } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';
import type { SerialSettings } from '../../harness/config/types.js';
import { realClock } from '../../harness/core/clock.js';
import type { TranscriptEvent } from '../../harness/core/record.js';
import { Transcript } from '../../harness/core/transcript.js';
import { openSerialLink, PortOpenError, toOpenError, type SerialLinkOptions } from '../../harness/link/serial-link.js';
import { PortLostError } from '../../harness/link/types.js';
import { busyFor, inCheckPhase } from './busy-loop.js';
import { ptyPair, type PtyPair } from './pty.js';

// The package's ESM entry has no typings; load its CommonJS build with the types that come with it.
const { MockBinding } = createRequire(import.meta.url)('@serialport/binding-mock') as { MockBinding: MockBindingInterface };

const serial: SerialSettings = { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Binding = SerialLinkOptions['binding'];

/** MockBinding, keeping hold of the port it opens so a test can feed it data. */
function mockBinding(): { binding: Binding; port: () => MockPortBinding } {
  let opened: MockPortBinding | undefined;
  const binding = {
    ...MockBinding,
    list: () => MockBinding.list(),
    async open(options: Parameters<typeof MockBinding.open>[0]) {
      opened = await MockBinding.open(options);
      return opened;
    },
  } as unknown as Binding;
  return { binding, port: () => opened! };
}

function assertOrdered(events: TranscriptEvent[]): void {
  for (let i = 1; i < events.length; i++) expect(events[i]!.t, `event ${i}`).to.be.at.least(events[i - 1]!.t);
}

describe('serial link over @serialport/stream with MockBinding', () => {
  beforeEach(() => {
    MockBinding.reset();
    MockBinding.createPort('/dev/ttyMOCK0', { echo: false, record: true });
  });

  it('delivers bytes to a reader at once, and records tx/rx bursts with ordered µs times', async () => {
    const { binding, port } = mockBinding();
    const transcript = new Transcript(realClock);
    const link = await openSerialLink({ binding, path: '/dev/ttyMOCK0', serial, clock: realClock, transcript, burstGapMs: 50 });
    await link.write(Uint8Array.of(0x7f));
    expect(port().recording.toString('hex')).to.equal('7f');
    const reading = link.read(1, 1000);
    port().emitData(Buffer.from([0x79]));
    const got = await reading;
    expect(Array.from(got)).to.deep.equal([0x79]);
    // The reader had its byte long before the burst gap closed the transcript entry.
    expect(transcript.events.filter((e) => e.kind === 'rx')).to.have.length(0);
    port().emitData(Buffer.from([0x01, 0x02]));
    await sleep(5);
    port().emitData(Buffer.from([0x03]));
    await sleep(120);
    await link.write(Uint8Array.of(0x00, 0xff));
    await link.close();
    const wire = transcript.events.filter((e) => e.kind !== 'note');
    expect(wire.map((e) => `${e.kind}:${(e as { data: string }).data}`)).to.deep.equal(['tx:7F', 'rx:79 01 02 03', 'tx:00 FF']);
    assertOrdered(transcript.events);
    expect(link.receivedCount).to.equal(4);
    expect(link.firstByteAt).to.be.a('number');
  });

  it('stays bounded under a flood: counts everything, keeps the newest bytes', async () => {
    const { binding, port } = mockBinding();
    const transcript = new Transcript(realClock);
    const link = await openSerialLink({ binding, path: '/dev/ttyMOCK0', serial, clock: realClock, transcript, maxBufferBytes: 1024 });
    const flood = Buffer.alloc(200_000, 0x55);
    flood[flood.length - 1] = 0xaa;
    for (let i = 0; i < 20; i++) port().emitData(flood.subarray(i * 10_000, (i + 1) * 10_000));
    for (let i = 0; i < 50 && link.receivedCount < flood.length; i++) await sleep(5);
    expect(link.receivedCount).to.equal(200_000);
    expect(link.droppedCount).to.equal(200_000 - 1024);
    const kept = link.takePending();
    expect(kept.length).to.equal(1024);
    expect(kept[kept.length - 1]).to.equal(0xaa);
    await link.close();
    const recorded = transcript.events.filter((e) => e.kind === 'rx').reduce((n, e) => n + (e as { data: string }).data.split(' ').length, 0);
    expect(recorded).to.equal(1024);
    expect(transcript.events.some((e) => e.kind === 'note' && /not recorded/.test(e.text))).to.equal(true);
  });

  it('readUntilQuiet returns what came until the line was quiet', async () => {
    const { binding, port } = mockBinding();
    const link = await openSerialLink({ binding, path: '/dev/ttyMOCK0', serial, clock: realClock, transcript: new Transcript(realClock) });
    const quiet = link.readUntilQuiet(40, 2000);
    port().emitData(Buffer.from('RE'));
    await sleep(10);
    port().emitData(Buffer.from('ADY'));
    expect(Buffer.from(await quiet).toString()).to.equal('READY');
    await link.close();
  });

  it('a read with nothing coming resolves empty at its deadline', async () => {
    const { binding } = mockBinding();
    const link = await openSerialLink({ binding, path: '/dev/ttyMOCK0', serial, clock: realClock, transcript: new Transcript(realClock) });
    expect((await link.read(4, 20)).length).to.equal(0);
    await link.close();
  });

  it('a port that errors is lost: pending and later reads and writes reject with PortLostError', async () => {
    const { binding, port } = mockBinding();
    const transcript = new Transcript(realClock);
    const link = await openSerialLink({ binding, path: '/dev/ttyMOCK0', serial, clock: realClock, transcript });
    const pending = link.read(1, 5000);
    // The next read of the binding fails like a read on an unplugged adapter.
    const p = port();
    p.read = async () => {
      throw new Error('EIO: i/o error');
    };
    p.emitData(Buffer.from([]));
    p.emitData(Buffer.from([0x10]));
    let error: unknown;
    try {
      await pending;
      await link.read(1, 5000);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(PortLostError);
    expect(link.lost).to.equal(true);
    await link.read(1, 10).then(
      () => expect.fail('read after loss must reject'),
      (e) => expect(e).to.be.instanceOf(PortLostError),
    );
    await link.write(Uint8Array.of(1)).then(
      () => expect.fail('write after loss must reject'),
      (e) => expect(e).to.be.instanceOf(PortLostError),
    );
    await link.close();
    await link.close(); // idempotent
  });

  it('setLines passes DTR/RTS through, keeping the line not named', async () => {
    const { binding, port } = mockBinding();
    const link = await openSerialLink({ binding, path: '/dev/ttyMOCK0', serial, clock: realClock, transcript: new Transcript(realClock) });
    const calls: unknown[] = [];
    const p = port();
    const set = p.set.bind(p);
    p.set = async (options) => {
      calls.push({ dtr: options.dtr, rts: options.rts });
      return set(options);
    };
    await link.setLines({ dtr: false });
    await link.setLines({ rts: false });
    expect(calls).to.deep.equal([
      { dtr: false, rts: true },
      { dtr: false, rts: false },
    ]);
    await link.close();
  });

  it('open errors become PortOpenError with the OS code', async () => {
    const { binding } = mockBinding();
    const missing = await openSerialLink({ binding, path: '/dev/ttyNOPE', serial, clock: realClock, transcript: new Transcript(realClock) }).catch((e) => e);
    expect(missing).to.be.instanceOf(PortOpenError);
    expect(missing.code).to.equal('ENOENT');
    const first = await openSerialLink({ binding, path: '/dev/ttyMOCK0', serial, clock: realClock, transcript: new Transcript(realClock) });
    const busy = await openSerialLink({ binding, path: '/dev/ttyMOCK0', serial, clock: realClock, transcript: new Transcript(realClock) }).catch((e) => e);
    expect(busy).to.be.instanceOf(PortOpenError);
    expect(busy.code).to.equal('EBUSY');
    await first.close();
    expect(toOpenError(new Error('Error: Permission denied, cannot open /dev/ttyUSB0'), '/dev/ttyUSB0').code).to.equal('EACCES');
    expect(toOpenError(Object.assign(new Error('nope'), { code: 'EBUSY' }), '/dev/ttyUSB0').code).to.equal('EBUSY');
  });
});

describe('serial link over a real pty with the hardware binding', function () {
  this.timeout(20_000);
  let pty: PtyPair;
  const binding = autoDetect() as unknown as Binding;

  beforeEach(async () => {
    pty = await ptyPair();
  });
  afterEach(() => pty.dispose());

  /** The far end of the pair, as the device would hold it. */
  async function farEnd(): Promise<SerialPortStream> {
    const stream = new SerialPortStream({ binding, path: pty.b, baudRate: 115200, autoOpen: false });
    stream.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => stream.open((e) => (e ? reject(e) : resolve())));
    return stream;
  }

  it('carries bytes both ways with ordered timestamps', async () => {
    const transcript = new Transcript(realClock);
    const link = await openSerialLink({ binding, path: pty.a, serial, clock: realClock, transcript });
    const device = await farEnd();
    device.on('data', (chunk: Buffer) => {
      if (chunk.includes(0xa0)) device.write(Buffer.from([0x5f]));
    });
    for (const byte of [0xa0, 0xa0, 0xa0]) {
      await link.write(Uint8Array.of(byte));
      expect(Array.from(await link.read(1, 2000))).to.deep.equal([0x5f]);
    }
    await sleep(30); // longer than the burst gap: 'hello' is a burst of its own
    device.write(Buffer.from('hello'));
    expect(Buffer.from(await link.read(5, 2000)).toString()).to.equal('hello');
    await link.close();
    await new Promise<void>((r) => device.close(() => r()));
    const wire = transcript.events.filter((e) => e.kind === 'tx' || e.kind === 'rx');
    expect(wire.map((e) => e.kind)).to.deep.equal(['tx', 'rx', 'tx', 'rx', 'tx', 'rx', 'rx']);
    assertOrdered(transcript.events);
    expect(wire.every((e) => Number.isInteger(e.t) && e.t >= 0)).to.equal(true);
    expect(link.firstByteAt).to.be.a('number');
  });

  it('stays bounded when the device floods', async () => {
    const transcript = new Transcript(realClock);
    const link = await openSerialLink({ binding, path: pty.a, serial, clock: realClock, transcript, maxBufferBytes: 4096 });
    const device = await farEnd();
    const chunk = Buffer.alloc(16 * 1024, 0x41);
    for (let i = 0; i < 8; i++) device.write(chunk);
    await new Promise<void>((r) => device.drain(() => r()));
    for (let i = 0; i < 200 && link.receivedCount < 8 * chunk.length; i++) await sleep(10);
    expect(link.receivedCount).to.equal(8 * chunk.length);
    expect(link.takePending().length).to.be.at.most(4096);
    expect(link.droppedCount).to.be.at.least(8 * chunk.length - 4096);
    await link.close();
    await new Promise<void>((r) => device.close(() => r()));
  });

  it('a read whose deadline a busy process runs late still gets the bytes that reached the port in time', async () => {
    const link = await openSerialLink({ binding, path: pty.a, serial, clock: realClock, transcript: new Transcript(realClock) });
    const device = openSync(pty.b, constants.O_RDWR | constants.O_NOCTTY);
    try {
      await inCheckPhase();
      const reading = link.read(1, 5);
      writeSync(device, Buffer.from([0x79]));
      busyFor(200); // the answer reaches the port (socat copies it) while the process works; its deadline timer runs first
      expect(Array.from(await reading)).to.deep.equal([0x79]);
    } finally {
      closeSync(device);
      await link.close();
    }
  });

  it('raises PortLostError when the port vanishes mid-read', async () => {
    const transcript = new Transcript(realClock);
    const link = await openSerialLink({ binding, path: pty.a, serial, clock: realClock, transcript });
    const pending = link.read(1, 10_000);
    setTimeout(() => pty.kill(), 50);
    const error = await pending.then(() => null, (e) => e);
    expect(error).to.be.instanceOf(PortLostError);
    expect(link.lost).to.equal(true);
    expect(transcript.events.some((e) => e.kind === 'note' && /vanished|error|closed/.test(e.text))).to.equal(true);
    await link.close();
  });

  it('maps open failures: ENOENT for a missing path, EBUSY for a port held open', async () => {
    const missing = await openSerialLink({ binding, path: pty.a + '-missing', serial, clock: realClock, transcript: new Transcript(realClock) }).catch((e) => e);
    expect(missing).to.be.instanceOf(PortOpenError);
    expect(missing.code).to.equal('ENOENT');
    const held = await openSerialLink({ binding, path: pty.a, serial, clock: realClock, transcript: new Transcript(realClock) });
    const busy = await openSerialLink({ binding, path: pty.a, serial, clock: realClock, transcript: new Transcript(realClock) }).catch((e) => e);
    expect(busy).to.be.instanceOf(PortOpenError);
    expect(busy.code).to.equal('EBUSY');
    await held.close();
  });
});
