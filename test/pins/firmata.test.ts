/**
 * The Firmata backend end to end: johnny-five + firmata-io on the real serialport binding, talking to the fake
 * StandardFirmata served on a pseudo-terminal. The pty server paces bytes like a 57600-baud UART, so pin levels
 * change a little after set() resolves (set() waits for the bytes to leave the host): assertions wait for them.
 */
import { expect } from 'chai';
import type { RelayBoard } from '../../harness/config/types.js';
import { InfrastructureError, InputError } from '../../harness/core/exit-codes.js';
import { FirmataRelayBackend, type FirmataBackendOptions } from '../../harness/pins/firmata/backend.js';
import { openHardwarePort, type OpenPort } from '../../harness/pins/open-serial.js';
import { servePty, type PtyServer } from '../../firmware-stubs/pty/index.js';
import { FakeStandardFirmata, PIN_MODE, type FirmataVersion, type PinLevelChange } from '../../firmware-stubs/relays/index.js';
import { eventually, firmataBoard, ptyLink, rejection } from './fixtures.js';

const BAUD = 57600;
/** Line time of one byte at 57600 8N1 (start, 8 data, stop bits), in ms. */
const BYTE_MS = 10_000 / BAUD;

/** An opener of the real port that keeps every write() the backend makes on it, in order. */
function recordingOpener(writes: Buffer[]): OpenPort {
  return async (options) => {
    const port = await openHardwarePort(options);
    const write = port.write.bind(port) as (chunk: Buffer, ...rest: unknown[]) => boolean;
    port.write = ((chunk: Buffer, ...rest: unknown[]) => {
      writes.push(Buffer.from(chunk));
      return write(chunk, ...rest);
    }) as typeof port.write;
    return port;
  };
}

/** Which write (index) carried the byte at this position of the board's received bytes (1-based, after `base`). */
function writeHolding(writes: Buffer[], base: number, position: number): number {
  let end = base;
  for (let i = 0; i < writes.length; i++) {
    end += writes[i]!.length;
    if (position <= end) return i;
  }
  throw new Error(`byte ${position} was never written`);
}

