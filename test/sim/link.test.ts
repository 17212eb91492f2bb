/** The simulated bench under the harness's own link, on a manual clock and on the real one. */
import { expect } from 'chai';
import { realClock } from '../../harness/core/clock.js';
import { Transcript } from '../../harness/core/transcript.js';
import { openSerialLink } from '../../harness/link/serial-link.js';
import { PortLostError } from '../../harness/link/types.js';
import type { SerialSettings } from '../../harness/config/types.js';
import { find, testBench } from './fixtures.js';

const SERIAL: SerialSettings = { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 };

describe('sim bench under the serial link', () => {
  it('a disconnect makes the link lost, reads fail with PortLostError, and re-open fails with ENOENT', async () => {
    const { sim, clock } = testBench((rig) => (find(rig.ports, 'hub1.p1').sim = { disconnectRate: 1 }));
    const path = sim.portPath('d1');
    const link = await openSerialLink({ binding: sim.binding, path, serial: SERIAL, clock, transcript: new Transcript(clock) });
    const reading = link.read(1, 1000).catch((e: unknown) => e);
    for (let i = 0; i < 12 && !link.lost; i++) {
      await link.write(Uint8Array.of(0x7f)).catch(() => undefined);
      await clock.advanceAsync(1, 0.25);
    }
    expect(link.lost).to.equal(true);
    expect(await reading).to.be.instanceOf(PortLostError);
    const reopen = await openSerialLink({ binding: sim.binding, path, serial: SERIAL, clock, transcript: new Transcript(clock) }).catch(
      (e: unknown) => e,
    );
    expect(reopen).to.include({ code: 'ENOENT' });
    await link.close();
    sim.dispose();
  });

  it('runs on the real clock: an echo comes back within a few milliseconds', async () => {
    const { sim, dev } = testBench(undefined, { clock: realClock });
    dev('d1').echoBaud = 115200;
    const link = await openSerialLink({
      binding: sim.binding,
      path: sim.portPath('d1'),
      serial: SERIAL,
      clock: realClock,
      transcript: new Transcript(realClock),
    });
    await link.write(Uint8Array.of(0xa0, 0x0a, 0x50, 0x05));
    const reply = await link.read(4, 2000);
    expect([...reply]).to.deep.equal([0xa0, 0x0a, 0x50, 0x05]);
    await link.close();
    sim.dispose();
  });
});
