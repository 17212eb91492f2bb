/** The ESP32-family ROM loader emulator, command by command and fault by fault, on a ManualClock. */
import { expect } from 'chai';
import { MAGIC_ADDRESS } from '../../../harness/families/esp32/chips.js';
import { BROWNOUT_MAX_OFF_MS } from '../../../harness/families/esp32/emulator/index.js';
import { checksum, OP, SYNC_DATA, SYNC_VALUE, words } from '../../../harness/families/esp32/packets.js';
import { chip } from './fixtures.js';

const mac = (low: number, high: number) => [high >> 8, high & 0xff, low >>> 24, (low >> 16) & 0xff, (low >> 8) & 0xff, low & 0xff];

describe('esp32 emulator: boot banner and strapping', () => {
  it('EN released with GPIO0 held low: the ESP32 ROM prints its download banner at 115200 and listens', () => {
    const c = chip('esp32');
    c.sent.length = 0;
    c.reset(true);
    expect(c.device.state).to.equal('download');
    expect(c.text()).to.equal(
      'ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download\r\n',
    );
    expect(c.sent.every((s) => s.baud === 115200)).to.equal(true);
    // The banner comes after the start-up time, not at the edge.
    expect(c.sent[0]!.at).to.equal(200 + 100 + 30);
  });

  it('GPIO0 high at EN release: a flash boot (boot:0x13), the application log, and input ignored', () => {
    const c = chip('esp32');
    c.sent.length = 0;
    c.reset(false);
    expect(c.device.state).to.equal('app');
    expect(c.text()).to.match(/^ets Jun {2}8 2016 00:22:57\r\n\r\nrst:0x1 \(POWERON_RESET\),boot:0x13 \(SPI_FAST_FLASH_BOOT\)\r\nconfigsip/);
    expect(c.text()).to.include('I (256) app: started');
    const before = c.sent.length;
    c.command(OP.SYNC, SYNC_DATA);
    expect(c.sent.length).to.equal(before);
  });

  it('each variant prints its own banner and boot values; the C3 straps on GPIO9 (the profile pin `boot`)', () => {
    const s3 = chip('s3');
    s3.sent.length = 0;
    s3.reset(true);
    expect(s3.text()).to.equal('ESP-ROM:esp32s3-20210327\r\nBuild:Mar 27 2021\r\nrst:0x1 (POWERON),boot:0x0 (DOWNLOAD(USB/UART0))\r\nwaiting for download\r\n');
    const c3 = chip('c3');
    expect(c3.text(), 'the power-on boot with the strap released').to.include('rst:0x1 (POWERON),boot:0xc (SPI_FAST_FLASH_BOOT)');
    c3.sent.length = 0;
    c3.reset(true);
    expect(c3.text()).to.include('boot:0x5 (DOWNLOAD(USB/UART0/1))');
    expect(c3.profile.pins.boot!.notes).to.match(/GPIO9/);
  });

  it('an ESP32 with a 26 MHz crystal prints at 74880 baud; the loader answers at the host\'s rate', () => {
    const c = chip('esp32', { chip: { crystalMhz: 26 } });
    c.sent.length = 0;
    c.reset(true);
    expect(c.sent.map((s) => s.baud)).to.deep.equal([74880]);
    c.command(OP.SYNC, SYNC_DATA);
    expect(c.sent.slice(1).every((s) => s.baud === 115200)).to.equal(true);
    // The ROM set its UART divider for the host's rate: esptool reads the crystal back from it.
    expect(c.device.peek(0x3ff40014)).to.equal(Math.round(26e6 / 115200));
  });

  it('held in reset: silent; a power-off longer than a dip is a power-on, a short dip a brown-out reset', () => {
    const c = chip('s3');
    c.device.setPin('boot', true);
    c.device.setPin('reset', true);
    c.sent.length = 0;
    c.clock.advance(500);
    expect(c.device.state).to.equal('reset');
    expect(c.sent).to.deep.equal([]);
    c.device.setPin('reset', false);
    c.clock.advance(100);
    c.sent.length = 0;
    c.device.setPower(false);
    c.clock.advance(5);
    c.device.setPower(true);
    c.clock.advance(100);
    expect(c.text()).to.include('rst:0xf (BROWN_OUT_RST),boot:0x0 (DOWNLOAD(USB/UART0))');
    c.sent.length = 0;
    c.device.setPower(false);
    c.clock.advance(BROWNOUT_MAX_OFF_MS + 50);
    c.device.setPower(true);
    c.clock.advance(100);
    expect(c.text()).to.include('rst:0x1 (POWERON),');
  });
});

