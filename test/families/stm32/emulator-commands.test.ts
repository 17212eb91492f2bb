import { expect } from 'chai';
import { TIMING } from '../../../harness/families/stm32/emulator/index.js';
import { Stm32Bench, addr, cmd, length, payload, range } from './helpers.js';
import { f407Profile } from './fixtures.js';

const ACK = 0x79;
const NACK = 0x1f;
const FLASH = 0x08000000;
const RAM = 0x20000200;

/** Writes data and returns every reply byte (ACK after command, address and payload when all is well). */
function write(b: Stm32Bench, address: number, data: readonly number[]): number[] {
  b.send(cmd(0x31));
  b.send(addr(address));
  const early = b.take();
  b.send(payload(data));
  b.clock.advance(TIMING.optionProgramMs);
  return [...early, ...b.take()];
}

function read(b: Stm32Bench, address: number, n: number): number[] {
  b.send(cmd(0x11), addr(address), length(n));
  return b.take();
}

function readData(b: Stm32Bench, address: number, n: number): number[] {
  const reply = read(b, address, n);
  expect(reply.slice(0, 3), `read of 0x${address.toString(16)}`).to.deep.equal([ACK, ACK, ACK]);
  return reply.slice(3);
}

describe('STM32 emulator: identification commands', () => {
  it('Get lists version and commands (F103, v2.2)', () => {
    const b = new Stm32Bench().bootloader();
    expect(b.exchange(cmd(0x00))).to.deep.equal([
      ACK, 0x0b, 0x22, 0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x43, 0x63, 0x73, 0x82, 0x92, ACK,
    ]);
  });

  it('Get Version and Get ID', () => {
    const b = new Stm32Bench().bootloader();
    expect(b.exchange(cmd(0x01))).to.deep.equal([ACK, 0x22, 0x00, 0x00, ACK]);
    expect(b.exchange(cmd(0x02))).to.deep.equal([ACK, 0x01, 0x04, 0x10, ACK]);
    const f4 = new Stm32Bench(f407Profile()).bootloader();
    expect(f4.exchange(cmd(0x02))).to.deep.equal([ACK, 0x01, 0x04, 0x13, ACK]);
    expect(f4.exchange(cmd(0x00)).slice(0, 3)).to.deep.equal([ACK, 0x0b, 0x31]);
  });

  it('NACKs a wrong complement and waits for the next command', () => {
    const b = new Stm32Bench().bootloader();
    expect(b.exchange([0x02, 0xfc])).to.deep.equal([NACK]);
    expect(b.exchange(cmd(0x02))).to.deep.equal([ACK, 0x01, 0x04, 0x10, ACK]);
  });

  it('NACKs commands the chip does not have, and unknown codes', () => {
    const f1 = new Stm32Bench().bootloader();
    expect(f1.exchange(cmd(0x44))).to.deep.equal([NACK]);
    expect(f1.exchange(cmd(0x03))).to.deep.equal([NACK]);
    const f4 = new Stm32Bench(f407Profile()).bootloader();
    expect(f4.exchange(cmd(0x43))).to.deep.equal([NACK]);
    expect(f4.exchange(cmd(0x01))).to.deep.equal([ACK, 0x31, 0x00, 0x00, ACK]);
  });
});

