import { expect } from 'chai';
import { Stm32Bench } from './helpers.js';
import { f103Profile, f407Profile } from './fixtures.js';

describe('STM32 emulator: power, reset and boot pins', () => {
  it('is off and deaf until powered', () => {
    const b = new Stm32Bench();
    expect(b.device.state).to.equal('off');
    b.device.setPin('boot0', true);
    b.send(0x7f);
    b.clock.advance(1000);
    expect(b.take()).to.deep.equal([]);
    expect(b.device.state).to.equal('off');
  });

  it('stays silent while NRST is held, and starts the bootloader after startupMs once released', () => {
    const b = new Stm32Bench();
    b.device.setPin('boot0', true);
    b.device.setPin('reset', true);
    b.device.setPower(true);
    expect(b.device.state).to.equal('reset');
    b.clock.advance(500);
    b.send(0x7f);
    expect(b.take()).to.deep.equal([]);
    b.device.setPin('reset', false);
    expect(b.device.state).to.equal('booting');
    b.clock.advance(b.chip.startupMs - 1);
    expect(b.device.state).to.equal('booting');
    b.clock.advance(1);
    expect(b.device.state).to.equal('bootloader');
    expect(b.device.synced).to.equal(false);
  });

  it('loses bytes that arrive before the bootloader is listening', () => {
    const b = new Stm32Bench();
    b.device.setPin('boot0', true);
    b.device.setPower(true);
    b.clock.advance(b.chip.startupMs - 5);
    b.send(0x7f);
    b.clock.advance(5);
    expect(b.take()).to.deep.equal([]);
    expect(b.device.synced).to.equal(false);
    b.send(0x7f);
    expect(b.take()).to.deep.equal([0x79]);
    expect(b.device.synced).to.equal(true);
  });

  it('adds the extra start-up time of a slow board', () => {
    const b = new Stm32Bench(f103Profile(), { extraStartupMs: 200 });
    b.device.setPin('boot0', true);
    b.device.setPower(true);
    b.clock.advance(b.chip.startupMs + 199);
    expect(b.device.state).to.equal('booting');
    b.clock.advance(1);
    expect(b.device.state).to.equal('bootloader');
  });

  it('boots the application with BOOT0 low: banner at the app baud, input ignored', () => {
    const b = new Stm32Bench();
    b.device.setPower(true);
    b.clock.advance(b.chip.startupMs - 1);
    expect(b.take()).to.deep.equal([]);
    b.clock.advance(1);
    expect(b.device.state).to.equal('app');
    expect(b.text()).to.equal('blinky v1.0 ready\r\n');
    expect(b.bauds.at(-1)).to.equal(b.chip.appBaud);
    b.send(0x7f, 0x7f, 0x00, 0xff);
    b.clock.advance(100);
    expect(b.take()).to.deep.equal([]);
  });

  it('boots a silent application when the chip has no banner', () => {
    const b = new Stm32Bench(f407Profile());
    b.device.setPower(true);
    b.clock.advance(1000);
    expect(b.device.state).to.equal('app');
    expect(b.take()).to.deep.equal([]);
  });

  it('boots from SRAM with BOOT0 and BOOT1 high, and says nothing', () => {
    const b = new Stm32Bench();
    b.device.setPin('boot0', true);
    b.device.setPin('boot1', true);
    b.device.setPower(true);
    b.clock.advance(1000);
    b.send(0x7f);
    expect(b.device.state).to.equal('sram');
    expect(b.take()).to.deep.equal([]);
  });

  it('samples the pins at reset release, not when they change', () => {
    const b = new Stm32Bench();
    b.device.setPower(true);
    b.clock.advance(1000);
    expect(b.device.state).to.equal('app');
    b.take();
    b.device.setPin('boot0', true);
    expect(b.device.state).to.equal('app');
    b.device.setPin('reset', true);
    b.device.setPin('reset', false);
    b.clock.advance(b.chip.startupMs);
    expect(b.device.state).to.equal('bootloader');
  });

  it('follows a forced mode whatever the pins say', () => {
    const b = new Stm32Bench(f103Profile(), { forcedMode: 'app' });
    b.device.setPin('boot0', true);
    b.device.setPower(true);
    b.clock.advance(b.chip.startupMs);
    expect(b.device.state).to.equal('app');
    b.device.setFaults({ forcedMode: 'bootloader' });
    b.device.setPin('boot0', false);
    b.device.setPin('reset', true);
    b.device.setPin('reset', false);
    b.clock.advance(b.chip.startupMs);
    expect(b.device.state).to.equal('bootloader');
  });

  it('a dead board neither talks nor listens', () => {
    const b = new Stm32Bench(f103Profile(), { dead: true });
    b.device.setPin('boot0', true);
    b.device.setPower(true);
    b.clock.advance(1000);
    b.send(0x7f);
    b.clock.advance(1000);
    expect(b.take()).to.deep.equal([]);
    expect(b.device.state).to.equal('dead');
  });

  it('a bootlooping board floods log text while powered and stops under reset', () => {
    const b = new Stm32Bench(f103Profile(), { bootloop: true });
    b.device.setPin('boot0', true);
    b.device.setPower(true);
    b.clock.advance(1000);
    const text = b.text();
    expect(text.length).to.be.greaterThan(2000);
    expect(text).to.contain('HardFault');
    expect(b.device.state).to.equal('bootloop');
    b.device.setPin('reset', true);
    b.clock.advance(1000);
    expect(b.take()).to.deep.equal([]);
    b.device.setPower(false);
    expect(b.device.state).to.equal('off');
  });

  it('power loss ends the bootloader session; the next power-on needs a new sync', () => {
    const b = new Stm32Bench().bootloader();
    expect(b.device.synced).to.equal(true);
    b.device.setPower(false);
    expect(b.device.state).to.equal('off');
    expect(b.device.synced).to.equal(false);
    b.device.setPower(true);
    b.clock.advance(b.chip.startupMs);
    b.send(0x00, 0xff);
    expect(b.take()).to.deep.equal([]);
    b.send(0x7f);
    expect(b.take()).to.deep.equal([0x79]);
  });

  it('dispose cancels pending start-up', () => {
    const b = new Stm32Bench();
    b.device.setPin('boot0', true);
    b.device.setPower(true);
    b.device.dispose();
    b.clock.advance(1000);
    expect(b.device.state).to.equal('booting');
    expect(b.take()).to.deep.equal([]);
  });
});

