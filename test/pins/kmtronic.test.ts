/** The KMTronic relay backend against a faithful fake board on a pseudo-terminal, through the real binding. */
import { expect } from 'chai';
import type { RelayBoard } from '../../harness/config/types.js';
import { InfrastructureError } from '../../harness/core/exit-codes.js';
import { KmtronicRelayBackend } from '../../harness/pins/kmtronic/backend.js';
import { openHardwarePort } from '../../harness/pins/open-serial.js';
import { servePty, type PtyServer } from '../../firmware-stubs/pty/index.js';
import { FakeKmtronicBoard } from './fake-kmtronic.js';
import { eventually, ptyLink, rejection } from './fixtures.js';

function kmtronicBoard(safe: Array<'open' | 'closed'>): RelayBoard {
  return {
    id: 'km1',
    driver: 'kmtronic',
    polarity: 'active-high',
    channels: safe.map((s, i) => ({ id: `km1.${i + 1}`, board: 'km1', channel: i + 1, safe: s })),
  };
}

describe('pins: KMTronic USB relay board, on a pty (real binding)', function () {
  this.timeout(20_000);
  let board: FakeKmtronicBoard;
  let server: PtyServer;
  let backend: KmtronicRelayBackend | null = null;

  const start = async (fake: FakeKmtronicBoard) => {
    board = fake;
    server = await servePty(board, { link: ptyLink('kmtronic'), baud: 9600 });
  };
  const connect = async (safe: Array<'open' | 'closed'>, answerTimeoutMs = 300) => {
    backend = new KmtronicRelayBackend(kmtronicBoard(safe), { path: server.link, openPort: openHardwarePort, answerTimeoutMs });
    await backend.open();
    return backend;
  };

  afterEach(async () => {
    await backend?.close();
    backend = null;
    await server.close();
  });

  it('connects without moving a contact: asks the states, then writes only the relays not in their safe state', async () => {
    await start(new FakeKmtronicBoard(4, [false, true, true, false]));
    await connect(['open', 'closed', 'open']);
    await eventually(() => board.raw.length === 6);
    expect(board.raw).to.deep.equal([0xff, 0x09, 0x00, 0xff, 3, 0]);
    expect(board.log).to.deep.equal([{ relay: 3, closed: false }]);
    expect(board.states()).to.deep.equal([false, true, false, false]);
  });

  it('sends one command per change, in one write, and reads the states back', async () => {
    await start(new FakeKmtronicBoard(8));
    const km = await connect(['open', 'open', 'open']);
    const [ch1, ch2, ch3] = km.board.channels as [RelayBoard['channels'][0], RelayBoard['channels'][0], RelayBoard['channels'][0]];
    await km.set([
      { channel: ch1, closed: true },
      { channel: ch3, closed: true },
    ]);
    await eventually(() => board.log.length === 2);
    expect(board.raw.slice(3)).to.deep.equal([0xff, 1, 1, 0xff, 3, 1]);
    expect(await km.read(ch1)).to.equal(true);
    expect(await km.read(ch2)).to.equal(false);
    await km.probe();
  });

  it('reads an answer that pauses mid-way (a loaded host, a USB adapter flushing in parts) as one answer', async () => {
    // The pause is longer than the quiet gap that ends a complete answer: only the channel count may end this one.
    await start(new FakeKmtronicBoard(4, [true, false, true, false], 120));
    const km = await connect(['closed', 'open', 'closed'], 1000);
    expect(await km.read(km.board.channels[2]!)).to.equal(true);
    expect(await km.read(km.board.channels[1]!)).to.equal(false);
    expect(board.log, 'already in their safe states: nothing written').to.deep.equal([]);
  });

  it('probe() reports a board that hangs with its port open, and one that restarted and dropped its states', async () => {
    await start(new FakeKmtronicBoard(4));
    const km = await connect(['open', 'open']);
    await km.set([{ channel: km.board.channels[0]!, closed: true }]);
    await eventually(() => board.log.length === 1);
    board.restart();
    const restarted = await rejection(km.probe());
    expect(restarted).to.be.instanceOf(InfrastructureError);
    expect(restarted.message).to.equal('relay board km1: relay 1 reads open, not the closed it was set to (the board no longer holds the contact states)');
    board.hang();
    const hung = await rejection(km.probe());
    expect(hung).to.be.instanceOf(InfrastructureError);
    expect(hung.message).to.match(/^relay board km1 \(KMTronic on .+\) stopped answering: no answer to the status query \(FF 09 00\) within 300 ms; its port is still open$/);
  });

  it('a board that never answers cannot be connected; a vanished one fires onLost and set() fails', async () => {
    const silent = new FakeKmtronicBoard(4);
    silent.hang();
    await start(silent);
    const error = await rejection(connect(['open']));
    expect(error).to.be.instanceOf(InfrastructureError);
    expect(error.message).to.match(/^relay board km1 \(KMTronic on .+\): no answer to the status query .* while connecting$/);
    await backend!.close();
    await server.close();

    await start(new FakeKmtronicBoard(4));
    const km = await connect(['open']);
    const losses: Error[] = [];
    km.onLost((lost) => losses.push(lost));
    await new Promise((resolve) => setTimeout(resolve, 100)); // the end of the status answer's read (a pty quirk)
    await server.close();
    await eventually(() => losses.length === 1);
    await km.safe();
    expect(await rejection(km.set([{ channel: km.board.channels[0]!, closed: true }]))).to.be.instanceOf(InfrastructureError);
  });
});