describe('STM32 emulator: Read Memory', () => {
  it('reads erased flash as 0xFF, up to 256 bytes', () => {
    const b = new Stm32Bench().bootloader();
    const reply = read(b, FLASH, 256);
    expect(reply.slice(0, 3)).to.deep.equal([ACK, ACK, ACK]);
    expect(reply.length).to.equal(3 + 256);
    expect(reply.slice(3).every((x) => x === 0xff)).to.equal(true);
  });

  it('NACKs a wrong address XOR and a wrong length complement', () => {
    const b = new Stm32Bench().bootloader();
    const bad = addr(FLASH);
    bad[4] ^= 0x01;
    expect(b.exchange([...cmd(0x11), ...bad])).to.deep.equal([ACK, NACK]);
    expect(b.exchange([...cmd(0x11), ...addr(FLASH), 0x0f, 0x0f])).to.deep.equal([ACK, ACK, NACK]);
    expect(b.exchange(cmd(0x02))).to.deep.equal([ACK, 0x01, 0x04, 0x10, ACK]);
  });

  it('NACKs reads outside memory, in reserved RAM, or crossing a region end', () => {
    const b = new Stm32Bench().bootloader();
    for (const address of [0x40000000, 0x20000000, 0x200001fc]) {
      expect(b.exchange([...cmd(0x11), ...addr(address)])).to.deep.equal([ACK, NACK]);
    }
    expect(read(b, FLASH + 64 * 1024 - 16, 32)).to.deep.equal([ACK, ACK, NACK]); // F103C8: 64 KiB
    expect(read(b, 0x20005000 - 4, 4).slice(0, 3)).to.deep.equal([ACK, ACK, ACK]);
    expect(read(b, 0x20005000 - 4, 8)).to.deep.equal([ACK, ACK, NACK]);
  });

  it('reads the F1 flash-size register and the option bytes', () => {
    const b = new Stm32Bench().bootloader();
    expect(readData(b, 0x1ffff7e0, 4).slice(0, 2)).to.deep.equal([0x40, 0x00]); // 64 KiB, little-endian
    expect(readData(b, 0x1ffff800, 4)).to.deep.equal([0xa5, 0x5a, 0xff, 0x00]);
    expect(read(b, 0x1ffff800 + 12, 8)).to.deep.equal([ACK, ACK, NACK]);
  });
});

describe('STM32 emulator: Write Memory', () => {
  it('programs flash and RAM, which read back the same', () => {
    const b = new Stm32Bench().bootloader();
    const data = range(256, (i) => (i * 7 + 3) & 0xff);
    expect(write(b, FLASH + 0x400, data)).to.deep.equal([ACK, ACK, ACK]);
    expect(readData(b, FLASH + 0x400, 256)).to.deep.equal(data);
    expect(write(b, RAM, [1, 2, 3, 4])).to.deep.equal([ACK, ACK, ACK]);
    expect(readData(b, RAM, 4)).to.deep.equal([1, 2, 3, 4]);
    expect(Array.from(b.device.peek(FLASH + 0x400, 4))).to.deep.equal(data.slice(0, 4));
  });

  it('answers a flash write only after programming time', () => {
    const b = new Stm32Bench().bootloader();
    b.send(cmd(0x31), addr(FLASH));
    expect(b.take()).to.deep.equal([ACK, ACK]);
    b.send(payload([1, 2, 3, 4]));
    expect(b.take()).to.deep.equal([]);
    b.clock.advance(TIMING.flashWriteMs);
    expect(b.take()).to.deep.equal([ACK]);
  });

  it('NACKs a misaligned address at once and a length that is not a multiple of 4 after the payload', () => {
    const b = new Stm32Bench().bootloader();
    expect(b.exchange([...cmd(0x31), ...addr(FLASH + 2)])).to.deep.equal([ACK, NACK]);
    expect(write(b, FLASH, [1, 2, 3])).to.deep.equal([ACK, ACK, NACK]);
    expect(readData(b, FLASH, 4)).to.deep.equal([0xff, 0xff, 0xff, 0xff]);
  });

  it('NACKs a wrong payload checksum and leaves memory alone', () => {
    const b = new Stm32Bench().bootloader();
    b.send(cmd(0x31), addr(RAM));
    const frame = payload([9, 9, 9, 9]);
    frame[frame.length - 1] ^= 0xff;
    b.send(frame);
    expect(b.take()).to.deep.equal([ACK, ACK, NACK]);
    expect(readData(b, RAM, 4)).to.deep.equal([0, 0, 0, 0]);
  });

  it('NACKs writes into reserved RAM, system memory, unmapped space, or across a region end', () => {
    const b = new Stm32Bench().bootloader();
    expect(b.exchange([...cmd(0x31), ...addr(0x20000000)])).to.deep.equal([ACK, NACK]);
    expect(b.exchange([...cmd(0x31), ...addr(0x1ffff000)])).to.deep.equal([ACK, NACK]);
    expect(b.exchange([...cmd(0x31), ...addr(0x60000000)])).to.deep.equal([ACK, NACK]);
    expect(write(b, 0x20005000 - 4, range(8))).to.deep.equal([ACK, ACK, NACK]);
  });

  it('only clears bits in flash: a write over programmed flash does not give the data back', () => {
    const b = new Stm32Bench().bootloader();
    write(b, FLASH, [0x0f, 0x0f, 0x0f, 0x0f]);
    expect(write(b, FLASH, [0xf0, 0xf1, 0xff, 0x0e])).to.deep.equal([ACK, ACK, ACK]);
    expect(readData(b, FLASH, 4)).to.deep.equal([0x00, 0x01, 0x0f, 0x0e]);
    b.send(cmd(0x43), [0x00, 0x00, 0x00]);
    b.clock.advance(TIMING.pageEraseMs);
    expect(b.take()).to.deep.equal([ACK, ACK]);
    write(b, FLASH, [0xf0, 0xf1, 0xff, 0x0e]);
    expect(readData(b, FLASH, 4)).to.deep.equal([0xf0, 0xf1, 0xff, 0x0e]);
  });
});