describe('STM32 emulator: autobaud sync', () => {
  it('ignores anything but 0x7F before sync, then ACKs the first 0x7F', () => {
    const b = new Stm32Bench();
    b.device.setPin('boot0', true);
    b.device.setPower(true);
    b.clock.advance(b.chip.startupMs);
    b.send(0x00, 0xff, 0x55, 0x79);
    expect(b.take()).to.deep.equal([]);
    b.send(0x7f);
    expect(b.take()).to.deep.equal([0x79]);
    expect(b.bauds.at(-1)).to.equal(115200);
  });

  it('takes a second 0x7F as a command byte: silent, then NACK on the third', () => {
    const b = new Stm32Bench().bootloader();
    b.send(0x7f);
    expect(b.take()).to.deep.equal([]);
    b.send(0x7f);
    expect(b.take()).to.deep.equal([0x1f]);
    b.send(0x02, 0xfd);
    expect(b.take()).to.deep.equal([0x79, 0x01, 0x04, 0x10, 0x79]);
  });

  it('answers at the host baud it locked to', () => {
    const b = new Stm32Bench();
    b.device.hostBaud = 57600;
    b.bootloader();
    expect(b.bauds.at(-1)).to.equal(57600);
  });
});

describe('STM32 emulator: a power relay declared in the profile', () => {
  it('runs only while both the supply and the power pin are on', () => {
    const profile = f103Profile();
    profile.pins.power = { name: 'power', role: 'power', active: 'high', idle: 'inactive' };
    const b = new Stm32Bench(profile);
    b.device.setPin('boot0', true);
    b.device.setPower(true);
    b.clock.advance(1000);
    expect(b.device.state).to.equal('off');
    b.device.setPin('power', true);
    expect(b.device.state).to.equal('booting');
    b.clock.advance(b.chip.startupMs);
    expect(b.device.state).to.equal('bootloader');
    b.device.setPin('power', false);
    expect(b.device.state).to.equal('off');
  });
});
