/**
 * The ROM's UART download loader: SLIP frames in, command packets decoded, answers out with four status bytes.
 * What it does with each command:
 * - SYNC (07 07 12 20 + 32 × 55): eight identical answers, value 0x20120707; the UART divider follows the host.
 * - READ_REG / WRITE_REG (address, value, mask, delay — one or more groups of four words): the RomMemory.
 * - SPI_ATTACH (8 bytes on the ROM), SPI_SET_PARAMS (6 words): accepted.
 * - GET_SECURITY_INFO: 20 bytes (flags, flash_crypt_cnt, key purposes, chip id, ECO version) on chips that
 *   have it; the ESP32 ROM does not know it.
 * - MEM_BEGIN / MEM_DATA / MEM_END: data into memory block by block (sequence and checksum checked); MEM_END
 *   with a zero execute flag jumps to the entry point after answering.
 * - CHANGE_BAUDRATE: answered at the old rate, then the UART switches.
 * A length field that does not match the data, or data of the wrong size, is answered 01 05 (invalid message);
 * a bad *_DATA checksum 01 07. A command the ROM does not know is turned down eight times with 01 05 under
 * opcode 00: esptool counts on an answer under another opcode to tell "unknown" from a failure; which opcode
 * the silicon puts there is not documented.
 */
import { SlipDecoder, slipEncode } from '../../../link/slip.js';
import { CHIPS, type ChipInfo } from '../chips.js';
import {
  checksum,
  decodeCommand,
  encodeResponse,
  INVALID_CRC,
  INVALID_MESSAGE,
  OP,
  readU32le,
  SYNC_ANSWERS,
  SYNC_DATA,
  SYNC_VALUE,
  words,
  type Command,
} from '../packets.js';
import type { Esp32ChipFacts } from '../schema.js';
import type { RomMemory } from './memory.js';

/** ROM error code for a command that came at the wrong moment (MEM_DATA before MEM_BEGIN). */
const FAILED_TO_ACT = 0x06;

export interface LoaderContext {
  memory: RomMemory;
  /** Sends a whole frame at the loader's current baud. */
  send(frame: Uint8Array): void;
  /** The baud the host talks at (the ROM measures it from SYNC). */
  hostBaud(): number;
  /** CHANGE_BAUDRATE: the UART's rate from now on. */
  setBaud(baud: number): void;
  /** MEM_END with execute: the ROM jumps to code in RAM. */
  jump(entry: number): void;
}

interface RamDownload {
  size: number;
  blocks: number;
  blockSize: number;
  offset: number;
  nextSeq: number;
}

export class RomLoader {
  private readonly decoder = new SlipDecoder();
  private readonly info: ChipInfo;
  private ram: RamDownload | null = null;
  private stopped = false;

  constructor(
    private readonly chip: Esp32ChipFacts,
    private readonly ctx: LoaderContext,
  ) {
    this.info = CHIPS[chip.variant];
  }

  receive(bytes: Uint8Array): void {
    for (const event of this.decoder.push(bytes)) {
      if (this.stopped) return;
      if (event.kind === 'frame') this.handle(event.payload);
    }
  }

  private handle(payload: Uint8Array): void {
    const command = decodeCommand(payload);
    if ('invalid' in command) {
      // Not a command at all is ignored; a command with a wrong length is turned down.
      if (command.op !== undefined && payload[0] === 0x00) this.fail(command.op, INVALID_MESSAGE);
      return;
    }
    switch (command.op) {
      case OP.SYNC:
        return this.sync(command);
      case OP.READ_REG:
        if (command.data.length !== 4) return this.fail(command.op, INVALID_MESSAGE);
        return this.ok(command.op, this.ctx.memory.read(readU32le(command.data)));
      case OP.WRITE_REG:
        return this.writeReg(command);
      case OP.SPI_ATTACH:
        return command.data.length === 8 ? this.ok(command.op) : this.fail(command.op, INVALID_MESSAGE);
      case OP.SPI_SET_PARAMS:
        return command.data.length === 24 ? this.ok(command.op) : this.fail(command.op, INVALID_MESSAGE);
      case OP.GET_SECURITY_INFO:
        return this.info.chipId === null ? this.unknown() : this.securityInfo(command);
      case OP.MEM_BEGIN:
        return this.memBegin(command);
      case OP.MEM_DATA:
        return this.memData(command);
      case OP.MEM_END:
        return this.memEnd(command);
      case OP.CHANGE_BAUDRATE:
        return this.changeBaud(command);
      default:
        return this.unknown();
    }
  }