describe('esp32 emulator: the ROM loader', () => {
  function loader(board: Parameters<typeof chip>[0] = 'esp32') {
    const c = chip(board);
    c.reset(true);
    c.sent.length = 0;
    return c;
  }

  it('SYNC: eight identical answers with value 0x20120707 and four status bytes', () => {
    const c = loader();
    c.command(OP.SYNC, SYNC_DATA);
    const answers = c.responses();
    expect(answers).to.have.length(8);
    for (const a of answers) expect(a).to.deep.include({ op: OP.SYNC, value: SYNC_VALUE, status: 0, error: 0 });
    expect(c.sent.flatMap((s) => [...s.bytes]).slice(0, 14)).to.deep.equal([0xc0, 0x01, 0x08, 0x04, 0x00, 0x07, 0x07, 0x12, 0x20, 0, 0, 0, 0, 0xc0]);
  });

  it('SYNC with damaged data, or a length field that disagrees with the data: status 01 05 (invalid message)', () => {
    const c = loader();
    const bad = SYNC_DATA.slice();
    bad[10] = 0x54;
    c.command(OP.SYNC, bad);
    const packet = Uint8Array.from([0x00, OP.READ_REG, 0x05, 0x00, 0, 0, 0, 0, 0x00, 0x10, 0x00, 0x40]);
    c.device.receive(Uint8Array.from([0xc0, ...packet, 0xc0]));
    c.clock.advance(1);
    expect(c.responses().map((r) => [r.op, r.status, r.error])).to.deep.equal([
      [OP.SYNC, 1, 5],
      [OP.READ_REG, 1, 5],
    ]);
  });

  it('READ_REG: the magic word and the eFuse MAC words of each chip; WRITE_REG changes only the masked bits', () => {
    for (const [board, magic, low, high, want] of [
      ['esp32', 0x00f01d83, 0x3ff5a004, 0x3ff5a008, '24:0a:c4:5e:10:2c'],
      ['s3', 0x00000009, 0x60007044, 0x60007048, '7c:df:a1:e2:4b:90'],
      ['c3', 0x1b31506f, 0x60008844, 0x60008848, '58:cf:79:0a:31:e4'],
    ] as const) {
      const c = loader(board);
      for (const address of [MAGIC_ADDRESS, low, high]) c.command(OP.READ_REG, words(address));
      const [m, l, h] = c.responses().map((r) => r.value);
      expect(m, board).to.equal(magic);
      expect(mac(l!, h!).map((b) => b.toString(16).padStart(2, '0')).join(':')).to.equal(want);
    }
    const c = loader();
    c.command(OP.WRITE_REG, words(0x3ffe0000, 0x12345678, 0x0000ff00, 0));
    c.command(OP.READ_REG, words(0x3ffe0000));
    expect(c.responses().map((r) => [r.op, r.status, r.value])).to.deep.equal([
      [OP.WRITE_REG, 0, 0],
      [OP.READ_REG, 0, 0x00005600],
    ]);
  });

  it('GET_SECURITY_INFO: chip id 9 on the S3; the ESP32 ROM turns it down eight times, under another opcode', () => {
    const s3 = loader('s3');
    s3.command(OP.GET_SECURITY_INFO);
    const [info] = s3.responses(20);
    expect(info!.op).to.equal(OP.GET_SECURITY_INFO);
    expect(info!.status).to.equal(0);
    expect(Array.from(info!.body.subarray(12, 16))).to.deep.equal([9, 0, 0, 0]);
    const esp32 = loader('esp32');
    esp32.command(OP.GET_SECURITY_INFO);
    const refusals = esp32.responses();
    expect(refusals).to.have.length(8);
    for (const r of refusals) expect([r.op, r.status, r.error]).to.deep.equal([0x00, 1, 5]);
  });

  it('SPI_ATTACH takes 8 bytes on the ROM (4 is an invalid message); SPI_SET_PARAMS takes six words', () => {
    const c = loader();
    c.command(OP.SPI_ATTACH, words(0, 0));
    c.command(OP.SPI_ATTACH, words(0));
    c.command(OP.SPI_SET_PARAMS, words(0, 0x400000, 0x10000, 0x1000, 0x100, 0xffff));
    expect(c.responses().map((r) => [r.op, r.status, r.error])).to.deep.equal([
      [OP.SPI_ATTACH, 0, 0],
      [OP.SPI_ATTACH, 1, 5],
      [OP.SPI_SET_PARAMS, 0, 0],
    ]);
  });

  it('MEM_BEGIN / MEM_DATA / MEM_END: blocks land in memory; checksum, order and state are checked; then it jumps', () => {
    const c = loader();
    const block = (seq: number, data: Uint8Array, chk = checksum(data)) => c.command(OP.MEM_DATA, Uint8Array.from([...words(data.length, seq, 0, 0), ...data]), chk);
    const a = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    const b = Uint8Array.from([0xc0, 0xdb, 0xaa, 0x55]);
    block(0, a);
    c.command(OP.MEM_BEGIN, words(20, 2, 16, 0x40080000));
    block(0, a, checksum(a) ^ 1);
    block(1, b);
    block(0, a);
    block(1, b);
    expect(c.responses().map((r) => [r.op, r.status, r.error])).to.deep.equal([
      [OP.MEM_DATA, 1, 6], // before MEM_BEGIN: failed to act
      [OP.MEM_BEGIN, 0, 0],
      [OP.MEM_DATA, 1, 7], // bad checksum
      [OP.MEM_DATA, 1, 5], // out of order
      [OP.MEM_DATA, 0, 0],
      [OP.MEM_DATA, 0, 0],
    ]);
    expect(Array.from(c.device.peekBytes(0x40080000, 20))).to.deep.equal([...a, ...b]);
    c.command(OP.MEM_END, words(0, 0x40080004));
    expect(c.responses().at(-1)).to.deep.include({ op: OP.MEM_END, status: 0 });
    expect(c.device.state).to.equal('ram');
    const before = c.sent.length;
    c.command(OP.SYNC, SYNC_DATA);
    expect(c.sent.length, 'code in RAM runs; the ROM no longer answers').to.equal(before);
  });

  it('CHANGE_BAUDRATE: answered at the old rate, then every answer at the new one', () => {
    const c = loader();
    c.command(OP.CHANGE_BAUDRATE, words(921600, 0));
    c.command(OP.READ_REG, words(MAGIC_ADDRESS));
    expect(c.sent.map((s) => s.baud)).to.deep.equal([115200, 921600]);
  });

  it('a command the ROM does not know is turned down like GET_SECURITY_INFO on the ESP32; noise is ignored', () => {
    const c = loader('c3');
    c.device.receive(Uint8Array.from([0x41, 0x42, 0x0d, 0x0a]));
    c.command(0xd0);
    expect(c.responses().map((r) => [r.op, r.status, r.error])).to.deep.equal(new Array(8).fill([0x00, 1, 5]));
  });
});

