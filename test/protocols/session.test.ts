import { expect } from 'chai';
import { LinkLatency, MAX_LINK_LATENCY_MS } from '../../harness/protocols/latency.js';
import { Session } from '../../harness/protocols/session.js';
import { mediatekExplainer } from '../../harness/families/mediatek/explain.js';
import { drive, mediatekProfile, rig } from './fixtures.js';

/** 115200 baud 8N1: ten bits a byte. */
const BYTE_MS = 10_000 / 115200;

function session() {
  const r = rig();
  return { r, s: new Session(r.link, mediatekProfile(), mediatekExplainer('brom')) };
}

describe('session: reply deadlines', () => {
  it('start when a reply can arrive: deadline + both messages on the wire + the link round trip (the cap until measured)', async () => {
    const { s } = session();
    await s.send(Uint8Array.of(0xd4, 0, 0, 0, 0));
    expect(s.replyWindow(50, 2)).to.be.closeTo(50 + 7 * BYTE_MS + MAX_LINK_LATENCY_MS, 1e-9);
    s.latency.observe(20);
    s.latency.observe(24);
    expect(s.replyWindow(50, 2)).to.be.closeTo(50 + 7 * BYTE_MS + 24, 1e-9);
  });

  it('an answer that reached the port in time is not late, though a busy process handed it over after the deadline', async () => {
    const { r, s } = session();
    await s.send(Uint8Array.of(0xfd));
    r.clock.setTimer(350, () => r.link.deliver(Uint8Array.of(0xfd), 150));
    const got = await drive(r.clock, s.expect('GET_HW_CODE', [0xfd], 200));
    expect(Array.from(got)).to.deep.equal([0xfd]);
    expect(s.outcome(undefined, 'fine')).to.include({ ok: true, symptom: 'ok' });
  });

  it('an answer that reached the port after the deadline is late, and says so with the link round trip it allowed', async () => {
    const { r, s } = session();
    s.latency.observe(12);
    await s.send(Uint8Array.of(0xfd));
    r.clock.setTimer(300, () => r.link.deliver(Uint8Array.of(0xfd)));
    await drive(r.clock, s.expect('GET_HW_CODE', [0xfd], 200));
    const outcome = s.outcome(undefined, 'fine');
    expect(outcome.symptom).to.equal('late');
    expect(outcome.detail).to.match(/^GET_HW_CODE answered after 300 ms, deadline 200 ms \+ 12 ms link round trip/);
  });

  it('measures the round trip of an immediate answer beyond both bytes on the wire, and records its median', async () => {
    const { r, s } = session();
    for (const delay of [20, 30, 22]) {
      await s.send(Uint8Array.of(0xa0));
      const sentAt = r.clock.now();
      r.clock.setTimer(delay, () => r.link.deliver(Uint8Array.of(0x5f)));
      await drive(r.clock, s.readImmediate(20));
      expect(r.link.lastRead?.first).to.equal(sentAt + delay);
      s.measureRoundTrip();
    }
    const outcome = s.outcome(undefined, 'fine');
    expect(outcome.latencyMs).to.be.closeTo(22 - 2 * BYTE_MS, 1e-3);
    expect(s.latency.allowanceMs).to.be.closeTo(30 - 2 * BYTE_MS, 1e-9);
    const notes = r.link.transcript.flatMap((e) => (e.kind === 'note' ? [e.text] : []));
    expect(notes).to.include('link round trip 21.8 ms (median of 3 immediate answers, largest 29.8 ms)');
  });
});

describe('link latency', () => {
  it('extends deadlines by the largest round trip seen, never beyond the cap', () => {
    const latency = new LinkLatency();
    expect(latency.measured).to.equal(false);
    expect(latency.allowanceMs).to.equal(MAX_LINK_LATENCY_MS);
    expect(latency.medianMs).to.equal(undefined);
    latency.observe(3);
    latency.observe(16);
    expect(latency.allowanceMs).to.equal(16);
    latency.observe(130);
    expect(latency.allowanceMs).to.equal(MAX_LINK_LATENCY_MS);
    expect(latency.medianMs).to.equal(16);
  });

  it('leaves out a round trip far beyond any link: that is the board taking its time', () => {
    const latency = new LinkLatency();
    latency.observe(550);
    expect(latency.measured).to.equal(false);
    latency.observe(-0.05);
    expect(latency.medianMs).to.equal(0);
  });
});
