import { expect } from 'chai';
import type { Symptom } from '../../harness/core/record.js';
import { explainMode, explainStatus, mediatekExplainer } from '../../harness/families/mediatek/explain.js';
import { explainLateBootloader, explainStm32Probe, STM32_EXPLAINER } from '../../harness/families/stm32/explain.js';
import {
  describeByte,
  FLOOD_BYTES,
  explainFlood,
  explainIdentity,
  explainLate,
  explainReply,
  explainSilence,
  explainUnasked,
  GENERIC_EXPLAINER,
  type ByteExplainer,
  type Exchange,
} from '../../harness/protocols/explain.js';

/** The generic readings, and what two families' explainers add to them. */
const BY = { stm32: STM32_EXPLAINER, mediatek: mediatekExplainer('brom'), generic: GENERIC_EXPLAINER };

const b = (...bytes: number[]) => Uint8Array.from(bytes);
const text = (s: string) => Uint8Array.from(Buffer.from(s));

describe('explain: bytes to symptom and detail', () => {
  const cases: Array<{ name: string; x: Exchange; by: ByteExplainer; symptom: Symptom; detail: string | RegExp }> = [
    {
      name: 'printable byte instead of ACK',
      x: { step: 'sync', sent: b(0x7f), expected: [0x79], got: b(0x41)}, by: BY.stm32,
      symptom: 'unexpected-reply',
      detail: "expected 79, got 41 ('A', printable: the board prints text — boot pins?)",
    },
    {
      name: 'byte+1 echoes before sync',
      x: { step: 'handshake', sent: b(0xa0, 0x0a), expected: [0x5f, 0xf5], got: b(0xa1, 0x0b)}, by: BY.mediatek,
      symptom: 'unexpected-reply',
      detail: 'got A1 0B: target answers byte+1, not in sync',
    },
    {
      name: 'byte+1 echoes after sync mean a restart',
      x: { step: 'GET_HW_CODE', sent: b(0xfd), expected: [0xfd], got: b(0xfe), afterSync: true}, by: BY.mediatek,
      symptom: 'reset-mid',
      detail: /^GET_HW_CODE: echo came back FE \(byte\+1\): the SoC restarted mid-session/,
    },
    {
      name: 'READY while BROM is expected',
      x: { step: 'handshake', sent: b(0xa0), expected: [0x5f], got: text('READY')}, by: BY.mediatek,
      symptom: 'wrong-mode',
      detail: 'READY from Preloader, expected BROM',
    },
    {
      name: 'READY again after sync',
      x: { step: 'GET_HW_SW_VER', sent: b(0xfc), expected: [0xfc], got: text('READY'), afterSync: true}, by: BY.mediatek,
      symptom: 'reset-mid',
      detail: /^READY again at GET_HW_SW_VER/,
    },
    {
      name: 'one flipped bit',
      x: { step: 'handshake', sent: b(0xa0), expected: [0x5f], got: b(0x5e)}, by: BY.mediatek,
      symptom: 'corrupt',
      detail: 'expected 5F, got 5E: one bit differs (bit 0) — line corruption: noisy cable or port?',
    },
    {
      name: 'one flipped bit (bit 6) in a longer reply',
      x: { step: 'Get ID', expected: [0x79, 0x01, 0x04, 0x10, 0x79], got: b(0x79, 0x01, 0x44, 0x10, 0x79)}, by: BY.stm32,
      symptom: 'corrupt',
      detail: 'expected 79 01 04 10 79, got 79 01 44 10 79: one bit differs (bit 6 of byte 3) — line corruption: noisy cable or port?',
    },
    {
      name: 'two flipped bits in one byte',
      x: { step: 'handshake', sent: b(0xa0), expected: [0x5f], got: b(0x5c)}, by: BY.mediatek,
      symptom: 'corrupt',
      detail: 'expected 5F, got 5C: 2 bits differ (bit 1, bit 0) — line corruption: noisy cable or port?',
    },
    {
      name: 'an echo one bit off, with the next reply behind it',
      x: { step: 'WRITE32 (value)', sent: b(0x22, 0, 0, 0x64), expected: [0x22, 0, 0, 0x64], got: b(0x22, 0x08, 0, 0x64, 0, 1), afterSync: true}, by: BY.mediatek,
      symptom: 'corrupt',
      detail: 'expected 22 00 00 64, got 22 08 00 64 00 01: one bit differs (bit 3 of byte 2) — line corruption: noisy cable or port?',
    },
    {
      name: 'an echo two bits off in two bytes',
      x: { step: 'WRITE32 (value)', sent: b(0x22, 0, 0, 0x64), expected: [0x22, 0, 0, 0x64], got: b(0x22, 0x08, 0, 0x65), afterSync: true}, by: BY.mediatek,
      symptom: 'corrupt',
      detail: 'expected 22 00 00 64, got 22 08 00 65: 2 bits differ (bit 3 of byte 2, bit 0 of byte 4) — line corruption: noisy cable or port?',
    },
    {
      name: 'an echo far off stays an unexpected reply',
      x: { step: 'WRITE32 (value)', sent: b(0x22, 0, 0, 0x64), expected: [0x22, 0, 0, 0x64], got: b(0x12, 0x34, 0x56, 0x78), afterSync: true}, by: BY.mediatek,
      symptom: 'unexpected-reply',
      detail: 'expected 22 00 00 64, got 12 34 56 78',
    },
    {
      name: 'a log line that starts a bit from ACK is text, not noise',
      x: { step: 'sync', sent: b(0x7f), expected: [0x79], got: text('x-loader v2 ready\r\n')}, by: BY.stm32,
      symptom: 'wrong-mode',
      detail: /^sync: the board prints "x-loader v2 ready/,
    },
    {
      name: 'a lost byte',
      x: { step: 'Get ID', expected: [0x79, 0x01, 0x04, 0x10, 0x79], got: b(0x79, 0x04, 0x10, 0x79)}, by: BY.stm32,
      symptom: 'corrupt',
      detail: 'expected 79 01 04 10 79, got 79 04 10 79: 1 byte lost — cable, connector or port?',
    },
    {
      name: 'application banner on an STM32',
      x: { step: 'sync', sent: b(0x7f), expected: [0x79], got: text('Hello from app\r\n')}, by: BY.stm32,
      symptom: 'wrong-mode',
      detail: /^sync: the board prints "Hello from app\\r\\n": it runs its application, not the bootloader — BOOT0/,
    },
    {
      name: 'log text on a MediaTek',
      x: { step: 'handshake', sent: b(0xa0), expected: [0x5f], got: text('[PLFM] init\r\n')}, by: BY.mediatek,
      symptom: 'unexpected-reply',
      detail: /^handshake: the board prints "\[PLFM\] init\\r\\n": a log, not the protocol/,
    },
    {
      name: 'more bytes than any reply holds',
      x: { step: 'sync', sent: b(0x7f), expected: [0x79], got: new Uint8Array(FLOOD_BYTES + 50).fill(0x80)}, by: BY.stm32,
      symptom: 'flood',
      detail: /^650 unasked bytes \(80 80 80 80 80 80 80 80 …\) during sync: the board floods the line/,
    },
    {
      name: 'the host byte back unchanged',
      x: { step: 'handshake', sent: b(0xa0), expected: [0x5f], got: b(0xa0)}, by: BY.mediatek,
      symptom: 'unexpected-reply',
      detail: /^expected 5F, got A0 back unchanged: the target is already in command mode/,
    },
    {
      name: 'garbage at a wrong baud',
      x: { step: 'sync', sent: b(0x7f), expected: [0x79], got: b(0x88, 0xfe, 0x00, 0x98, 0x86, 0xf8, 0x00, 0xe0, 0x1c, 0x9e, 0x00)}, by: BY.stm32,
      symptom: 'corrupt',
      detail: /^expected 79, got 11 bytes of garbage \(88 FE 00 98 86 F8 00 E0 …\) — wrong baud/,
    },
    {
      name: 'a consistent wrong byte',
      x: { step: 'sync', sent: b(0x7f), expected: [0x79], got: b(0x12)}, by: BY.stm32,
      symptom: 'unexpected-reply',
      detail: 'expected 79, got 12',
    },
    {
      name: 'nothing at all',
      x: { step: 'sync', sent: b(0x7f), expected: [0x79], got: b()}, by: BY.stm32,
      symptom: 'silent',
      detail: /^no answer to sync: nothing at all — boot pins, power, TX\/RX swapped, or wrong port\?/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const why = explainReply(c.x, c.by);
      expect(why.symptom).to.equal(c.symptom);
      if (typeof c.detail === 'string') expect(why.detail).to.equal(c.detail);
      else expect(why.detail).to.match(c.detail);
    });
  }

  it('names bytes the way people read them', () => {
    expect(describeByte(0x68)).to.equal("68 ('h')");
    expect(describeByte(0x9a)).to.equal('9A');
  });

  it('identity mismatches name both values and the likely cause', () => {
    expect(explainIdentity('Get ID', 0x413, 0x410)).to.deep.equal({
      symptom: 'unexpected-reply',
      detail: 'Get ID says 0x413, profile expects 0x410 — wrong profile or wrong board?',
    });
    expect(explainIdentity('GET_HW_CODE', 0x321, 0x766, 4).detail).to.equal(
      'GET_HW_CODE says 0x0321, profile expects 0x0766 — wrong profile or wrong board?',
    );
  });

  it('silence, lateness, restarts, modes and status words', () => {
    expect(explainSilence('Get', 500, true)).to.deep.equal({
      symptom: 'silent',
      detail: 'no answer to Get within 500 ms after a good start: the stream stopped — board reset or lost power?',
    });
    expect(explainLate('Get ID', 730, 500)).to.deep.equal({
      symptom: 'late',
      detail: 'Get ID answered after 730 ms, deadline 500 ms — slow power-up, boot delay too short, or USB latency?',
    });
    expect(explainLateBootloader().symptom).to.equal('late');
    expect(explainLateBootloader().detail).to.contain('Failed to init device after retry');
    expect(explainStm32Probe('Get ID', 'ack').symptom).to.equal('reset-mid');
    expect(explainStm32Probe('Get ID', 'nack').symptom).to.equal('corrupt');
    expect(explainStm32Probe('Get ID', 'none').symptom).to.equal('silent');
    expect(explainMode('preloader', 'brom', 0x01)).to.include({ symptom: 'wrong-mode' });
    expect(explainMode('preloader', 'brom', 0x01).detail).to.match(/^GET_BL_VER answered 01 \(a Preloader version byte/);
    expect(explainMode('brom', 'preloader', 0xfe).detail).to.match(/BROM, expected Preloader/);
    expect(explainStatus('GET_TARGET_CONFIG', 0x1d0d).detail).to.equal('GET_TARGET_CONFIG returned status 0x1D0D (SLA required (secure boot))');
  });

  it('bytes before anyone asked', () => {
    expect(explainUnasked(b(), STM32_EXPLAINER)).to.equal(null);
    expect(explainUnasked(b(0x00), STM32_EXPLAINER)).to.equal(null);
    expect(explainUnasked(text('READYREADY'), mediatekExplainer('brom'))).to.deep.equal({ symptom: 'wrong-mode', detail: 'READY from Preloader, expected BROM' });
    expect(explainUnasked(text('READY'), mediatekExplainer('preloader'))).to.equal(null);
    expect(explainUnasked(text('Blinky ready\r\n'), STM32_EXPLAINER)?.symptom).to.equal('wrong-mode');
    expect(explainUnasked(text('Blinky ready\r\n'))?.symptom, 'text means a log to a family that says nothing of it').to.equal('unexpected-reply');
    expect(explainUnasked(new Uint8Array(1000).fill(0x41), STM32_EXPLAINER)?.symptom).to.equal('flood');
    expect(explainFlood('sync', b(1, 2), 5000).detail).to.match(/^5000 unasked bytes \(01 02 …\) during sync/);
  });
});
