/**
 * The Firmata backend end to end: johnny-five + firmata-io on the real serialport binding, talking to the fake
 * StandardFirmata served on a pseudo-terminal. The pty server paces bytes like a 57600-baud UART, so pin levels
 * change a little after set() resolves (set() waits for the bytes to leave the host): assertions wait for them.
 */
import { expect } from 'chai';
import type { RelayBoard } from '../../harness/config/types.js';
import { InfrastructureError, InputError } from '../../harness/core/exit-codes.js';
import { FirmataRelayBackend } from '../../harness/pins/firmata.js';
import { servePty, type PtyServer } from '../../firmware-stubs/pty/index.js';
import { FakeStandardFirmata, PIN_MODE } from '../../firmware-stubs/relays/index.js';
import { eventually, firmataBoard, ptyLink } from './fixtures.js';

const BAUD = 57600;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('pins: Firmata relay board (johnny-five over a pty)', function () {
  this.timeout(20_000);
  let fake: FakeStandardFirmata;
  let server: PtyServer;
  const backends: FirmataRelayBackend[] = [];

  function backend(board: RelayBoard, readyTimeoutMs?: number): FirmataRelayBackend {
    const created = new FirmataRelayBackend(board, { path: server.link, readyTimeoutMs });
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

  it('fails to open a port that does not exist with an InfrastructureError', async () => {
    const missing = new FirmataRelayBackend(firmataBoard('active-high', [{ n: 1, pin: 7, safe: 'open' }]), {
      path: '/dev/does-not-exist-shakedown',
    });
    const error = await rejection(missing.open());
    expect(error).to.be.instanceOf(InfrastructureError);
    expect((error as Error).message).to.match(/rb1: cannot open \/dev\/does-not-exist-shakedown/);
  });
});