describe('STM32 emulator: Erase (0x43)', () => {
  it('erases the listed pages only, taking time per page', () => {
    const b = new Stm32Bench().bootloader();
    for (const page of [0, 1, 2, 3]) write(b, FLASH + page * 1024, [0, 0, 0, 0]);
    const pages = [1, 3];
    b.send(cmd(0x43), [pages.length - 1, ...pages, (pages.length - 1) ^ 1 ^ 3]);
    expect(b.take()).to.deep.equal([ACK]);
    b.clock.advance(TIMING.pageEraseMs * 2 - 1);
    expect(b.take()).to.deep.equal([]);
    b.clock.advance(1);
    expect(b.take()).to.deep.equal([ACK]);
    expect(readData(b, FLASH, 4)).to.deep.equal([0, 0, 0, 0]);
    expect(readData(b, FLASH + 1024, 4)).to.deep.equal([0xff, 0xff, 0xff, 0xff]);
    expect(readData(b, FLASH + 2048, 4)).to.deep.equal([0, 0, 0, 0]);
    expect(readData(b, FLASH + 3072, 4)).to.deep.equal([0xff, 0xff, 0xff, 0xff]);
  });

  it('global erase with FF 00', () => {
    const b = new Stm32Bench().bootloader();
    write(b, FLASH + 50 * 1024, [1, 2, 3, 4]);
    b.send(cmd(0x43), [0xff, 0x00]);
    b.clock.advance(TIMING.massEraseMs);
    expect(b.take()).to.deep.equal([ACK, ACK]);
    expect(readData(b, FLASH + 50 * 1024, 4)).to.deep.equal([0xff, 0xff, 0xff, 0xff]);
  });

  it('NACKs a wrong checksum, a wrong global-erase checksum and a page beyond the flash', () => {
    const b = new Stm32Bench().bootloader();
    write(b, FLASH, [0, 0, 0, 0]);
    expect(b.exchange([...cmd(0x43), 0x00, 0x00, 0x01], 1000)).to.deep.equal([ACK, NACK]);
    expect(b.exchange([...cmd(0x43), 0xff, 0x01], 1000)).to.deep.equal([ACK, NACK]);
    expect(b.exchange([...cmd(0x43), 0x00, 128, 128], 1000)).to.deep.equal([ACK, NACK]);
    expect(readData(b, FLASH, 4)).to.deep.equal([0, 0, 0, 0]);
  });

  it('keeps bytes that arrive while erasing and answers them afterwards', () => {
    const b = new Stm32Bench().bootloader();
    b.send(cmd(0x43), [0x00, 0x05, 0x05]);
    b.send(cmd(0x02));
    expect(b.take()).to.deep.equal([ACK]);
    b.clock.advance(TIMING.pageEraseMs);
    expect(b.take()).to.deep.equal([ACK, ACK, 0x01, 0x04, 0x10, ACK]);
  });
});

