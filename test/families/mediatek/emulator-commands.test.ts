import { expect } from 'chai';
import { ManualClock } from '../../../harness/core/clock.js';
import { parseHex, toHex, u32be } from '../../../harness/core/bytes.js';
import { xor16le } from '../../../harness/families/mediatek/emulator/index.js';
import type { MediatekChipFacts } from '../../../harness/families/mediatek/schema.js';
import { MT6580, MT6765, powerUp, sendBytewise, sendChunk, type Bench } from './fixtures.js';

/** A device in the given mode, handshake done. */
function synced(mode: 'brom' | 'preloader', chip: MediatekChipFacts = MT6765): Bench {
  const clock = new ManualClock();
  const bench = powerUp(clock, chip, { kcol0: mode === 'brom' });
  clock.advance(chip.startupMs);
  const { device, probe } = bench;
  if (mode === 'preloader') sendBytewise(device, probe, 'A0'); // swallowed
  expect(toHex(sendBytewise(device, probe, 'A0 0A 50 05'))).to.equal('5F F5 AF FA');
  expect(device.state).to.equal(mode);
  return bench;
}

function hex(bytes: Uint8Array | readonly number[]): string {
  return toHex(bytes);
}

describe('MediaTek emulator: commands', () => {
  it('GET_HW_CODE: echo, hw_code u16, status', () => {
    const { device, probe } = synced('brom');
    expect(hex(sendBytewise(device, probe, 'FD'))).to.equal('FD 07 66 00 00');
    const other = synced('brom', MT6580);
    expect(hex(sendBytewise(other.device, other.probe, 'FD'))).to.equal('FD 65 80 00 00');
  });

  it('GET_HW_SW_VER: echo, hw_subcode, hw_ver, sw_ver, status', () => {
    const { device, probe } = synced('brom');
    expect(hex(sendBytewise(device, probe, 'FC'))).to.equal('FC 8A 00 CA 00 00 00 00 00');
  });

  it('GET_TARGET_CONFIG: echo, config u32, status', () => {
    const { device, probe } = synced('brom');
    expect(hex(sendBytewise(device, probe, 'D8'))).to.equal('D8 00 00 00 E5 00 00');
  });

  it('GET_BL_VER: BROM echoes FE, the Preloader answers its version byte instead', () => {
    const brom = synced('brom');
    expect(hex(sendBytewise(brom.device, brom.probe, 'FE'))).to.equal('FE');
    const pre = synced('preloader');
    expect(hex(sendBytewise(pre.device, pre.probe, 'FE'))).to.equal('02');
  });

  it('GET_VERSION: one version byte, no echo', () => {
    const brom = synced('brom');
    expect(hex(sendBytewise(brom.device, brom.probe, 'FF'))).to.equal('05');
    const pre = synced('preloader', MT6580);
    expect(hex(sendBytewise(pre.device, pre.probe, 'FF'))).to.equal('01');
  });

  it('GET_ME_ID and GET_SOC_ID: echo, length u32, id, status', () => {
    const { device, probe } = synced('brom');
    expect(hex(sendBytewise(device, probe, 'E1'))).to.equal(
      `E1 00 00 00 10 ${hex(MT6765.meId)} 00 00`,
    );
    expect(hex(sendBytewise(device, probe, 'E7'))).to.equal(
      `E7 00 00 00 20 ${hex(MT6765.socId)} 00 00`,
    );
  });

  it('READ32: echoes command, address and count, then status, the words, status', () => {
    const { device, probe } = synced('brom');
    expect(hex(sendBytewise(device, probe, 'D1'))).to.equal('D1');
    expect(hex(sendBytewise(device, probe, '10 00 70'))).to.equal('');
    expect(hex(sendBytewise(device, probe, '00'))).to.equal('10 00 70 00');
    expect(hex(sendBytewise(device, probe, '00 00 00 02'))).to.equal('00 00 00 02 00 00 00 00 00 00 00 00 00 00 00 00');
  });

  it('WRITE32 in BROM: status 0001 before the data, each value echoed, status after; READ32 gives it back', () => {
    const { device, probe } = synced('brom');
    expect(hex(sendBytewise(device, probe, 'D4 00 20 00 00'))).to.equal('D4 00 20 00 00');
    expect(hex(sendBytewise(device, probe, '00 00 00 02'))).to.equal('00 00 00 02 00 01');
    expect(hex(sendBytewise(device, probe, 'DE AD BE EF'))).to.equal('DE AD BE EF');
    expect(hex(sendBytewise(device, probe, '01 23 45 67'))).to.equal('01 23 45 67 00 00');
    expect(hex(sendChunk(device, probe, 'D1 00 20 00 00 00 00 00 03'))).to.equal(
      'D1 00 20 00 00 00 00 00 03 00 00 DE AD BE EF 01 23 45 67 00 00 00 00 00 00',
    );
    expect(device.peek(0x00200004)).to.equal(0x01234567);
  });

  it('WRITE32 in Preloader: status 0000 before the data', () => {
    const { device, probe } = synced('preloader');
    expect(hex(sendChunk(device, probe, 'D4 00 20 00 00 00 00 00 01'))).to.equal('D4 00 20 00 00 00 00 00 01 00 00');
    expect(hex(sendChunk(device, probe, '11 22 33 44'))).to.equal('11 22 33 44 00 00');
  });

  it('refuses a READ32 or WRITE32 count too large to serve', () => {
    const { device, probe } = synced('brom');
    expect(hex(sendChunk(device, probe, 'D1 00 00 00 00 FF FF FF FF'))).to.equal('D1 00 00 00 00 FF FF FF FF 30 01');
    expect(hex(sendChunk(device, probe, 'D4 00 00 00 00 00 10 00 01'))).to.equal('D4 00 00 00 00 00 10 00 01 30 01');
    expect(hex(sendBytewise(device, probe, 'FD'))).to.equal('FD 07 66 00 00');
  });

  describe('SEND_DA and JUMP_DA', () => {
    it('echoes address, length and signature length, takes the payload silently, returns its XOR16', () => {
      const { device, probe } = synced('brom');
      expect(hex(sendBytewise(device, probe, 'D7 00 20 00 00 00 00 00 05 00 00 00 00'))).to.equal(
        'D7 00 20 00 00 00 00 00 05 00 00 00 00 00 00',
      );
      expect(hex(sendBytewise(device, probe, '01 02 03 04'))).to.equal('');
      // Words 0x0201 ^ 0x0403 ^ 0x0005 (odd last byte is the low half).
      expect(hex(sendBytewise(device, probe, '05'))).to.equal('06 07 00 00');
    });

    it('returns a checksum that differs from the host’s when a payload byte was corrupted on the way', () => {
      const { device, probe } = synced('brom');
      const payload = parseHex('01 02 03 04 05');
      const expected = xor16le(payload);
      expect(expected).to.equal(0x0607);
      sendChunk(device, probe, 'D7 00 20 00 00 00 00 00 05 00 00 00 00');
      const corrupted = payload.slice();
      corrupted[3] = 0x05;
      const reply = sendChunk(device, probe, corrupted);
      expect(hex(reply)).to.equal('07 07 00 00');
      expect((reply[0]! << 8) | reply[1]!).to.not.equal(expected);
    });

    it('checksums a large payload arriving in uneven chunks, signature included in the length', () => {
      const { device, probe } = synced('preloader');
      const payload = Uint8Array.from({ length: 10_001 }, (_, i) => (i * 131 + 7) & 0xff);
      let low = 0;
      let high = 0;
      payload.forEach((b, i) => (i % 2 === 0 ? (low ^= b) : (high ^= b)));
      const args = `D7 40 00 00 00 ${hex(u32be(payload.length))} 00 00 01 00`;
      expect(hex(sendChunk(device, probe, args))).to.equal(`${args} 00 00`);
      const got: number[] = [];
      for (let at = 0; at < payload.length; at += 777) got.push(...sendChunk(device, probe, payload.subarray(at, at + 777)));
      expect(hex(Uint8Array.from(got))).to.equal(`${hex([high, low])} 00 00`);
      expect(device.synced).to.equal(true);
    });

    it('JUMP_DA to the sent DA: echo, status, then the DA marker C0, after which input is ignored', () => {
      const { device, probe } = synced('brom');
      sendChunk(device, probe, 'D7 00 20 00 00 00 00 00 02 00 00 00 00');
      expect(hex(sendChunk(device, probe, 'AA 55'))).to.equal('55 AA 00 00');
      expect(hex(sendBytewise(device, probe, 'D5 00 20 00 00'))).to.equal('D5 00 20 00 00 00 00 C0');
      expect(device.state).to.equal('da');
      expect(device.synced).to.equal(false);
      expect(hex(sendBytewise(device, probe, 'FD A0'))).to.equal('');
    });

    it('refuses JUMP_DA to an address where no DA was sent and stays in command mode', () => {
      const { device, probe } = synced('brom');
      expect(hex(sendChunk(device, probe, 'D5 00 20 00 00'))).to.equal('D5 00 20 00 00 30 01');
      expect(device.state).to.equal('brom');
      expect(hex(sendBytewise(device, probe, 'FE'))).to.equal('FE');
    });
  });

  describe('UART1_SET_BAUDRATE', () => {
    it('echoes the rate, answers OK at the old rate and sends everything after at the new one', () => {
      const { device, probe } = synced('brom');
      probe.take();
      device.receive(parseHex('DC 00 0E 10 00'));
      const reply = probe.takeTransmissions();
      expect(hex(Uint8Array.from(reply.flatMap((t) => [...t.bytes])))).to.equal('DC 00 0E 10 00 00 00');
      expect(reply.every((t) => t.baud === 115200)).to.equal(true);
      device.receive(parseHex('FD'));
      const next = probe.takeTransmissions();
      expect(hex(Uint8Array.from(next.flatMap((t) => [...t.bytes])))).to.equal('FD 07 66 00 00');
      expect(next.every((t) => t.baud === 921600)).to.equal(true);
      expect(device.uartBaud).to.equal(921600);
    });

    it('answers 1D1D to a rate that is too high and keeps the old one', () => {
      const { device, probe } = synced('brom');
      expect(hex(sendChunk(device, probe, 'DC 00 2D C6 C0'))).to.equal('DC 00 2D C6 C0 1D 1D');
      expect(device.uartBaud).to.equal(115200);
    });
  });

  it('echoes an unknown command byte and nothing else, then serves the next command', () => {
    const { device, probe } = synced('brom');
    expect(hex(sendBytewise(device, probe, '42'))).to.equal('42');
    expect(hex(sendBytewise(device, probe, 'FD'))).to.equal('FD 07 66 00 00');
  });

  it('serves a burst of commands sent in one chunk in order', () => {
    const { device, probe } = synced('preloader');
    expect(hex(sendChunk(device, probe, 'FE FD FF'))).to.equal('02 FD 07 66 00 00 02');
  });
});