describe('pins: Firmata relay board (johnny-five over a pty)', function () {
  this.timeout(20_000);
  let fake: FakeStandardFirmata;
  let server: PtyServer;
  const backends: FirmataRelayBackend[] = [];

  function backend(board: RelayBoard, readyTimeoutMs?: number, options: Partial<FirmataBackendOptions> = {}): FirmataRelayBackend {
    const created = new FirmataRelayBackend(board, { path: server.link, readyTimeoutMs, ...options });
    backends.push(created);
    return created;
  }

  beforeEach(async () => {
    fake = new FakeStandardFirmata({ bootMs: 20 });
    server = await servePty(fake, { link: ptyLink('firmata'), baud: BAUD });
  });

  afterEach(async () => {
    for (const created of backends.splice(0)) await created.close();
    await server.close();
  });

  it('active-low board (NC): safe states at open, set() drives the right pins at the right levels', async () => {
    const board = firmataBoard('active-low', [
      { n: 1, pin: 7, safe: 'open' },
      { n: 2, pin: 8, safe: 'closed' },
      { n: 3, pin: 16, safe: 'open' },
    ]);
    const [ch1, ch2, ch3] = board.channels as [RelayBoard['channels'][0], RelayBoard['channels'][0], RelayBoard['channels'][0]];
    const relays = backend(board);
    await relays.open();
    // Open = input HIGH on an active-low board; the analog pin A2 was made an output first.
    await eventually(() => fake.level(7) === 1 && fake.level(16) === 1);
    expect(fake.level(8)).to.equal(0);
    expect(fake.mode(16)).to.equal(PIN_MODE.OUTPUT);
    expect(await relays.read(ch1)).to.equal(false);
    expect(await relays.read(ch2)).to.equal(true);

    const before = fake.log.length;
    await relays.set([
      { channel: ch1, closed: true },
      { channel: ch2, closed: false },
    ]);
    await eventually(() => fake.level(7) === 0 && fake.level(8) === 1);
    expect(await relays.read(ch1)).to.equal(true);
    expect(await relays.read(ch2)).to.equal(false);
    const changed = fake.log.slice(before).map((entry) => [entry.pin, entry.level]);
    expect(changed).to.deep.equal([
      [7, 0],
      [8, 1],
    ]);

    await relays.set([{ channel: ch3, closed: true }]);
    await eventually(() => fake.level(16) === 0);
    // Pins of no channel keep their boot level.
    expect(fake.levels().filter((_, pin) => ![7, 8, 16].includes(pin))).to.deep.equal([
      null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null, null, null,
    ]);

    await relays.safe();
    await eventually(() => fake.level(7) === 1 && fake.level(8) === 0 && fake.level(16) === 1);
  });

  it('active-high board (NO): safe closed drives HIGH, open LOW', async () => {
    const board = firmataBoard('active-high', [
      { n: 1, pin: 4, safe: 'closed' },
      { n: 2, pin: 5, safe: 'open' },
    ]);
    const [ch1, ch2] = board.channels as [RelayBoard['channels'][0], RelayBoard['channels'][0]];
    const relays = backend(board);
    await relays.open();
    await eventually(() => fake.level(4) === 1);
    expect(fake.level(5)).to.equal(0);
    await relays.set([
      { channel: ch1, closed: false },
      { channel: ch2, closed: true },
    ]);
    await eventually(() => fake.level(4) === 0 && fake.level(5) === 1);
    expect(await relays.read(ch2)).to.equal(true);

    // A change naming a channel of another board is refused before anything is written.
    const handled = fake.messagesHandled;
    const foreign = { ...ch1, id: 'rb9.1', board: 'rb9' };
    const error = await rejection(relays.set([{ channel: ch1, closed: true }, { channel: foreign, closed: true }]));
    expect(error).to.be.instanceOf(InputError);
    // A later change arrives after anything the refused call could have sent: only its own message got through.
    await relays.set([{ channel: ch2, closed: false }]);
    await eventually(() => fake.level(5) === 0);
    expect(fake.messagesHandled).to.equal(handled + 1);
    expect(fake.level(4)).to.equal(0);
  });

  it('a lost board (pty killed) fires onLost; safe() does not throw; set() fails; close() is idempotent', async () => {
    const board = firmataBoard('active-low', [{ n: 1, pin: 7, safe: 'open' }]);
    const relays = backend(board);
    const losses: Error[] = [];
    relays.onLost((error) => losses.push(error));
    await relays.open();
    await server.close();
    await eventually(() => losses.length === 1);
    expect(losses[0]).to.be.instanceOf(InfrastructureError);
    expect(losses[0]!.message).to.match(/rb1 lost/);
    await relays.safe();
    const error = await rejection(relays.set([{ channel: board.channels[0]!, closed: true }]));
    expect(error).to.be.instanceOf(InfrastructureError);
    expect(await rejection(relays.probe())).to.be.instanceOf(InfrastructureError);
    expect(await relays.read(board.channels[0]!)).to.equal(undefined);
    await relays.close();
    await relays.close();
    expect(losses).to.have.length(1);
  });

  it('notices a relay-board restart (every pin LOW again) and safe() restores the safe states', async () => {
    const board = firmataBoard('active-low', [{ n: 1, pin: 7, safe: 'open' }]);
    const relays = backend(board);
    const losses: Error[] = [];
    relays.onLost((error) => losses.push(error));
    await relays.open();
    await eventually(() => fake.level(7) === 1);
    fake.reset();
    await eventually(() => losses.length === 1);
    expect(losses[0]!.message).to.match(/restarted/);
    expect(fake.level(7)).to.equal(0); // relay energised by the firmware's boot state
    await relays.safe();
    await eventually(() => fake.level(7) === 1);
  });

  it('reports a board that never answers as an InfrastructureError, and a pin it cannot drive as an InputError', async () => {
    fake.setPower(false);
    const silent = backend(firmataBoard('active-high', [{ n: 1, pin: 7, safe: 'open' }]), 800);
    const timeout = await rejection(silent.open());
    expect(timeout).to.be.instanceOf(InfrastructureError);
    expect((timeout as Error).message).to.match(/no Firmata answer/);

    fake.setPower(true);
    const badPin = backend(firmataBoard('active-high', [{ n: 1, pin: 1, safe: 'open' }]));
    const error = await rejection(badPin.open());
    expect(error).to.be.instanceOf(InputError);
    expect((error as Error).message).to.match(/pin 1/);

    // Both released the port: a correct board opens fine afterwards.
    const good = backend(firmataBoard('active-high', [{ n: 1, pin: 7, safe: 'closed' }]));
    await good.open();
    await eventually(() => fake.level(7) === 1);
  });

  it('probe() is answered by running firmware, and rejects once the firmware hangs with its port still open', async () => {
    const board = firmataBoard('active-low', [{ n: 1, pin: 7, safe: 'open' }]);
    const relays = backend(board, undefined, { answerTimeoutMs: 300 });
    const losses: Error[] = [];
    relays.onLost((error) => losses.push(error));
    await relays.open();
    await relays.probe();
    fake.hang();
    const error = await rejection(relays.probe());
    expect(error).to.be.instanceOf(InfrastructureError);
    expect((error as Error).message).to.match(
      /^relay board rb1 \(Firmata on .+\) stopped answering: no answer to a pin-state query of pin 7 within 300 ms; its port is still open$/,
    );
    expect(losses).to.deep.equal([]); // nothing else would have noticed
  });

  it('probe() rejects when the board answers that a channel pin is no longer what it was set to', async () => {
    const board = firmataBoard('active-low', [{ n: 1, pin: 7, safe: 'open' }]);
    const relays = backend(board);
    await relays.open();
    await eventually(() => fake.level(7) === 1);
    fake.receive(Uint8Array.of(0x90, 0x00, 0x00)); // another client drove port 0 LOW
    const error = await rejection(relays.probe());
    expect(error).to.be.instanceOf(InfrastructureError);
    expect((error as Error).message).to.match(/pin 7 is in mode 1 at 0, not the output at 1 it was set to/);
  });

  it('fails to open a port that does not exist with an InfrastructureError', async () => {
    const missing = new FirmataRelayBackend(firmataBoard('active-high', [{ n: 1, pin: 7, safe: 'open' }]), {
      path: '/dev/does-not-exist-shakedown',
    });
    const error = await rejection(missing.open());
    expect(error).to.be.instanceOf(InfrastructureError);
    expect((error as Error).message).to.match(/rb1: cannot open \/dev\/does-not-exist-shakedown/);
  });
});