describe('STM32 emulator: Extended Erase (0x44, F407 sectors)', () => {
  const SECTOR5 = FLASH + 0x20000;

  function f4(): Stm32Bench {
    const b = new Stm32Bench(f407Profile()).bootloader();
    write(b, FLASH, [0, 0, 0, 0]);
    write(b, SECTOR5, [0, 0, 0, 0]);
    write(b, FLASH + 0xe0000, [0, 0, 0, 0]);
    return b;
  }

  it('mass erase with FF FF 00', () => {
    const b = f4();
    expect(b.exchange([...cmd(0x44), 0xff, 0xff, 0x00], TIMING.massEraseMs)).to.deep.equal([ACK, ACK]);
    expect(readData(b, FLASH, 4)).to.deep.equal([0xff, 0xff, 0xff, 0xff]);
    expect(readData(b, FLASH + 0xe0000, 4)).to.deep.equal([0xff, 0xff, 0xff, 0xff]);
  });

  it('erases listed sectors with two-byte numbers', () => {
    const b = f4();
    const frame = [0x00, 0x00, 0x00, 0x05];
    const reply = b.exchange([...cmd(0x44), ...frame, 0x00 ^ 0x00 ^ 0x00 ^ 0x05], TIMING.pageEraseMs);
    expect(reply).to.deep.equal([ACK, ACK]);
    expect(readData(b, SECTOR5, 4)).to.deep.equal([0xff, 0xff, 0xff, 0xff]);
    expect(readData(b, FLASH, 4)).to.deep.equal([0, 0, 0, 0]);
  });

  it('bank erases FF FE / FF FD take the two halves', () => {
    const b = f4();
    expect(b.exchange([...cmd(0x44), 0xff, 0xfe, 0x01], 1000)).to.deep.equal([ACK, ACK]);
    expect(readData(b, FLASH, 4)).to.deep.equal([0xff, 0xff, 0xff, 0xff]);
    expect(readData(b, FLASH + 0xe0000, 4)).to.deep.equal([0, 0, 0, 0]);
    expect(b.exchange([...cmd(0x44), 0xff, 0xfd, 0x02], 1000)).to.deep.equal([ACK, ACK]);
    expect(readData(b, FLASH + 0xe0000, 4)).to.deep.equal([0xff, 0xff, 0xff, 0xff]);
  });

  it('NACKs wrong checksums, reserved codes and sectors beyond the flash', () => {
    const b = f4();
    expect(b.exchange([...cmd(0x44), 0xff, 0xff, 0x01], 1000)).to.deep.equal([ACK, NACK]);
    expect(b.exchange([...cmd(0x44), 0xff, 0xfc, 0x03], 1000)).to.deep.equal([ACK, NACK]);
    expect(b.exchange([...cmd(0x44), 0x00, 0x00, 0x00, 0x05, 0x04], 1000)).to.deep.equal([ACK, NACK]);
    expect(b.exchange([...cmd(0x44), 0x00, 0x00, 0x00, 0x0c, 0x0c], 1000)).to.deep.equal([ACK, NACK]);
    expect(readData(b, SECTOR5, 4)).to.deep.equal([0, 0, 0, 0]);
  });
});

describe('STM32 emulator: Go', () => {
  it('jumps to flash: the application prints its banner and the bootloader is gone', () => {
    const b = new Stm32Bench().bootloader();
    expect(b.exchange([...cmd(0x21), ...addr(FLASH)])).to.deep.equal([ACK, ACK]);
    expect(b.device.state).to.equal('app');
    b.clock.advance(10);
    expect(b.text()).to.equal('blinky v1.0 ready\r\n');
    expect(b.exchange(cmd(0x02), 100)).to.deep.equal([]);
  });

  it('jumps to RAM: silent', () => {
    const b = new Stm32Bench().bootloader();
    expect(b.exchange([...cmd(0x21), ...addr(RAM)], 100)).to.deep.equal([ACK, ACK]);
    expect(b.device.state).to.equal('sram');
  });

  it('NACKs a jump into system memory or a bad address XOR, and stays in the bootloader', () => {
    const b = new Stm32Bench().bootloader();
    expect(b.exchange([...cmd(0x21), ...addr(0x1ffff000)])).to.deep.equal([ACK, NACK]);
    expect(b.exchange([...cmd(0x21), 0x08, 0, 0, 0, 0])).to.deep.equal([ACK, NACK]);
    expect(b.device.state).to.equal('bootloader');
  });
});

