/**
 * The bootloader's command set (AN3155), one generator per command. A handler yields what it needs next —
 * `{ need: n }` bytes from the host or `{ waitMs }` of device time (erasing, programming option bytes) — and
 * the session (session.ts) feeds it. Checksum, range and protection failures answer NACK and end the command.
 */
import type { Stm32ChipFacts } from '../schema.js';
import { readU16be, readU32be, xorAll } from '../../../core/bytes.js';
import type { Stm32Memory } from './memory.js';

export const ACK = 0x79;
export const NACK = 0x1f;

export const CMD = {
  get: 0x00,
  getVersion: 0x01,
  getId: 0x02,
  readMemory: 0x11,
  go: 0x21,
  writeMemory: 0x31,
  erase: 0x43,
  extendedErase: 0x44,
  writeProtect: 0x63,
  writeUnprotect: 0x73,
  readoutProtect: 0x82,
  readoutUnprotect: 0x92,
} as const;

/** Device-side durations, so that a client sees ACKs arrive as late as on silicon (roughly). */
export const TIMING = {
  pageEraseMs: 20,
  massEraseMs: 40,
  /** Programming up to 256 bytes of flash. */
  flashWriteMs: 2,
  optionProgramMs: 10,
} as const;

export type FlowStep = { need: number } | { waitMs: number };
export type CommandFlow = Generator<FlowStep, void, Uint8Array>;

export interface CommandContext {
  readonly chip: Stm32ChipFacts;
  readonly memory: Stm32Memory;
  reply(bytes: readonly number[] | Uint8Array): void;
  /** The device resets itself once the command has answered (option bytes changed). */
  systemReset(): void;
  /** Go: leave the bootloader for the application in flash, or for code in RAM. */
  jump(target: 'app' | 'sram'): void;
}

interface CommandSpec {
  flow: (ctx: CommandContext) => CommandFlow;
  /** NACKed at the command byte while readout protection is active. */
  blockedByReadout: boolean;
}

export const COMMANDS: Record<number, CommandSpec> = {
  [CMD.get]: { flow: get, blockedByReadout: false },
  [CMD.getVersion]: { flow: getVersion, blockedByReadout: false },
  [CMD.getId]: { flow: getId, blockedByReadout: false },
  [CMD.readMemory]: { flow: readMemory, blockedByReadout: true },
  [CMD.go]: { flow: go, blockedByReadout: true },
  [CMD.writeMemory]: { flow: writeMemory, blockedByReadout: true },
  [CMD.erase]: { flow: erase, blockedByReadout: true },
  [CMD.extendedErase]: { flow: extendedErase, blockedByReadout: true },
  [CMD.writeProtect]: { flow: writeProtect, blockedByReadout: true },
  [CMD.writeUnprotect]: { flow: writeUnprotect, blockedByReadout: true },
  [CMD.readoutProtect]: { flow: readoutProtect, blockedByReadout: false },
  [CMD.readoutUnprotect]: { flow: readoutUnprotect, blockedByReadout: false },
};

/** The flow for a command code, or null when the chip does not offer it (or it is blocked): NACK. */
export function commandFlow(code: number, ctx: CommandContext): CommandFlow | null {
  const spec = COMMANDS[code];
  if (!spec || !ctx.chip.commands.includes(code)) return null;
  if (spec.blockedByReadout && ctx.memory.readProtected) return null;
  return spec.flow(ctx);
}

function* get(ctx: CommandContext): CommandFlow {
  const { bootloaderVersion, commands } = ctx.chip;
  ctx.reply([ACK, commands.length, bootloaderVersion, ...commands, ACK]);
}

function* getVersion(ctx: CommandContext): CommandFlow {
  const [opt1, opt2] = ctx.chip.optionBytes;
  ctx.reply([ACK, ctx.chip.bootloaderVersion, opt1, opt2, ACK]);
}

function* getId(ctx: CommandContext): CommandFlow {
  const pid = ctx.chip.productId;
  ctx.reply([ACK, 0x01, (pid >>> 8) & 0xff, pid & 0xff, ACK]);
}

/** Four address bytes and their XOR; NACKs and returns null when the XOR is wrong. */
function* receiveAddress(ctx: CommandContext): Generator<FlowStep, number | null, Uint8Array> {
  const bytes = yield { need: 5 };
  if (xorAll(bytes.subarray(0, 4)) !== bytes[4]) {
    ctx.reply([NACK]);
    return null;
  }
  return readU32be(bytes);
}

function* readMemory(ctx: CommandContext): CommandFlow {
  ctx.reply([ACK]);
  const address = yield* receiveAddress(ctx);
  if (address === null) return;
  if (ctx.memory.regionOf(address) === null) return void ctx.reply([NACK]);
  ctx.reply([ACK]);
  const [lengthByte, complement] = yield { need: 2 };
  const length = lengthByte! + 1;
  if ((lengthByte! ^ 0xff) !== complement || ctx.memory.regionOf(address, length) === null) {
    return void ctx.reply([NACK]);
  }
  ctx.reply([ACK, ...ctx.memory.read(address, length)]);
}

function* go(ctx: CommandContext): CommandFlow {
  ctx.reply([ACK]);
  const address = yield* receiveAddress(ctx);
  if (address === null) return;
  const region = ctx.memory.regionOf(address);
  if (region !== 'flash' && region !== 'ram') return void ctx.reply([NACK]);
  ctx.reply([ACK]);
  ctx.jump(region === 'flash' ? 'app' : 'sram');
}

