import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProfile } from '../../../harness/config/load.js';
import { ManualClock } from '../../../harness/core/clock.js';
import { textShare, toHex } from '../../../harness/core/bytes.js';
import { MediatekDevice } from '../../../harness/families/mediatek/emulator/index.js';
import type { MediatekChipFacts } from '../../../harness/families/mediatek/schema.js';
import { MT6580, MT6735, MT6765, mediatekProfile, powerUp, Probe, sendBytewise } from './fixtures.js';

const READY = '52 45 41 44 59';

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

describe('MediaTek emulator: boot modes', () => {
  describe('BROM (KCOL0 held at power-on)', () => {
    it('starts listening after the chip start-up time and sends nothing unprompted', () => {
      const clock = new ManualClock();
      const { device, probe } = powerUp(clock, MT6765, { kcol0: true });
      expect(device.state).to.equal('booting');
      clock.advance(MT6765.startupMs);
      expect(device.state).to.equal('brom');
      clock.advance(5000);
      expect(probe.total).to.equal(0);
      expect(device.state).to.equal('brom');
    });

    it('adds the extra start-up time of a slow board', () => {
      const clock = new ManualClock();
      const { device, probe } = powerUp(clock, MT6765, { kcol0: true, faults: { extraStartupMs: 300 } });
      clock.advance(MT6765.startupMs + 299);
      expect(device.state).to.equal('booting');
      expect(sendBytewise(device, probe, 'A0')).to.have.length(0);
      clock.advance(1);
      expect(device.state).to.equal('brom');
      expect(toHex(sendBytewise(device, probe, 'A0'))).to.equal('5F');
    });

    it('samples KCOL0 only at power-on', () => {
      const clock = new ManualClock();
      const { device, probe } = powerUp(clock, MT6765, { kcol0: true });
      device.setPin('kcol0', false);
      clock.advance(2000);
      expect(device.state).to.equal('brom');
      expect(probe.total).to.equal(0);
      device.setPower(false);
      device.setPower(true);
      clock.advance(MT6765.startupMs);
      expect(device.state).to.equal('preloader');
    });
  });

  describe('Preloader (KCOL0 released at power-on)', () => {
    it('sends READY once per boot at 115200 baud, when its window opens (over UART it does not repeat it)', () => {
      const clock = new ManualClock();
      const { device, probe } = powerUp(clock, MT6765, { kcol0: false });
      clock.advance(MT6765.startupMs - 1);
      expect(probe.total).to.equal(0);
      // The whole window passes without a host byte: one READY, nothing else.
      clock.advance(1 + MT6765.preloader.windowMs - 1);
      expect(device.state).to.equal('preloader');
      const pushes = probe.takeTransmissions();
      expect(pushes.map((t) => t.at)).to.deep.equal([MT6765.startupMs]);
      expect(toHex(pushes[0]!.bytes)).to.equal(READY);
      expect(pushes[0]!.baud).to.equal(115200);
      // The next boot sends it once more.
      device.setPower(false);
      device.setPower(true);
      const poweredAt = clock.now();
      clock.advance(MT6765.startupMs + 500);
      expect(probe.takeTransmissions().map((t) => [t.at, toHex(t.bytes)])).to.deep.equal([[poweredAt + MT6765.startupMs, READY]]);
    });

    it('still loads a profile that sets preloader.readyIntervalMs, and sends READY once all the same', () => {
      const dir = mkdtempSync(join(tmpdir(), 'shakedown-mtk-profile-'));
      try {
        const file = join(dir, 'mt6765-old.yaml');
        const text = readFileSync('boards/mt6765.yaml', 'utf8').replace(/\n  preloader:\n/, '\n  preloader:\n    readyIntervalMs: 20\n');
        expect(text).to.contain('readyIntervalMs: 20');
        writeFileSync(file, text);
        const profile = loadProfile(file);
        const chip = profile.chip as MediatekChipFacts;
        const clock = new ManualClock();
        const device = new MediatekDevice(chip, profile, clock);
        const probe = new Probe(device, clock);
        device.setPower(true);
        clock.advance(chip.startupMs + chip.preloader.windowMs - 1);
        expect(probe.takeTransmissions().map((t) => toHex(t.bytes))).to.deep.equal([READY]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('swallows the first A0 without an answer, then answers the handshake', () => {
      const clock = new ManualClock();
      const { device, probe } = powerUp(clock, MT6765, { kcol0: false });
      clock.advance(MT6765.startupMs + 30);
      probe.take();
      expect(sendBytewise(device, probe, 'A0')).to.have.length(0);
      clock.advance(200);
      expect(probe.total).to.equal(5);
      expect(toHex(sendBytewise(device, probe, 'A0 0A 50 05'))).to.equal('5F F5 AF FA');
      expect(device.synced).to.equal(true);
      expect(device.state).to.equal('preloader');
    });

    it('swallows only the first A0, even when other bytes came before it', () => {
      const clock = new ManualClock();
      const { device, probe } = powerUp(clock, MT6580, { kcol0: false });
      clock.advance(MT6580.startupMs);
      expect(toHex(sendBytewise(device, probe, '0A A0 A0 0A 50 05'))).to.equal('0B 5F F5 AF FA');
      expect(device.synced).to.equal(true);
    });

    it('stays in download mode past its window once the handshake is through', () => {
      const clock = new ManualClock();
      const { device, probe } = powerUp(clock, MT6580, { kcol0: false });
      clock.advance(MT6580.startupMs);
      sendBytewise(device, probe, 'A0 A0 0A 50 05');
      clock.advance(MT6580.preloader.windowMs * 3);
      expect(device.state).to.equal('preloader');
      expect(probe.total).to.be.greaterThan(0);
      expect(probe.take()).to.have.length(0);
      expect(toHex(sendBytewise(device, probe, 'FE'))).to.equal('01');
    });

    it('boots on when its window passes without a handshake, printing its log at the log baud', () => {
      const clock = new ManualClock();
      const { device, probe } = powerUp(clock, MT6580, { kcol0: false });
      clock.advance(MT6580.startupMs + MT6580.preloader.windowMs - 1);
      expect(device.state).to.equal('preloader');
      expect(probe.takeTransmissions().map((t) => toHex(t.bytes))).to.deep.equal([READY]);
      clock.advance(1);
      expect(device.state).to.equal('booted');
      clock.advance(50);
      const log = probe.takeTransmissions();
      expect(log.length).to.be.greaterThan(0);
      expect(log.every((t) => t.baud === MT6580.preloader.logBaud)).to.equal(true);
      const text = ascii(Uint8Array.from(log.flatMap((t) => [...t.bytes])));
      expect(text.startsWith(MT6580.preloader.logText + MT6580.preloader.logText)).to.equal(true);
      expect(text).to.not.contain('READY');
      expect(text.length % MT6580.preloader.logText.length).to.equal(0);
    });

    it('boots on even mid-handshake, and then ignores the host', () => {
      const clock = new ManualClock();
      const { device, probe } = powerUp(clock, MT6580, { kcol0: false });
      clock.advance(MT6580.startupMs);
      expect(toHex(sendBytewise(device, probe, 'A0 A0 0A'))).to.equal('5F F5');
      clock.advance(MT6580.preloader.windowMs);
      expect(device.state).to.equal('booted');
      const received = probe.takeTransmissions();
      expect(received.every((t) => t.baud === MT6580.preloader.logBaud)).to.equal(true);
      device.receive(Uint8Array.of(0x50, 0x05));
      expect(device.synced).to.equal(false);
      expect(probe.takeTransmissions().every((t) => t.baud === MT6580.preloader.logBaud)).to.equal(true);
    });

    it('floods as fast as the log baud allows', () => {
      const clock = new ManualClock();
      const { device, probe } = powerUp(clock, MT6735, { kcol0: false });
      clock.advance(MT6735.startupMs + MT6735.preloader.windowMs);
      probe.take();
      clock.advance(1000);
      const perSecond = MT6735.preloader.logBaud / 10;
      const bytes = probe.take().length;
      expect(bytes).to.be.within(perSecond * 0.95, perSecond * 1.05);
      expect(device.state).to.equal('booted');
    });
  });

  describe('board faults', () => {
    it('forcedMode preloader wins over a held KCOL0', () => {
      const clock = new ManualClock();
      const { device, probe } = powerUp(clock, MT6765, { kcol0: true, faults: { forcedMode: 'preloader' } });
      clock.advance(MT6765.startupMs);
      expect(device.state).to.equal('preloader');
      expect(toHex(probe.take())).to.equal(READY);
    });

    it('forcedMode brom wins over a released KCOL0', () => {
      const clock = new ManualClock();
      const { device, probe } = powerUp(clock, MT6765, { kcol0: false, faults: { forcedMode: 'brom' } });
      clock.advance(MT6765.startupMs + 2000);
      expect(device.state).to.equal('brom');
      expect(probe.total).to.equal(0);
      expect(toHex(sendBytewise(device, probe, 'A0'))).to.equal('5F');
    });

    it('ignores forced modes of other families', () => {
      const clock = new ManualClock();
      const { device } = powerUp(clock, MT6765, { kcol0: true, faults: { forcedMode: 'app' } });
      clock.advance(MT6765.startupMs);
      expect(device.state).to.equal('brom');
    });

    it('a dead board sends nothing and answers nothing', () => {
      const clock = new ManualClock();
      const { device, probe } = powerUp(clock, MT6765, { kcol0: false, faults: { dead: true } });
      expect(device.state).to.equal('dead');
      clock.advance(5000);
      expect(sendBytewise(device, probe, 'A0 A0 0A 50 05')).to.have.length(0);
      expect(probe.total).to.equal(0);
    });

    it('a bootlooping board floods log text at the log baud whatever KCOL0 says, and never answers', () => {
      const clock = new ManualClock();
      const { device, probe } = powerUp(clock, MT6765, { kcol0: true, faults: { bootloop: true } });
      clock.advance(MT6765.startupMs - 1);
      expect(probe.total).to.equal(0);
      clock.advance(101);
      expect(device.state).to.equal('bootloop');
      const sent = probe.takeTransmissions();
      expect(sent.every((t) => t.baud === MT6765.preloader.logBaud)).to.equal(true);
      const bytes = Uint8Array.from(sent.flatMap((t) => [...t.bytes]));
      expect(bytes.length).to.be.at.least((MT6765.preloader.logBaud / 10) * 0.1 * 0.95);
      expect(textShare(bytes)).to.equal(1);
      expect(ascii(bytes.subarray(0, MT6765.preloader.logText.length))).to.equal(MT6765.preloader.logText);
      device.receive(Uint8Array.of(0xa0, 0x0a, 0x50, 0x05));
      clock.advance(10);
      const after = probe.takeTransmissions();
      expect(after.length).to.be.greaterThan(0);
      expect(after.every((t) => t.baud === MT6765.preloader.logBaud)).to.equal(true);
      expect(device.synced).to.equal(false);
    });

    it('applies new faults from the next boot on', () => {
      const clock = new ManualClock();
      const { device, probe } = powerUp(clock, MT6765, { kcol0: true });
      device.setFaults({ dead: true });
      clock.advance(MT6765.startupMs);
      expect(device.state).to.equal('brom');
      expect(toHex(sendBytewise(device, probe, 'A0'))).to.equal('5F');
      device.setPower(false);
      device.setPower(true);
      expect(device.state).to.equal('dead');
      device.setFaults({});
      device.setPower(false);
      device.setPower(true);
      clock.advance(MT6765.startupMs);
      expect(device.state).to.equal('brom');
    });
  });

  describe('pins and lifetime', () => {
    it('starts pins in their profile idle state and counts boots', () => {
      const clock = new ManualClock();
      const profile = mediatekProfile(MT6765, { powerPin: true });
      profile.pins.power = { ...profile.pins.power!, idle: 'active' };
      profile.pins.kcol0 = { ...profile.pins.kcol0!, idle: 'active' };
      const device = new MediatekDevice(MT6765, profile, clock);
      expect(device.state).to.equal('off');
      device.setPower(true);
      expect(device.boots).to.equal(1);
      clock.advance(MT6765.startupMs);
      expect(device.state).to.equal('brom');
    });

    it('dispose stops every timer and ignores what follows', () => {
      const clock = new ManualClock();
      const device = new MediatekDevice(MT6765, mediatekProfile(MT6765), clock);
      const probe = new Probe(device, clock);
      device.setPower(true);
      clock.advance(MT6765.startupMs);
      expect(probe.total).to.equal(5);
      device.dispose();
      clock.advance(5000);
      device.setPower(true);
      device.receive(Uint8Array.of(0xa0));
      expect(probe.total).to.equal(5);
      expect(device.state).to.equal('off');
    });
  });
});
