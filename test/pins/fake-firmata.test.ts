import { expect } from 'chai';
import { ManualClock } from '../../harness/core/clock.js';
import { FakeStandardFirmata, FIRMATA, PIN_MODE, type FirmataVersion } from '../../firmware-stubs/relays/index.js';

const OUT = PIN_MODE.OUTPUT;

function boot(bootMs = 100, version?: FirmataVersion): { fake: FakeStandardFirmata; clock: ManualClock; sent: number[] } {
  const clock = new ManualClock();
  const fake = new FakeStandardFirmata({ clock, bootMs, version });
  const sent: number[] = [];
  fake.onTransmit((bytes, baud) => {
    expect(baud).to.equal(57600);
    sent.push(...bytes);
  });
  clock.advance(bootMs);
  return { fake, clock, sent };
}

/** Sends bytes and returns what the fake answered. */
function exchange(fake: FakeStandardFirmata, sent: number[], bytes: number[]): number[] {
  sent.length = 0;
  fake.receive(Uint8Array.from(bytes));
  return [...sent];
}

function nameBytes(text: string): number[] {
  return [...text].flatMap((c) => [c.charCodeAt(0) & 0x7f, c.charCodeAt(0) >> 7]);
}

describe('pins: fake StandardFirmata', () => {
  it('boots after bootMs: version, firmware name, digital pins OUTPUT LOW, analog pins analog', () => {
    const clock = new ManualClock();
    const fake = new FakeStandardFirmata({ clock, bootMs: 2100 });
    const sent: number[] = [];
    fake.onTransmit((bytes) => sent.push(...bytes));
    clock.advance(2099);
    expect(sent).to.deep.equal([]);
    expect(fake.state).to.equal('booting');
    fake.receive(Uint8Array.of(0xf9)); // lost: nothing listens while booting
    clock.advance(1);
    expect(sent).to.deep.equal([0xf9, 2, 4, 0xf0, 0x79, 2, 4, ...nameBytes('StandardFirmata.ino'), 0xf7]);
    expect(fake.state).to.equal('running');
    expect(fake.levels()).to.deep.equal([null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null, null, null, null]);
    expect(fake.mode(13)).to.equal(OUT);
    expect(fake.mode(14)).to.equal(PIN_MODE.ANALOG);
    const bootLog = fake.log.filter((entry) => entry.cause === 'boot');
    expect(bootLog.map((entry) => entry.pin)).to.deep.equal([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(bootLog.every((entry) => entry.at === 2100 && entry.level === 0)).to.equal(true);
  });

  it('answers the version and firmware queries', () => {
    const { fake, sent } = boot(100, '2.5');
    expect(exchange(fake, sent, [0xf9])).to.deep.equal([0xf9, 2, 5]);
    const firmware = exchange(fake, sent, [0xf0, 0x79, 0xf7]);
    expect(firmware.slice(0, 4)).to.deep.equal([0xf0, 0x79, 2, 5]);
    expect(firmware.at(-1)).to.equal(0xf7);
  });

  it('reports Uno capabilities and the analog mapping', () => {
    const { fake, sent } = boot(100, '2.5');
    const answer = exchange(fake, sent, [0xf0, FIRMATA.CAPABILITY_QUERY, 0xf7]);
    expect(answer.slice(0, 2)).to.deep.equal([0xf0, FIRMATA.CAPABILITY_RESPONSE]);
    expect(answer.at(-1)).to.equal(0xf7);
    const perPin: number[][] = [];
    let current: number[] = [];
    for (const byte of answer.slice(2, -1)) {
      if (byte === 0x7f) {
        perPin.push(current);
        current = [];
      } else current.push(byte);
    }
    expect(perPin).to.have.length(20);
    expect(perPin[0]).to.deep.equal([]);
    expect(perPin[1]).to.deep.equal([]);
    expect(perPin[2]).to.deep.equal([0, 1, 0x0b, 1, 1, 1, 4, 14]);
    expect(perPin[3]).to.deep.equal([0, 1, 0x0b, 1, 1, 1, 3, 8, 4, 14]);
    expect(perPin[14]).to.deep.equal([0, 1, 0x0b, 1, 1, 1, 2, 10, 4, 14]);
    expect(perPin[18]).to.deep.equal([0, 1, 0x0b, 1, 1, 1, 2, 10, 4, 14, 6, 1]);

    const mapping = exchange(fake, sent, [0xf0, FIRMATA.ANALOG_MAPPING_QUERY, 0xf7]);
    expect(mapping).to.deep.equal([0xf0, 0x6a, ...Array(14).fill(0x7f), 0, 1, 2, 3, 4, 5, 0xf7]);
  });

  it('drives only OUTPUT pins from a DIGITAL_MESSAGE and logs the level changes with their times', () => {
    const { fake, clock } = boot();
    clock.advance(50);
    // Port 0: bits 0, 1 (serial pins), 2 and 7 set.
    fake.receive(Uint8Array.of(0x90, 0b0000111, 0b1));
    expect(fake.levels().slice(0, 8)).to.deep.equal([null, null, 1, 0, 0, 0, 0, 1]);
    // Port 2 holds A0..A5 (analog inputs): nothing changes.
    fake.receive(Uint8Array.of(0x92, 0x7f, 0x01));
    expect(fake.levels().slice(14)).to.deep.equal([null, null, null, null, null, null]);
    const commands = fake.log.filter((entry) => entry.cause === 'command');
    expect(commands).to.deep.equal([
      { at: 150, rxBytes: 3, pin: 2, level: 1, cause: 'command' },
      { at: 150, rxBytes: 3, pin: 7, level: 1, cause: 'command' },
    ]);
  });

  it('handles SET_PIN_MODE and SET_DIGITAL_PIN_VALUE as firmware 2.5 does', () => {
    const { fake, sent } = boot(100, '2.5');
    fake.receive(Uint8Array.of(0xf5, 8, 1));
    expect(fake.level(8)).to.equal(1);
    fake.receive(Uint8Array.of(0xf5, 15, 1)); // analog pin: ignored
    expect(fake.level(15)).to.equal(null);
    fake.receive(Uint8Array.of(0xf4, 15, OUT)); // analog mode cleared the latch
    expect(fake.level(15)).to.equal(0);
    fake.receive(Uint8Array.of(0xf5, 15, 1));
    expect(fake.level(15)).to.equal(1);
    expect(exchange(fake, sent, [0xf0, FIRMATA.PIN_STATE_QUERY, 15, 0xf7])).to.deep.equal([0xf0, 0x6e, 15, OUT, 1, 0xf7]);
    fake.receive(Uint8Array.of(0xf4, 8, PIN_MODE.INPUT));
    expect(fake.level(8)).to.equal(null);
    fake.receive(Uint8Array.of(0x91, 0x01, 0x00)); // write 1 to an input: pull-up on, still not driven
    expect(fake.level(8)).to.equal(null);
    expect(exchange(fake, sent, [0xf0, FIRMATA.PIN_STATE_QUERY, 8, 0xf7])).to.deep.equal([0xf0, 0x6e, 8, PIN_MODE.INPUT, 1, 0xf7]);
    expect(fake.level(15)).to.equal(0); // a port message writes all eight pins of the port
    expect(exchange(fake, sent, [0xf0, FIRMATA.PIN_STATE_QUERY, 20, 0xf7])).to.deep.equal([]);
    fake.receive(Uint8Array.of(0xf4, 0, OUT)); // the serial pins take no mode
    expect(fake.level(0)).to.equal(null);
    fake.receive(Uint8Array.of(0xf4, 4, PIN_MODE.ANALOG)); // not an analog pin: ignored
    expect(fake.mode(4)).to.equal(OUT);
  });

  it('SYSTEM_RESET restores the modes; 2.5 keeps the output latches', () => {
    const { fake } = boot(100, '2.5');
    fake.receive(Uint8Array.of(0xf5, 9, 1, 0xf4, 16, OUT, 0xf4, 10, PIN_MODE.INPUT));
    expect([fake.level(9), fake.level(16), fake.level(10)]).to.deep.equal([1, 0, null]);
    fake.receive(Uint8Array.of(0xff));
    expect([fake.level(9), fake.level(16), fake.level(10)]).to.deep.equal([1, null, 0]);
    expect(fake.bootCount).to.equal(1);
  });

  it('firmware 2.4 drives a pin LOW when it becomes an OUTPUT, knows no SET_DIGITAL_PIN_VALUE, and logs where it happened', () => {
    const { fake, sent } = boot();
    expect(exchange(fake, sent, [0xf9])).to.deep.equal([0xf9, 2, 4]);
    fake.receive(Uint8Array.of(0xf5, 8, 1)); // unknown to 2.4
    expect(fake.level(8)).to.equal(0);
    // Pin 8 HIGH, then OUTPUT again (it already is one): LOW until the next port message restores it.
    const start = fake.rxBytes;
    fake.receive(Uint8Array.of(0x91, 0x01, 0x00, 0xf4, 8, OUT, 0x91, 0x01, 0x00));
    expect(fake.level(8)).to.equal(1);
    const pin8 = fake.log.filter((entry) => entry.pin === 8 && entry.rxBytes > start);
    expect(pin8.map((entry) => [entry.level, entry.rxBytes - start])).to.deep.equal([
      [1, 3],
      [0, 6],
      [1, 9],
    ]);
    // An input written 1 gets its pull-up; 2.4 takes a 0 bit as "pull-up off" (2.5 leaves it on).
    fake.receive(Uint8Array.of(0xf4, 9, PIN_MODE.INPUT, 0x91, 0x02, 0x00));
    expect(exchange(fake, sent, [0xf0, FIRMATA.PIN_STATE_QUERY, 9, 0xf7])).to.deep.equal([0xf0, 0x6e, 9, PIN_MODE.INPUT, 1, 0xf7]);
    fake.receive(Uint8Array.of(0x91, 0x00, 0x00));
    expect(exchange(fake, sent, [0xf0, FIRMATA.PIN_STATE_QUERY, 9, 0xf7])).to.deep.equal([0xf0, 0x6e, 9, PIN_MODE.INPUT, 0, 0xf7]);
    // SYSTEM_RESET sets every digital pin OUTPUT, hence LOW, again.
    fake.receive(Uint8Array.of(0x91, 0x01, 0x00, 0xff));
    expect(fake.level(8)).to.equal(0);
    expect(fake.level(9)).to.equal(0);
    const capabilities = exchange(fake, sent, [0xf0, FIRMATA.CAPABILITY_QUERY, 0xf7]);
    expect(capabilities).to.not.include(PIN_MODE.PULLUP);
  });

  it('a hung firmware keeps its pins and answers nothing until it is reset', () => {
    const { fake, clock, sent } = boot(100);
    fake.receive(Uint8Array.of(0x90, 0x04, 0x00)); // pin 2 HIGH
    fake.hang();
    expect(fake.state).to.equal('hung');
    expect(exchange(fake, sent, [0xf0, FIRMATA.PIN_STATE_QUERY, 2, 0xf7])).to.deep.equal([]);
    fake.receive(Uint8Array.of(0x90, 0x00, 0x00));
    expect(fake.level(2)).to.equal(1);
    fake.reset();
    clock.advance(100);
    expect(fake.state).to.equal('running');
    expect(exchange(fake, sent, [0xf0, FIRMATA.PIN_STATE_QUERY, 2, 0xf7])).to.deep.equal([0xf0, 0x6e, 2, OUT, 0, 0xf7]);
  });

  it('parses messages split across chunks and ignores garbage', () => {
    const { fake, sent } = boot();
    fake.receive(Uint8Array.of(0x12, 0x34)); // stray data bytes
    fake.receive(Uint8Array.of(0x91));
    fake.receive(Uint8Array.of(0x04));
    expect(fake.level(10)).to.equal(0);
    fake.receive(Uint8Array.of(0x00));
    expect(fake.level(10)).to.equal(1);
    fake.receive(Uint8Array.of(0xf0, 0x6b, 0x90, 0x7c, 0x00)); // sysex cut short by a command
    expect(fake.levels().slice(2, 8)).to.deep.equal([1, 1, 1, 1, 1, 0]);
    expect(exchange(fake, sent, [0xf0, 0x79])).to.deep.equal([]);
    expect(exchange(fake, sent, [0xf7]).slice(0, 2)).to.deep.equal([0xf0, 0x79]);
    expect(fake.ignoredBytes).to.be.greaterThan(0);
  });

  it('power loss leaves every pin undriven; power-on and reset boot again', () => {
    const { fake, clock, sent } = boot(100);
    fake.receive(Uint8Array.of(0xf5, 7, 1));
    fake.setPower(false);
    expect(fake.state).to.equal('off');
    expect(fake.levels().every((level) => level === null)).to.equal(true);
    expect(fake.log.filter((entry) => entry.cause === 'power')).to.have.length(12);
    sent.length = 0;
    fake.setPower(true);
    clock.advance(100);
    expect(sent.slice(0, 3)).to.deep.equal([0xf9, 2, 4]);
    expect(fake.level(7)).to.equal(0);
    fake.receive(Uint8Array.of(0xf5, 7, 1));
    fake.reset();
    expect(fake.level(7)).to.equal(null);
    clock.advance(100);
    expect(fake.level(7)).to.equal(0);
    expect(fake.bootCount).to.equal(3);
  });
});