describe('esp32 emulator: board faults', () => {
  it('dead: no banner, no answer', () => {
    const c = chip('esp32', { faults: { dead: true } });
    c.sent.length = 0;
    c.reset(true);
    c.command(OP.SYNC, SYNC_DATA);
    expect(c.device.state).to.equal('dead');
    expect(c.sent).to.deep.equal([]);
  });

  it('bootloop: the application crashes and the chip restarts over and over, whatever the strap', () => {
    const c = chip('s3', { faults: { bootloop: true } });
    c.sent.length = 0;
    c.reset(true);
    c.clock.advance(1000);
    const text = c.text();
    expect(text.match(/rst:0x/g)!.length).to.be.at.least(5);
    expect(text).to.include("Guru Meditation Error: Core  0 panic'ed");
    expect(text).to.include('rst:0xc (RTC_SW_CPU_RST),boot:0x8 (SPI_FAST_FLASH_BOOT)');
  });

  it('forced modes win over the strap; extra start-up time delays the banner', () => {
    const app = chip('esp32', { faults: { forcedMode: 'app' } });
    app.reset(true);
    expect(app.device.state).to.equal('app');
    const rom = chip('esp32', { faults: { forcedMode: 'bootloader' } });
    expect(rom.device.state, 'download at power-on with the strap released').to.equal('download');
    const slow = chip('c3', { faults: { extraStartupMs: 300 } });
    slow.sent.length = 0;
    slow.reset(true);
    expect(slow.sent).to.deep.equal([]);
    slow.clock.advance(300);
    expect(slow.text()).to.include('waiting for download');
  });
});
