import { expect } from 'chai';
import { ManualClock } from '../../harness/core/clock.js';
import { Rng } from '../../harness/core/rng.js';
import { LinePacer, NoisyWire, parseControl } from '../../firmware-stubs/pty/index.js';

describe('pty stub parts: LinePacer', () => {
  it('hands bytes on when their last bit has arrived (10 bits a byte)', () => {
    const clock = new ManualClock();
    const got: Array<{ at: number; bytes: number[] }> = [];
    const pacer = new LinePacer(clock, (bytes) => got.push({ at: clock.now(), bytes: Array.from(bytes) }));
    pacer.push(Uint8Array.of(1, 2, 3, 4), 10_000); // 1 ms a byte
    expect(pacer.pending).to.equal(4);
    clock.advance(0.5);
    expect(got).to.deep.equal([]);
    clock.advance(0.5);
    expect(got).to.deep.equal([{ at: 1, bytes: [1] }]);
    clock.advance(3);
    expect(got.flatMap((g) => g.bytes)).to.deep.equal([1, 2, 3, 4]);
    expect(got.at(-1)!.at).to.equal(4);
    expect(pacer.pending).to.equal(0);
  });

  it('queues a second burst behind the first, each at its own baud', () => {
    const clock = new ManualClock();
    const times: number[] = [];
    const pacer = new LinePacer(clock, (bytes) => bytes.forEach(() => times.push(clock.now())));
    pacer.push(Uint8Array.of(1, 2), 10_000); // done at 2 ms
    pacer.push(Uint8Array.of(3), 5_000); // 2 ms a byte: done at 4 ms
    clock.advance(10);
    expect(times).to.deep.equal([1, 2, 4]);
  });

  it('drops what exceeds its backlog and forgets everything on clear()', () => {
    const clock = new ManualClock();
    const out: number[] = [];
    const pacer = new LinePacer(clock, (bytes) => out.push(...bytes), 3);
    pacer.push(Uint8Array.of(1, 2, 3, 4, 5), 10_000);
    expect(pacer.dropped).to.equal(2);
    clock.advance(1);
    pacer.clear();
    clock.advance(10);
    expect(out).to.deep.equal([1]);
  });
});

describe('pty stub parts: NoisyWire', () => {
  it('passes bytes untouched when clean', () => {
    const wire = new NoisyWire(new Rng(1), {});
    expect(Array.from(wire.carry(Uint8Array.of(1, 2, 3)))).to.deep.equal([1, 2, 3]);
  });

  it('flips bits and drops bytes at about the given rates, the same way for the same seed', () => {
    const data = new Uint8Array(20_000).fill(0x55);
    const a = new NoisyWire(new Rng(7), { bitErrorRate: 0.01, dropRate: 0.05 }).carry(data);
    const b = new NoisyWire(new Rng(7), { bitErrorRate: 0.01, dropRate: 0.05 }).carry(data);
    expect(Array.from(a)).to.deep.equal(Array.from(b));
    const dropped = data.length - a.length;
    expect(dropped).to.be.within(700, 1300);
    const changed = Array.from(a).filter((x) => x !== 0x55).length;
    expect(changed / a.length).to.be.within(0.05, 0.11); // 1 - 0.99^8 ≈ 0.077
  });
});

describe('pty stub parts: control lines', () => {
  it('parses pin, pulse, power, state and quit commands', () => {
    expect(parseControl('reset')).to.deep.equal({ kind: 'pulse', name: 'reset' });
    expect(parseControl('pulse reset 50')).to.deep.equal({ kind: 'pulse', name: 'reset', ms: 50 });
    expect(parseControl('boot0 1')).to.deep.equal({ kind: 'pin', name: 'boot0', asserted: true });
    expect(parseControl('  KCOL0 0 ')).to.deep.equal({ kind: 'pin', name: 'kcol0', asserted: false });
    expect(parseControl('reset 1')).to.deep.equal({ kind: 'pin', name: 'reset', asserted: true });
    expect(parseControl('power off')).to.deep.equal({ kind: 'power', on: false });
    expect(parseControl('power cycle 300')).to.deep.equal({ kind: 'powerCycle', offMs: 300 });
    expect(parseControl('state')).to.deep.equal({ kind: 'state' });
    expect(parseControl('quit')).to.deep.equal({ kind: 'quit' });
    expect(parseControl('')).to.deep.equal({ kind: 'none' });
    expect(parseControl('lines dtr=1 rts=0')).to.deep.equal({ kind: 'lines', dtr: true, rts: false });
    expect(parseControl('lines rts=1')).to.deep.equal({ kind: 'lines', rts: true });
  });

  it('reports nonsense instead of acting on it', () => {
    for (const line of ['boot0 2', 'power sideways', 'pulse', 'pulse reset -5', 'fly away now', '1 1', 'lines', 'lines dtr=2', 'lines cts=1']) {
      expect(parseControl(line).kind, line).to.equal('error');
    }
  });
});