describe('pins: connecting to a Firmata relay board moves no contact', function () {
  this.timeout(20_000);
  let fake: FakeStandardFirmata;
  let server: PtyServer;
  let relays: FirmataRelayBackend | undefined;

  async function serve(version: FirmataVersion): Promise<void> {
    fake = new FakeStandardFirmata({ bootMs: 0, version });
    server = await servePty(fake, { link: ptyLink('firmata-connect'), baud: BAUD });
  }

  /** Connects, and returns what the board logged meanwhile with the writes that carried it. */
  async function connect(board: RelayBoard): Promise<{ changes: PinLevelChange[]; writes: Buffer[]; base: number }> {
    const writes: Buffer[] = [];
    relays = new FirmataRelayBackend(board, { path: server.link, openPort: recordingOpener(writes) });
    const base = fake.rxBytes;
    const before = fake.log.length;
    await relays.open();
    const written = writes.reduce((n, w) => n + w.length, 0);
    await eventually(() => fake.rxBytes === base + written); // the pty paces bytes like a UART
    return { changes: fake.log.slice(before), writes, base };
  }

  afterEach(async () => {
    await relays?.close();
    relays = undefined;
    await server.close();
  });

  for (const polarity of ['active-low', 'active-high'] as const) {
    it(`${polarity}: a running board keeps every level, of its channels and of the other pins of their ports`, async () => {
      await serve('2.4');
      // What an earlier run left: channel pins 4, 9, 16 HIGH and 7 LOW, and pins 5, 6 and 10 (not channels) HIGH.
      fake.receive(Uint8Array.of(0x90, 0x70, 0x00, 0x91, 0x06, 0x00, 0xf4, 16, PIN_MODE.OUTPUT, 0x92, 0x01, 0x00));
      const levels = fake.levels();
      const high = polarity === 'active-low' ? 'open' : 'closed';
      const low = polarity === 'active-low' ? 'closed' : 'open';
      const board = firmataBoard(polarity, [
        { n: 1, pin: 4, safe: high },
        { n: 2, pin: 7, safe: low },
        { n: 3, pin: 9, safe: high },
        { n: 4, pin: 16, safe: high },
      ]);
      const { changes } = await connect(board);
      expect(changes).to.deep.equal([]);
      expect(fake.levels()).to.deep.equal(levels);
      for (const channel of board.channels) expect(await relays!.read(channel)).to.equal(channel.safe === 'closed');
    });
  }

  for (const version of ['2.4', '2.5'] as const) {
    it(`firmware ${version}: a pin that is not yet an output gets its level in the same write as its mode`, async () => {
      await serve(version);
      // Pin 7 an input, pin 8 an input with its pull-up on, pin 16 an analog input (as after boot).
      fake.receive(Uint8Array.of(0xf4, 7, PIN_MODE.INPUT, 0xf4, 8, PIN_MODE.INPUT, 0x91, 0x01, 0x00));
      const board = firmataBoard('active-low', [
        { n: 1, pin: 7, safe: 'open' },
        { n: 2, pin: 8, safe: 'closed' },
        { n: 3, pin: 16, safe: 'open' },
      ]);
      const target: Record<number, 0 | 1> = { 7: 1, 8: 0, 16: 1 };
      const { changes, writes, base } = await connect(board);
      for (const [pin, level] of Object.entries(target)) {
        expect(fake.level(Number(pin)), `pin ${pin}`).to.equal(level);
        expect(fake.mode(Number(pin))).to.equal(PIN_MODE.OUTPUT);
      }
      expect(changes.every((c) => c.pin in target), 'no other pin moved').to.equal(true);
      // A pin meant to be LOW is never HIGH on the way.
      expect(changes.filter((c) => target[c.pin] === 0 && c.level === 1)).to.deep.equal([]);
      const pulses = changes.filter((c) => target[c.pin] === 1 && c.level === 0);
      if (version === '2.5') expect(pulses, 'from 2.5.4 on the level is written before the mode').to.deep.equal([]);
      else expect(pulses.map((c) => c.pin)).to.deep.equal([7, 16]); // 2.4 drives LOW on OUTPUT: unavoidable
      for (const low of pulses) {
        const back = changes.find((c) => c.pin === low.pin && c.level === 1 && c.rxBytes > low.rxBytes)!;
        // Both ends in one write: back to back on the wire, so the bytes between them are the pulse's length.
        expect(writeHolding(writes, base, back.rxBytes)).to.equal(writeHolding(writes, base, low.rxBytes));
        const pulseMs = (back.rxBytes - low.rxBytes) * BYTE_MS;
        expect(pulseMs, `LOW pulse on pin ${low.pin}`).to.be.at.most(1);
      }
    });
  }
});
