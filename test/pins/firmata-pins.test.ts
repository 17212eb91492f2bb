import { expect } from 'chai';
import { FirmataPinImage, portPins, type PinState } from '../../harness/pins/firmata/pins.js';
import { PIN_MODE } from '../../harness/pins/firmata/protocol.js';

const { INPUT, OUTPUT, ANALOG } = PIN_MODE;

function image(states: Record<number, PinState>): FirmataPinImage {
  return new FirmataPinImage(new Map(Object.entries(states).map(([pin, state]) => [Number(pin), state])));
}

describe('pins: Firmata pin image', () => {
  it('an output pin gets one port message that carries every other pin of the port as it is', () => {
    // Port 0: pin 4 an output at 1, pin 5 an input with its pull-up, pin 6 analog (never written), pin 7 ours.
    const pins = image({
      4: { mode: OUTPUT, state: 1 },
      5: { mode: INPUT, state: 1 },
      6: { mode: ANALOG, state: 1 },
      7: { mode: OUTPUT, state: 0 },
    });
    expect(pins.drive(new Map([[7, 1]]))).to.deep.equal([0x90, 0x30, 0x01]);
    expect(pins.level(7)).to.equal(1);
    expect(pins.drive(new Map([[4, 0], [7, 0]]))).to.deep.equal([0x90, 0x20, 0x00]);
    expect(pins.drive(new Map())).to.deep.equal([]);
  });

  it('a pin that is not an output: level, then mode, then level again, in that order', () => {
    const pins = image({
      8: { mode: INPUT, state: 0 },
      9: { mode: INPUT, state: 1 },
      10: { mode: ANALOG, state: 0 },
      11: { mode: OUTPUT, state: 1 },
    });
    expect(pins.drive(new Map([[8, 1], [9, 0], [10, 1]]))).to.deep.equal([
      0xf4, 9, INPUT, // its pull-up off, or it would drive HIGH once an output
      0xf4, 10, INPUT, // analog pins take no level: an input first
      0x91, 0x0d, 0x00, // 8 and 10 pulled up, 11 kept HIGH
      0xf4, 8, OUTPUT,
      0x91, 0x0d, 0x00,
      0xf4, 9, OUTPUT,
      0x91, 0x0d, 0x00,
      0xf4, 10, OUTPUT,
      0x91, 0x0d, 0x00,
    ]);
    expect([8, 9, 10, 11].map((pin) => pins.level(pin))).to.deep.equal([1, 0, 1, 1]);
  });

  it('after a restart the boot defaults come back, so modes are set again', () => {
    const pins = image({ 14: { mode: OUTPUT, state: 1 }, 15: { mode: OUTPUT, state: 1 } });
    pins.resetTo((pin) => (pin === 14 ? ANALOG : OUTPUT));
    expect(pins.level(14)).to.equal(undefined);
    expect(pins.level(15)).to.equal(0);
    const bytes = pins.drive(new Map([[14, 1]]));
    expect(bytes).to.deep.equal([0xf4, 14, INPUT, 0x91, 0x40, 0x00, 0xf4, 14, OUTPUT, 0x91, 0x40, 0x00]);
  });

  it('lists every pin of the ports that hold the given pins', () => {
    expect(portPins([3, 16, 5])).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
  });
});