function* writeMemory(ctx: CommandContext): CommandFlow {
  ctx.reply([ACK]);
  const address = yield* receiveAddress(ctx);
  if (address === null) return;
  const region = ctx.memory.regionOf(address);
  if (address % 4 !== 0 || (region !== 'flash' && region !== 'ram' && region !== 'option')) {
    return void ctx.reply([NACK]);
  }
  ctx.reply([ACK]);
  const [lengthByte] = yield { need: 1 };
  const rest = yield { need: lengthByte! + 2 };
  const data = rest.subarray(0, lengthByte! + 1);
  const checksum = rest[lengthByte! + 1];
  const fits = ctx.memory.regionOf(address, data.length) === region;
  const unprotected = region !== 'flash' || ctx.memory.pagesOf(address, data.length).every((p) => !ctx.memory.writeProtected.has(p));
  if ((xorAll(data) ^ lengthByte!) !== checksum || data.length % 4 !== 0 || !fits || !unprotected) {
    return void ctx.reply([NACK]);
  }
  ctx.memory.write(address, data);
  if (region === 'flash') yield { waitMs: TIMING.flashWriteMs };
  if (region === 'option') yield { waitMs: TIMING.optionProgramMs };
  ctx.reply([ACK]);
  if (region === 'option') ctx.systemReset();
}

/** Erase the listed pages after checking each exists and is not write-protected; NACK otherwise. */
function* erasePages(ctx: CommandContext, pages: number[]): CommandFlow {
  const valid = pages.every((p) => p < ctx.memory.pages.length && !ctx.memory.writeProtected.has(p));
  if (!valid) return void ctx.reply([NACK]);
  yield { waitMs: TIMING.pageEraseMs * pages.length };
  for (const page of pages) ctx.memory.erasePage(page);
  ctx.reply([ACK]);
}

function* massErase(ctx: CommandContext): CommandFlow {
  if (ctx.memory.writeProtected.size > 0) return void ctx.reply([NACK]);
  yield { waitMs: TIMING.massEraseMs };
  ctx.memory.massErase();
  ctx.reply([ACK]);
}

/** Erase 0x43: `FF 00` = global erase, or N-1, N page numbers (one byte each), XOR. */
function* erase(ctx: CommandContext): CommandFlow {
  ctx.reply([ACK]);
  const [countByte] = yield { need: 1 };
  if (countByte === 0xff) {
    const [checksum] = yield { need: 1 };
    if (checksum !== 0x00) return void ctx.reply([NACK]);
    return yield* massErase(ctx);
  }
  const rest = yield { need: countByte! + 2 };
  const pages = Array.from(rest.subarray(0, countByte! + 1));
  if ((xorAll(pages) ^ countByte!) !== rest[countByte! + 1]) return void ctx.reply([NACK]);
  yield* erasePages(ctx, pages);
}

/**
 * Extended Erase 0x44: `FF FF` mass, `FF FE` bank 1, `FF FD` bank 2 (each followed by the XOR of the two bytes),
 * or N-1 (2 bytes), N page numbers (2 bytes each), XOR of everything. Banks are the two halves of the pages.
 */
function* extendedErase(ctx: CommandContext): CommandFlow {
  ctx.reply([ACK]);
  const head = yield { need: 2 };
  const value = readU16be(head);
  if (value >= 0xfff0) {
    const [checksum] = yield { need: 1 };
    if (checksum !== (head[0]! ^ head[1]!)) return void ctx.reply([NACK]);
    const all = ctx.memory.pages.map((_, i) => i);
    const half = Math.ceil(all.length / 2);
    if (value === 0xffff) return yield* massErase(ctx);
    if (value === 0xfffe) return yield* erasePages(ctx, all.slice(0, half));
    if (value === 0xfffd) return yield* erasePages(ctx, all.slice(half));
    return void ctx.reply([NACK]);
  }
  const count = value + 1;
  const rest = yield { need: count * 2 + 1 };
  if ((xorAll(head) ^ xorAll(rest.subarray(0, count * 2))) !== rest[count * 2]) return void ctx.reply([NACK]);
  const pages: number[] = [];
  for (let i = 0; i < count; i++) pages.push(readU16be(rest, i * 2));
  yield* erasePages(ctx, pages);
}

/** Write Protect 0x63: N-1, N sector codes, XOR → ACK, then a system reset. */
function* writeProtect(ctx: CommandContext): CommandFlow {
  ctx.reply([ACK]);
  const [countByte] = yield { need: 1 };
  const rest = yield { need: countByte! + 2 };
  const codes = Array.from(rest.subarray(0, countByte! + 1));
  if ((xorAll(codes) ^ countByte!) !== rest[countByte! + 1] || codes.some((c) => c >= ctx.memory.pages.length)) {
    return void ctx.reply([NACK]);
  }
  yield { waitMs: TIMING.optionProgramMs };
  for (const code of codes) ctx.memory.writeProtected.add(code);
  ctx.reply([ACK]);
  ctx.systemReset();
}

function* writeUnprotect(ctx: CommandContext): CommandFlow {
  ctx.reply([ACK]);
  yield { waitMs: TIMING.optionProgramMs };
  ctx.memory.writeProtected.clear();
  ctx.reply([ACK]);
  ctx.systemReset();
}

function* readoutProtect(ctx: CommandContext): CommandFlow {
  if (ctx.memory.readProtected) return void ctx.reply([NACK]);
  ctx.reply([ACK]);
  yield { waitMs: TIMING.optionProgramMs };
  ctx.memory.setReadProtection(true);
  ctx.reply([ACK]);
  ctx.systemReset();
}

/** Readout Unprotect 0x92: mass-erases the flash, then lifts protection and resets. */
function* readoutUnprotect(ctx: CommandContext): CommandFlow {
  ctx.reply([ACK]);
  yield { waitMs: TIMING.massEraseMs };
  ctx.memory.massErase();
  ctx.memory.setReadProtection(false);
  ctx.reply([ACK]);
  ctx.systemReset();
}
