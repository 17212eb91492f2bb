import { expect } from 'chai';
import { SerialPort } from 'serialport';
import type { RelayBoard } from '../../harness/config/types.js';
import { ManualClock } from '../../harness/core/clock.js';
import { InfrastructureError } from '../../harness/core/exit-codes.js';
import { LcusRelayBackend, lcusFrame } from '../../harness/pins/lcus.js';
import { servePty, type PtyServer } from '../../firmware-stubs/pty/index.js';
import { FakeLcusModule } from '../../firmware-stubs/relays/index.js';
import { eventually, lcusBoard, ptyLink } from './fixtures.js';

/** The fake module, also keeping every raw byte that reached it. */
class RecordingLcus extends FakeLcusModule {
  readonly raw: number[] = [];
  override receive(bytes: Uint8Array): void {
    this.raw.push(...bytes);
    super.receive(bytes);
  }
}

type Channel = RelayBoard['channels'][0];

describe('pins: LCUS relay module', () => {
  describe('fake module', () => {
    it('switches relays on valid frames, with the clock time of each', () => {
      const clock = new ManualClock();
      const module = new FakeLcusModule(4, { clock });
      clock.advance(10);
      module.receive(Uint8Array.of(0xa0, 0x01, 0x01, 0xa2, 0xa0, 0x03, 0x01));
      clock.advance(5);
      module.receive(Uint8Array.of(0xa4)); // the frame completes here
      expect(module.states()).to.deep.equal([true, false, true, false]);
      module.receive(Uint8Array.of(0xa0, 0x01, 0x00, 0xa1));
      expect(module.closed(1)).to.equal(false);
      expect(module.log).to.deep.equal([
        { at: 10, channel: 1, closed: true },
        { at: 15, channel: 3, closed: true },
        { at: 15, channel: 1, closed: false },
      ]);
    });

    it('ignores bad sums, unknown channels and states, and resynchronises after garbage', () => {
      const module = new FakeLcusModule(2);
      module.receive(Uint8Array.of(0xa0, 0x01, 0x01, 0xa3)); // bad sum
      module.receive(Uint8Array.of(0xa0, 0x03, 0x01, 0xa4)); // channel 3 of 2
      module.receive(Uint8Array.of(0xa0, 0x01, 0x02, 0xa3)); // state 2
      expect(module.states()).to.deep.equal([false, false]);
      expect(module.badFrames).to.equal(3);
      module.receive(Uint8Array.of(0x55, 0x13, 0xa0, 0xa0, 0x02, 0x01, 0xa3)); // noise, then a frame after a stray A0
      expect(module.states()).to.deep.equal([false, true]);
      expect(module.log).to.have.length(1);
    });
  });

  describe('backend on a pty (real binding)', function () {
    this.timeout(20_000);
    let module: RecordingLcus;
    let server: PtyServer;
    let backend: LcusRelayBackend | null = null;

    beforeEach(async () => {
      module = new RecordingLcus(4);
      server = await servePty(module, { link: ptyLink('lcus'), baud: 9600 });
    });

    afterEach(async () => {
      await backend?.close();
      backend = null;
      await server.close();
    });

    it('sends the exact frames: safe states at open, then one frame per change', async () => {
      const board = lcusBoard(['open', 'closed', 'open']);
      const [ch1, ch2, ch3] = board.channels as [Channel, Channel, Channel];
      backend = new LcusRelayBackend(board, { path: server.link });
      await backend.open();
      await eventually(() => module.raw.length === 12);
      expect(module.raw).to.deep.equal([0xa0, 1, 0, 0xa1, 0xa0, 2, 1, 0xa3, 0xa0, 3, 0, 0xa3]);
      expect(module.states()).to.deep.equal([false, true, false, false]);

      await backend.set([
        { channel: ch1, closed: true },
        { channel: ch2, closed: false },
      ]);
      await backend.set([{ channel: ch3, closed: true }]);
      await eventually(() => module.raw.length === 24);
      expect(module.raw.slice(12)).to.deep.equal([0xa0, 1, 1, 0xa2, 0xa0, 2, 0, 0xa2, 0xa0, 3, 1, 0xa4]);
      expect(module.states()).to.deep.equal([true, false, true, false]);
      expect(module.badFrames).to.equal(0);
      expect(await backend.read(ch1)).to.equal(undefined);
      expect([...lcusFrame(4, true)]).to.deep.equal([0xa0, 4, 1, 0xa5]);
    });

    it('bad frames written to the port leave the module as it was', async () => {
      const port = new SerialPort({ path: server.link, baudRate: 9600, autoOpen: false });
      port.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
      try {
        port.write(Buffer.from([0xa0, 0x01, 0x01, 0xa1, 0xa0, 0x02, 0x01, 0x00]));
        port.write(Buffer.from([0xa0, 0x04, 0x01, 0xa5]));
        await eventually(() => module.raw.length === 12);
        expect(module.states()).to.deep.equal([false, false, false, true]);
        expect(module.badFrames).to.equal(2);
      } finally {
        await new Promise<void>((resolve) => port.close(() => resolve()));
      }
    });

    it('a vanished module fires onLost; safe() does not throw; set() fails; close() twice is fine', async () => {
      const board = lcusBoard(['open']);
      backend = new LcusRelayBackend(board, { path: server.link });
      const losses: Error[] = [];
      backend.onLost((error) => losses.push(error));
      await backend.open();
      await server.close();
      await eventually(() => losses.length === 1);
      expect(losses[0]).to.be.instanceOf(InfrastructureError);
      await backend.safe();
      let error: unknown;
      try {
        await backend.set([{ channel: board.channels[0]!, closed: true }]);
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(InfrastructureError);
      await backend.close();
      await backend.close();
    });
  });
});
