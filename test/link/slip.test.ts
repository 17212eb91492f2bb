import { expect } from 'chai';
import { ManualClock } from '../../harness/core/clock.js';
import { MemoryLink } from '../../harness/link/memory-link.js';
import { MAX_FRAME_BYTES, SlipDecoder, slipEncode, SlipReader, type SlipEvent } from '../../harness/link/slip.js';

const bytes = (...b: number[]) => Uint8Array.from(b);
const list = (events: SlipEvent[]) =>
  events.map((e) => (e.kind === 'frame' ? ['frame', Array.from(e.payload)] : e.kind === 'noise' ? ['noise', Array.from(e.bytes)] : ['invalid', e.reason]));

describe('SLIP framing', () => {
  it('escapes C0 and DB inside a frame, and nothing else', () => {
    expect(Array.from(slipEncode(bytes(0x01, 0xc0, 0x02, 0xdb, 0x03)))).to.deep.equal([0xc0, 0x01, 0xdb, 0xdc, 0x02, 0xdb, 0xdd, 0x03, 0xc0]);
    expect(Array.from(slipEncode(bytes()))).to.deep.equal([0xc0, 0xc0]);
  });

  it('decodes what it encodes, byte by byte or all at once, and counts the wire bytes', () => {
    const payload = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff);
    const wire = slipEncode(payload);
    const whole = new SlipDecoder().push(wire);
    expect(whole).to.have.length(1);
    expect(whole[0]).to.deep.include({ kind: 'frame', wire: wire.length });
    const decoder = new SlipDecoder();
    const split = [...wire].flatMap((b) => decoder.push(bytes(b)));
    expect(list(split)).to.deep.equal([['frame', Array.from(payload)]]);
  });

  it('keeps bytes between frames apart as noise; each frame has its own C0s, a repeated one makes no empty frame', () => {
    const events = new SlipDecoder().push(bytes(0x68, 0x69, 0xc0, 0x01, 0xc0, 0xc0, 0x02, 0xc0, 0x0d, 0x0a));
    expect(list(events)).to.deep.equal([
      ['noise', [0x68, 0x69]],
      ['frame', [0x01]],
      ['frame', [0x02]],
      ['noise', [0x0d, 0x0a]],
    ]);
  });

  it('throws away a frame with a bad escape up to its closing C0, and reads the next one cleanly', () => {
    const events = new SlipDecoder().push(bytes(0xc0, 0x01, 0xdb, 0x05, 0x02, 0xc0, 0xc0, 0x03, 0xc0));
    expect(list(events)).to.deep.equal([
      ['invalid', 'escape'],
      ['frame', [0x03]],
    ]);
    expect(Array.from((events[0] as Extract<SlipEvent, { kind: 'invalid' }>).bytes)).to.deep.equal([0xc0, 0x01, 0xdb, 0x05, 0x02]);
  });

  it('gives up on a frame longer than MAX_FRAME_BYTES, keeping a bounded sample', () => {
    const decoder = new SlipDecoder();
    const events = [...decoder.push(bytes(0xc0)), ...decoder.push(new Uint8Array(MAX_FRAME_BYTES + 10).fill(0x55)), ...decoder.push(bytes(0xc0))];
    expect(list(events)).to.deep.equal([['invalid', 'too-long']]);
    expect((events[0] as Extract<SlipEvent, { kind: 'invalid' }>).bytes.length).to.be.below(1000);
  });

  it('reader: the next frame within a deadline; bytes after it wait for the next call; hooks see the rest', async () => {
    const clock = new ManualClock();
    const link = new MemoryLink({ clock, send: () => undefined });
    const noise: number[] = [];
    const raw: number[] = [];
    const reader = new SlipReader(link, { noise: (b) => noise.push(...b), raw: (b) => raw.push(...b) });
    const first = reader.next(50);
    clock.advance(10);
    link.deliver(bytes(0x41, 0x42, 0xc0, 0x01, 0x02));
    clock.advance(5);
    link.deliver(bytes(0xc0, 0xc0, 0x03, 0xc0));
    expect(Array.from((await first)!.payload)).to.deep.equal([0x01, 0x02]);
    expect(Array.from((await reader.next(0))!.payload)).to.deep.equal([0x03]);
    expect(noise).to.deep.equal([0x41, 0x42]);
    expect(raw).to.have.length(9);
    const none = reader.next(20);
    link.deliver(bytes(0xc0, 0x09));
    clock.advance(20);
    expect(await none).to.equal(null);
    expect(clock.now()).to.equal(35);
  });
});
