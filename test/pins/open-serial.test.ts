import { SerialPortStream } from '@serialport/stream';
import { expect } from 'chai';
import { drainPort } from '../../harness/pins/open-serial.js';
import { RecordingBinding } from './recording-binding.js';

describe('pins: relay board ports', () => {
  it('drainPort waits for writes still queued in the stream, not only the one the binding holds', async () => {
    const binding = new RecordingBinding({ writeMs: 20 });
    const stream = new SerialPortStream({ binding, path: '/dev/ttySLOW0', baudRate: 57600, autoOpen: false });
    await new Promise<void>((resolve, reject) => stream.open((error) => (error ? reject(error) : resolve())));
    try {
      stream.write(Buffer.from([1, 2]));
      stream.write(Buffer.from([3]));
      stream.write(Buffer.from([4, 5]));
      await drainPort(stream);
      // Relay edges are recorded when drain resolves: every byte must have been handed on by then.
      expect(binding.ports[0]!.written).to.deep.equal([1, 2, 3, 4, 5]);
      await drainPort(stream); // nothing queued: straight to the binding's drain
    } finally {
      await new Promise<void>((resolve) => stream.close(() => resolve()));
    }
  });

  it('drainPort rejects when the port closes while writes are still queued', async () => {
    const binding = new RecordingBinding({ writeMs: 50 });
    const stream = new SerialPortStream({ binding, path: '/dev/ttySLOW1', baudRate: 57600, autoOpen: false });
    stream.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => stream.open((error) => (error ? reject(error) : resolve())));
    stream.write(Buffer.from([1]));
    stream.write(Buffer.from([2]));
    const drained = drainPort(stream).then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    stream.close();
    expect(await drained).to.equal('port closed');
  });
});