  private sync(command: Command): void {
    if (!sameBytes(command.data, SYNC_DATA)) return this.fail(OP.SYNC, INVALID_MESSAGE);
    // Autobaud: the 55s set the UART divider for the host's rate (esptool reads the crystal back from it).
    const divider = this.info.uartClockDivider;
    if (divider !== null) this.ctx.memory.write(divider, Math.round((this.chip.crystalMhz * 1e6) / this.ctx.hostBaud()));
    for (let i = 0; i < SYNC_ANSWERS; i++) this.ok(OP.SYNC, SYNC_VALUE);
  }

  private writeReg(command: Command): void {
    const { data } = command;
    if (data.length === 0 || data.length % 16 !== 0) return this.fail(command.op, INVALID_MESSAGE);
    for (let at = 0; at < data.length; at += 16) {
      this.ctx.memory.write(readU32le(data, at), readU32le(data, at + 4), readU32le(data, at + 8));
    }
    this.ok(command.op);
  }

  private securityInfo(command: Command): void {
    if (command.data.length !== 0) return this.fail(command.op, INVALID_MESSAGE);
    const body = new Uint8Array(20);
    body.set(words(this.info.chipId!, this.info.ecoVersion), 12);
    this.ok(command.op, 0, body);
  }

  private memBegin(command: Command): void {
    if (command.data.length !== 16) return this.fail(command.op, INVALID_MESSAGE);
    const [size, blocks, blockSize, offset] = [0, 4, 8, 12].map((at) => readU32le(command.data, at)) as [number, number, number, number];
    this.ram = { size, blocks, blockSize, offset, nextSeq: 0 };
    this.ok(command.op);
  }

  private memData(command: Command): void {
    const { data } = command;
    if (!this.ram) return this.fail(command.op, FAILED_TO_ACT);
    if (data.length < 16) return this.fail(command.op, INVALID_MESSAGE);
    const size = readU32le(data, 0);
    const seq = readU32le(data, 4);
    const block = data.subarray(16);
    if (size !== block.length || size > this.ram.blockSize || seq !== this.ram.nextSeq) return this.fail(command.op, INVALID_MESSAGE);
    if ((command.checksum & 0xff) !== checksum(block)) return this.fail(command.op, INVALID_CRC);
    this.ctx.memory.writeBytes(this.ram.offset + seq * this.ram.blockSize, block);
    this.ram.nextSeq++;
    this.ok(command.op);
  }

  private memEnd(command: Command): void {
    if (command.data.length !== 8) return this.fail(command.op, INVALID_MESSAGE);
    const stay = readU32le(command.data, 0);
    const entry = readU32le(command.data, 4);
    this.ram = null;
    this.ok(command.op);
    if (stay === 0) {
      this.stopped = true;
      this.ctx.jump(entry);
    }
  }

  private changeBaud(command: Command): void {
    if (command.data.length !== 8) return this.fail(command.op, INVALID_MESSAGE);
    const baud = readU32le(command.data, 0);
    this.ok(command.op);
    if (baud > 0) this.ctx.setBaud(baud);
  }

  private unknown(): void {
    for (let i = 0; i < SYNC_ANSWERS; i++) this.fail(0x00, INVALID_MESSAGE);
  }

  private ok(op: number, value = 0, body: Uint8Array = new Uint8Array(0)): void {
    this.ctx.send(slipEncode(encodeResponse(op, value, body)));
  }

  private fail(op: number, error: number): void {
    this.ctx.send(slipEncode(encodeResponse(op, 0, new Uint8Array(0), 1, error)));
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