describe('STM32 emulator: protection commands', () => {
  /** After a self-reset: not synced, silent until start-up, then a fresh sync. */
  function expectSelfReset(b: Stm32Bench): void {
    expect(b.device.state).to.equal('booting');
    expect(b.device.synced).to.equal(false);
    b.clock.advance(b.chip.startupMs);
    expect(b.device.state).to.equal('bootloader');
    expect(b.exchange([0x7f])).to.deep.equal([ACK]);
  }

  it('Readout Protect blocks Read, Write, Go and Erase; Readout Unprotect mass-erases and lifts it', () => {
    const b = new Stm32Bench().bootloader();
    write(b, FLASH, [1, 2, 3, 4]);
    b.send(cmd(0x82));
    expect(b.take()).to.deep.equal([ACK]);
    b.clock.advance(TIMING.optionProgramMs);
    expect(b.take()).to.deep.equal([ACK]);
    expectSelfReset(b);
    for (const code of [0x11, 0x31, 0x21, 0x43, 0x63, 0x73]) expect(b.exchange(cmd(code)), `cmd ${code}`).to.deep.equal([NACK]);
    expect(b.exchange(cmd(0x02))).to.deep.equal([ACK, 0x01, 0x04, 0x10, ACK]);
    expect(b.exchange(cmd(0x82))).to.deep.equal([NACK]);
    expect(Array.from(b.device.peek(FLASH, 4))).to.deep.equal([1, 2, 3, 4]);

    b.send(cmd(0x92));
    expect(b.take()).to.deep.equal([ACK]);
    b.clock.advance(TIMING.massEraseMs - 1);
    expect(b.take()).to.deep.equal([]);
    b.clock.advance(1);
    expect(b.take()).to.deep.equal([ACK]);
    expectSelfReset(b);
    expect(readData(b, FLASH, 4)).to.deep.equal([0xff, 0xff, 0xff, 0xff]);
    expect(readData(b, 0x1ffff800, 2)).to.deep.equal([0xa5, 0x5a]);
  });

  it('Write Protect refuses writes and erases of the protected page until Write Unprotect', () => {
    const b = new Stm32Bench().bootloader();
    b.send(cmd(0x63), [0x00, 0x02, 0x02]);
    b.clock.advance(TIMING.optionProgramMs);
    expect(b.take()).to.deep.equal([ACK, ACK]);
    expectSelfReset(b);
    expect(write(b, FLASH + 2 * 1024, [0, 0, 0, 0])).to.deep.equal([ACK, ACK, NACK]);
    expect(b.exchange([...cmd(0x43), 0x00, 0x02, 0x02], 100)).to.deep.equal([ACK, NACK]);
    expect(write(b, FLASH + 1 * 1024, [0, 0, 0, 0])).to.deep.equal([ACK, ACK, ACK]);

    b.send(cmd(0x73));
    b.clock.advance(TIMING.optionProgramMs);
    expect(b.take()).to.deep.equal([ACK, ACK]);
    expectSelfReset(b);
    expect(write(b, FLASH + 2 * 1024, [0, 0, 0, 0])).to.deep.equal([ACK, ACK, ACK]);
  });

  it('Write Protect NACKs a bad checksum', () => {
    const b = new Stm32Bench().bootloader();
    expect(b.exchange([...cmd(0x63), 0x00, 0x02, 0x03], 100)).to.deep.equal([ACK, NACK]);
    expect(b.device.state).to.equal('bootloader');
  });

  it('writing the option bytes resets the chip, and a cleared RDP byte turns on readout protection', () => {
    const b = new Stm32Bench().bootloader();
    expect(write(b, 0x1ffff800, [0x00, 0xff, 0xff, 0x00])).to.deep.equal([ACK, ACK, ACK]);
    expectSelfReset(b);
    expect(b.exchange(cmd(0x11))).to.deep.equal([NACK]);
  });

  it('a reset pulse in the middle of a command drops it and needs a new sync', () => {
    const b = new Stm32Bench().bootloader();
    b.send(cmd(0x11), addr(FLASH));
    expect(b.take()).to.deep.equal([ACK, ACK]);
    b.device.setPin('reset', true);
    b.device.setPin('reset', false);
    b.clock.advance(b.chip.startupMs);
    b.send(length(4));
    expect(b.take()).to.deep.equal([]);
    expect(b.exchange([0x7f])).to.deep.equal([ACK]);
  });
});
