/**
 * The esp32 engine against the emulator on a ManualClock: clean boots of each shipped profile, and what the
 * engine says when the chip, the strap or the line misbehaves (the esptool-style ladder, sentence by sentence).
 */
import { expect } from 'chai';
import { runEngine } from '../../../harness/protocols/index.js';
import { explainNoSync, RomEvidence } from '../../../harness/families/esp32/explain.js';
import { SLIP_END } from '../../../harness/link/slip.js';
import { drive } from '../../protocols/fixtures.js';
import { wired, type Board } from './fixtures.js';

async function run(board: Board, options: Parameters<typeof wired>[1] = {}) {
  const w = wired(board, options);
  const outcome = await drive(w.clock, runEngine(w.profile, w.link));
  return { outcome, w, notes: w.link.transcript.filter((e) => e.kind === 'note').map((e) => (e as { text: string }).text) };
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('esp32 engine against the emulator: clean boots', () => {
  it('ESP32: banner, SYNC, the magic word, the MAC, SPI_ATTACH and SPI_SET_PARAMS', async () => {
    const { outcome, notes } = await run('esp32');
    expect(outcome.ok, outcome.detail).to.equal(true);
    expect(outcome.detail).to.equal('ESP32 (magic 0x00F01D83), MAC 24:0a:c4:5e:10:2c, flash attached (4096 KiB)');
    expect(outcome.identity).to.deep.equal({ magic: 0x00f01d83, mac: '24:0a:c4:5e:10:2c' });
    expect(outcome.retries).to.equal(0);
    expect(notes).to.include('banner: rst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))');
    expect(notes.filter((n) => /^[A-Z_]+$/.test(n))).to.deep.equal(['SYNC', 'READ_REG', 'READ_REG', 'READ_REG', 'SPI_ATTACH', 'SPI_SET_PARAMS']);
    expect(outcome.handshakeMs).to.be.greaterThan(0);
  });

  it('ESP32-S3 and ESP32-C3: the chip id from GET_SECURITY_INFO, then the MAC', async () => {
    const s3 = await run('s3');
    expect(s3.outcome.ok, s3.outcome.detail).to.equal(true);
    expect(s3.outcome.identity).to.deep.equal({ chipId: 9, mac: '7c:df:a1:e2:4b:90' });
    expect(s3.notes).to.include('GET_SECURITY_INFO');
    const c3 = await run('c3');
    expect(c3.outcome.ok, c3.outcome.detail).to.equal(true);
    expect(c3.outcome.detail).to.equal('ESP32-C3 (chip id 5), MAC 58:cf:79:0a:31:e4');
  });

  it('an ESP32 with a 26 MHz crystal: its banner is garbage at 115200, but SYNC still works', async () => {
    const { outcome } = await run('esp32', { chip: { crystalMhz: 26 } });
    expect(outcome.ok, outcome.detail).to.equal(true);
  });
});

describe('esp32 engine: wrong chip, wrong mode, no answer', () => {
  it('an ESP32 on an ESP32-S3 profile: GET_SECURITY_INFO is turned down, the magic word names the chip', async () => {
    const { outcome } = await run('esp32', { engineProfile: 's3' });
    expect(outcome.symptom).to.equal('unexpected-reply');
    expect(outcome.detail).to.equal(
      'GET_SECURITY_INFO is not supported: the magic word says an ESP32, profile expects chip id 9 (ESP32-S3) — wrong profile or wrong board?',
    );
  });

  it('an ESP32-C3 on an ESP32-S3 profile: the same chip id twice is another chip', async () => {
    const { outcome } = await run('c3', { engineProfile: 's3' });
    expect(outcome.symptom).to.equal('unexpected-reply');
    expect(outcome.detail).to.equal('GET_SECURITY_INFO chip id says 5 (ESP32-C3), profile expects 9 (ESP32-S3) — wrong profile or wrong board?');
  });

  it('wrong-mode: the strap was not held, the ROM booted from flash — the sentence names the boot value and GPIO9 on a C3', async () => {
    const { outcome } = await run('c3', { download: false });
    expect(outcome.symptom).to.equal('wrong-mode');
    expect(outcome.detail).to.equal(
      'the ROM printed rst:0x1 (POWERON),boot:0xc (SPI_FAST_FLASH_BOOT): it booted from flash, not into the ROM loader — GPIO9 not held low when EN rose?',
    );
    expect(outcome.retries, 'a chip that booted from flash is not asked again').to.equal(0);
  });

  it("wrong-mode: SYNC answered with value 0 — esptool's flasher stub still runs, the chip was not reset", async () => {
    const asStub = (bytes: Uint8Array) => (bytes[2] === 0x08 ? Uint8Array.from(bytes, (b, i) => (i >= 5 && i <= 8 ? 0 : b)) : bytes);
    const { outcome } = await run('esp32', { toHost: asStub });
    expect(outcome.symptom).to.equal('wrong-mode');
    expect(outcome.detail).to.match(/^SYNC answered with value 0: esptool's flasher stub runs, not the ROM/);
  });

  it('silent: no banner and no answer at all', async () => {
    const { outcome } = await run('esp32', { faults: { dead: true } });
    expect(outcome.symptom).to.equal('silent');
    expect(outcome.detail).to.equal('no boot banner and no answer to SYNC (7 attempts): nothing at all — power, EN, TX/RX swapped, or wrong port?');
  });

  it('silent: "waiting for download", but nothing reaches the chip (host TX → board RX down)', async () => {
    const { outcome } = await run('s3', { toChip: () => new Uint8Array(0) });
    expect(outcome.symptom).to.equal('silent');
    expect(outcome.detail).to.match(/^the ROM printed "waiting for download" but never answered SYNC \(7 attempts\): the host → board line \(TX → RX\) seems down/);
  });

  it('flood: a bootlooping board prints its banner over and over', async () => {
    const { outcome } = await run('esp32', { faults: { bootloop: true } });
    expect(outcome.symptom).to.equal('flood');
    expect(outcome.detail).to.match(/^the ROM's banner came \d+ times with \d+ bytes of log: the board bootloops/);
  });

  it('late: the ROM starts after the first SYNC, answers a later one', async () => {
    const { outcome } = await run('esp32', { faults: { extraStartupMs: 450 } });
    expect(outcome.symptom).to.equal('late');
    expect(outcome.detail).to.match(/^the ROM answered SYNC only on attempt [2-5]: it was not listening yet when the first SYNC went out/);
    expect(outcome.identity?.mac, 'identifying goes on after a soft failure').to.equal('24:0a:c4:5e:10:2c');
  });
});

describe('esp32 engine: a damaged line', () => {
  /** Flips one bit of the byte at `index` of the n-th chunk the chip sends (counting from 1). */
  const flipIn = (chunk: number, index: number, bit = 0x04) => {
    let n = 0;
    return (bytes: Uint8Array) => {
      n++;
      if (n !== chunk) return bytes;
      const out = bytes.slice();
      out[index] = out[index]! ^ bit;
      return out;
    };
  };
  // Chunks the ESP32 sends: 1 banner, 2-9 SYNC answers, 10 READ_REG magic, …
  it('corrupt: one bit of the magic word flipped on the way', async () => {
    const { outcome } = await run('esp32', { toHost: flipIn(10, 5, 0x01) });
    expect(outcome.symptom).to.equal('corrupt');
    expect(outcome.detail).to.equal('READ_REG magic answered 0x00F01D82, profile expects 0x00F01D83: one bit differs (bit 0) — line corruption: noisy cable or port?');
  });

  it('corrupt: a chip id that changes when read again (the flip made another chip\'s id)', async () => {
    const { outcome } = await run('s3', { toHost: flipIn(10, 21, 0x04) });
    expect(outcome.symptom).to.equal('corrupt');
    expect(outcome.detail).to.match(/^GET_SECURITY_INFO chip id read 0x0000000D, then 0x00000009: the answers change on the way/);
  });

  it('corrupt: two bits of the magic word flipped on the way, both named', async () => {
    const { outcome } = await run('esp32', { toHost: flipIn(10, 5, 0x41) });
    expect(outcome.symptom).to.equal('corrupt');
    expect(outcome.detail).to.equal('READ_REG magic answered 0x00F01DC2, profile expects 0x00F01D83: 2 bits differ (bit 6, bit 0) — line corruption: noisy cable or port?');
  });

  it('corrupt: a chip id one bit off, that no chip answers, is named as line noise at once', async () => {
    const { outcome } = await run('s3', { toHost: flipIn(10, 21, 0x02) });
    expect(outcome.symptom).to.equal('corrupt');
    expect(outcome.detail).to.equal('GET_SECURITY_INFO chip id answered 11, profile expects 9: one bit differs (bit 1) — line corruption: noisy cable or port?');
  });

  it('corrupt: a chip id two bits off, that no chip answers', async () => {
    const { outcome } = await run('s3', { toHost: flipIn(10, 21, 0x22) });
    expect(outcome.symptom).to.equal('corrupt');
    expect(outcome.detail).to.equal('GET_SECURITY_INFO chip id answered 43, profile expects 9: 2 bits differ (bit 5, bit 1) — line corruption: noisy cable or port?');
  });

  it('a magic word many bits off is no flip: it is read again, and the two reads tell', async () => {
    const { outcome } = await run('esp32', { toHost: flipIn(10, 5, 0xff) });
    expect(outcome.detail).to.match(/^READ_REG magic read 0x00F01D7C, then 0x00F01D83: the answers change on the way/);
  });

  it('corrupt: a SYNC answer damaged, the next one clean — the session goes on, the trial fails', async () => {
    const { outcome } = await run('s3', { toHost: flipIn(2, 6, 0x01) });
    expect(outcome.symptom).to.equal('corrupt');
    expect(outcome.identity?.chipId).to.equal(9);
  });

  it('corrupt: a command lost on the way, and the ROM still answers SYNC', async () => {
    let commands = 0;
    const dropSecond = (bytes: Uint8Array) => (bytes[0] === SLIP_END && bytes[2] === 0x0a && ++commands === 2 ? new Uint8Array(0) : bytes);
    const { outcome } = await run('esp32', { toChip: dropSecond });
    expect(outcome.symptom).to.equal('corrupt');
    expect(outcome.detail).to.match(/^no answer to READ_REG MAC \(low word\) @0x3FF5A004 within 900 ms, yet the ROM still answers SYNC: the command or its answer was lost/);
  });

  it('reset-mid: the rail dips as the MAC is read, the chip restarts and says so in its banner', async () => {
    const dipOn = (bytes: Uint8Array) => {
      if (bytes[2] === 0x0a && bytes[9] === 0x44) {
        w.device.setPower(false);
        w.clock.setTimer(5, () => w.device.setPower(true));
      }
      return bytes;
    };
    const w = wired('s3', { toChip: dipOn });
    const outcome = await drive(w.clock, runEngine(w.profile, w.link));
    expect(outcome.symptom).to.equal('reset-mid');
    expect(outcome.detail).to.match(/^the ROM printed its banner again during .+ \(rst:0xf \(BROWN_OUT_RST\),boot:0x8 \(SPI_FAST_FLASH_BOOT\)\): a brown-out reset mid-session/);
  });

  it('late: USB latency delays every answer past its deadline', async () => {
    const w = wired('c3');
    const deliver = w.link.deliver.bind(w.link);
    w.link.deliver = (bytes) => void w.clock.setTimer(450, () => deliver(bytes));
    const outcome = await drive(w.clock, runEngine(w.profile, w.link));
    expect(outcome.symptom).to.equal('late');
    expect(outcome.detail).to.match(/^SYNC answered after 45\d ms, deadline 300 ms — USB latency, or a slow board\?/);
  });
});

describe('esp32 ladder: what came when SYNC never got an answer', () => {
  const ctx = { strapPin: 'GPIO0', attempts: 11 };
  const evidence = (before: string, during = '') => {
    const e = new RomEvidence();
    e.raw(ascii(before));
    e.noise(ascii(before));
    e.phase = 'syncing';
    e.raw(ascii(during));
    e.noise(ascii(during));
    return e;
  };

  it('reset-mid: a second banner after the host began, with the brown-out reset code', () => {
    const e = evidence(
      'rst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download\r\n',
      'rst:0xf (RTCWDT_BROWN_OUT_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n',
    );
    expect(explainNoSync(e, ctx)).to.deep.equal({
      symptom: 'reset-mid',
      detail: 'the ROM printed its banner again during SYNC (rst:0xf (RTCWDT_BROWN_OUT_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)): a brown-out reset mid-session — check the supply',
    });
  });

  it('reset-mid: the ROM\'s head line again after the host began, though noise garbled the reset line after it', () => {
    const e = evidence(
      'ESP-ROM:esp32c3-api1-20210207\r\nBuild:Feb  7 2021\r\nrst:0x1 (POWERON),boot:0x5 (DOWNLOAD(USB/UART0/1))\r\nwaiting for download\r\n',
      'ESQ-ROM:esp32c3-api1-20210207\r\nBuild:Feb  7 2021\r\nrst:0xf (BROWN_OUT_RST),boo4:0x5 (DOWNLOAD(USB/UART0/1))\r\n',
    );
    expect(explainNoSync(e, ctx)).to.deep.equal({
      symptom: 'reset-mid',
      detail: 'the ROM printed its banner again during SYNC (ESQ-ROM:esp32c3-api1-20210207): the chip restarted mid-session — check the supply',
    });
  });

  it('a ROM head line with a flipped bit is the ROM booting, not an application\'s log', () => {
    const e = evidence('ESP-ROM:esp32c3-api1-20#10207\r\n');
    expect(explainNoSync(e, ctx).symptom).to.not.equal('wrong-mode');
  });

  it('not reset-mid: a first banner that only comes after the first SYNC (a late ROM)', () => {
    const e = evidence('', 'rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n');
    expect(explainNoSync(e, ctx).symptom).to.equal('wrong-mode');
  });

  it('wrong-mode (weak): only an application log, no banner — the chip was not reset', () => {
    const e = evidence('I (1234) app: tick\r\nI (2234) app: tick\r\n');
    expect(explainNoSync(e, ctx)).to.deep.include({ symptom: 'wrong-mode', weak: true });
    expect(explainNoSync(e, ctx).detail).to.match(/^no boot banner, and the board prints "I \(1234\) app: tick": its application runs/);
  });

  it('corrupt: garbage, with the invalid packet head named (a wrong baud, or noise)', () => {
    const e = new RomEvidence();
    e.noise(Uint8Array.of(0x9c, 0xf1, 0x03, 0x80, 0x41));
    expect(explainNoSync(e, ctx)).to.deep.equal({
      symptom: 'corrupt',
      detail: 'no SYNC answer, only 5 bytes of garbage (invalid packet head 9C: 9C F1 03 80 …) — wrong baud (a 26 MHz ESP32 prints at 74880), or noise on the line?',
    });
  });

  it('corrupt: download mode, and every SYNC answer damaged', () => {
    const e = evidence('rst:0x1 (POWERON),boot:0x0 (DOWNLOAD(USB/UART0))\r\nwaiting for download\r\n');
    e.damaged('SYNC answered status 01 05');
    e.damaged('SYNC answered status 01 05');
    expect(explainNoSync(e, ctx)).to.deep.equal({
      symptom: 'corrupt',
      detail: 'no clean SYNC answer in 11 attempts: SYNC answered status 01 05 (and 1 more) — noisy cable or port?',
    });
  });
});
