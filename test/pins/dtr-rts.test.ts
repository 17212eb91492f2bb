import { SerialPortStream } from '@serialport/stream';
import { expect } from 'chai';
import { SerialPort } from 'serialport';
import { InfrastructureError } from '../../harness/core/exit-codes.js';
import { DtrRtsBackend, modemLinesOf } from '../../harness/pins/dtr-rts/backend.js';
import { openSocatPty, type SocatPty } from '../../firmware-stubs/pty/socat.js';
import { dtrRtsBoard, ptyLink } from './fixtures.js';
import { RecordingBinding, type RecordingPort } from './recording-binding.js';

async function openRecorded(): Promise<{ stream: SerialPortStream; port: RecordingPort }> {
  const binding = new RecordingBinding();
  const stream = new SerialPortStream({ binding, path: '/dev/ttyRECORDED0', baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => stream.open((error) => (error ? reject(error) : resolve())));
  return { stream, port: binding.ports[0]! };
}

function closeStream(stream: SerialPortStream): Promise<void> {
  return new Promise((resolve) => (stream.isOpen ? stream.close(() => resolve()) : resolve()));
}

/** The two lines of each recorded call (serialport fills the flags it was not given with defaults). */
function lines(port: RecordingPort): Array<{ dtr?: boolean; rts?: boolean }> {
  return port.sets.map(({ options }) => ({ dtr: options.dtr, rts: options.rts }));
}

describe('pins: DTR/RTS lines of the DUT adapter', () => {
  let stream: SerialPortStream;
  let port: RecordingPort;

  beforeEach(async () => {
    ({ stream, port } = await openRecorded());
  });

  afterEach(async () => {
    await closeStream(stream);
  });

  it('applies the safe state requested before the port was attached, in one call, when it is attached', async () => {
    const board = dtrRtsBoard('active-high', { dtr: 'open', rts: 'closed' });
    const backend = new DtrRtsBackend(board);
    await backend.open();
    expect(port.sets).to.have.length(0);
    await backend.attach(modemLinesOf(stream));
    expect(lines(port)).to.deep.equal([{ dtr: false, rts: true }]);
  });

  it('sends several changes as ONE call with both lines, keeping the line not named', async () => {
    const board = dtrRtsBoard('active-high', { dtr: 'open', rts: 'open' });
    const [dtr, rts] = board.channels as [typeof board.channels[0], typeof board.channels[0]];
    const backend = new DtrRtsBackend(board);
    await backend.open();
    await backend.attach(modemLinesOf(stream));
    await backend.set([
      { channel: dtr, closed: false },
      { channel: rts, closed: true },
    ]);
    await backend.set([{ channel: dtr, closed: true }]);
    await backend.set([{ channel: rts, closed: false }]);
    // The classic auto-reset sequence: EN low, then IO0 low with EN released, then both released.
    expect(lines(port)).to.deep.equal([
      { dtr: false, rts: false },
      { dtr: false, rts: true },
      { dtr: true, rts: true },
      { dtr: true, rts: false },
    ]);
    const times = port.sets.map((s) => s.at);
    expect([...times].sort((a, b) => a - b)).to.deep.equal(times);
  });

  it('inverts the lines on an active-low board', async () => {
    const board = dtrRtsBoard('active-low', { dtr: 'open', rts: 'closed' });
    const [dtr] = board.channels as [typeof board.channels[0]];
    const backend = new DtrRtsBackend(board);
    await backend.attach(modemLinesOf(stream));
    await backend.open();
    expect(lines(port)).to.deep.equal([{ dtr: true, rts: false }]);
    await backend.set([{ channel: dtr, closed: true }]);
    expect(lines(port)[1]).to.deep.equal({ dtr: false, rts: false });
  });

  it('refuses set() without an attached port and forgets line states when the port goes', async () => {
    const board = dtrRtsBoard('active-high', { dtr: 'open', rts: 'open' });
    const [dtr] = board.channels as [typeof board.channels[0]];
    const backend = new DtrRtsBackend(board);
    let error: unknown;
    try {
      await backend.set([{ channel: dtr, closed: true }]);
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(InfrastructureError);

    await backend.attach(modemLinesOf(stream));
    expect(port.sets).to.have.length(0); // no safe state was asked for
    await backend.set([{ channel: dtr, closed: true }]);
    // RTS was never set on this port: it is left out, and serialport sends its default (asserted, as after open).
    expect(lines(port)).to.deep.equal([{ dtr: true, rts: true }]);
    await backend.attach(null);
    await backend.safe(); // remembered
    const second = await openRecorded();
    try {
      await backend.attach(modemLinesOf(second.stream));
      expect(lines(second.port)).to.deep.equal([{ dtr: false, rts: false }]);
    } finally {
      await closeStream(second.stream);
    }
  });

  it('safe() does not throw when the adapter fails, and close() is idempotent', async () => {
    const board = dtrRtsBoard('active-high', { dtr: 'open', rts: 'open' });
    const backend = new DtrRtsBackend(board);
    await backend.attach(modemLinesOf(stream));
    port.failSet = new Error('device disconnected');
    await backend.safe();
    await closeStream(stream);
    await backend.safe();
    await backend.close();
    await backend.close();
    expect(port.sets).to.have.length(0);
  });

  describe('on a pseudo-terminal (real binding)', () => {
    let pty: SocatPty;
    let real: SerialPort;

    beforeEach(async () => {
      pty = await openSocatPty(ptyLink('dtr'));
      real = new SerialPort({ path: pty.link, baudRate: 115200, autoOpen: false });
      real.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => real.open((error) => (error ? reject(error) : resolve())));
    });

    afterEach(async () => {
      await closeStream(real);
      await pty.close();
    });

    it('turns the ENOTTY of the modem-line ioctl into a clear InfrastructureError', async () => {
      const board = dtrRtsBoard('active-high', { dtr: 'open', rts: 'open' });
      const [dtr] = board.channels as [typeof board.channels[0]];
      const backend = new DtrRtsBackend(board);
      await backend.attach(modemLinesOf(real));
      let error: unknown;
      try {
        await backend.set([{ channel: dtr, closed: true }]);
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(InfrastructureError);
      expect((error as Error).message).to.match(/dut1.*no DTR\/RTS lines.*Inappropriate ioctl/);
      await backend.safe(); // must not throw
    });

    it('rejects attach() with the same error when a pending safe state cannot be applied', async () => {
      const backend = new DtrRtsBackend(dtrRtsBoard('active-low', { dtr: 'open', rts: 'open' }));
      await backend.open();
      let error: unknown;
      try {
        await backend.attach(modemLinesOf(real));
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(InfrastructureError);
      expect((error as Error).message).to.include('no DTR/RTS lines');
    });
  });
});
