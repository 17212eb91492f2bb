/**
 * Command handlers of BROM and Preloader after the handshake. Each handler is a generator: it yields how many
 * bytes it needs next from the host and receives them, so one handler reads like the exchange it plays.
 * All integers are big-endian. Echo rules: the command byte and every u32 argument are echoed back; WRITE32
 * data words are echoed; the SEND_DA payload is not. GET_BL_VER and GET_VERSION answer with a version byte
 * in place of the echo (except GET_BL_VER in BROM, which only echoes).
 */
import type { MediatekChipFacts, MediatekMode } from '../schema.js';
import { readU32be, u16be, u32be } from '../../../core/bytes.js';
import { Xor16le } from './checksum.js';
import { CMD, MAX_UART_BAUD, MAX_WORDS, STATUS } from './constants.js';

/** What a handler may do to the device it runs on. */
export interface CommandContext {
  readonly mode: MediatekMode;
  readonly chip: MediatekChipFacts;
  send(bytes: Uint8Array | readonly number[]): void;
  readWord(address: number): number;
  writeWord(address: number, value: number): void;
  /** A download agent of `length` bytes arrived for `address`. */
  storeDa(address: number, length: number): void;
  hasDaAt(address: number): boolean;
  /** Hands the SoC to the download agent (after the JUMP_DA status went out). */
  runDa(): void;
  /** Switches UART1 to a new rate for everything sent afterwards. */
  setBaud(baud: number): void;
}

/** Yields the number of bytes wanted next; is resumed with exactly that many. */
export type CommandRoutine = Generator<number, void, Uint8Array>;
type Handler = (ctx: CommandContext, command: number) => CommandRoutine;

/** Largest piece of a SEND_DA payload taken at once (the payload is never held whole). */
const PAYLOAD_PIECE = 4096;

function status(ctx: CommandContext, code: number): void {
  ctx.send(u16be(code));
}

/** Reads a u32 argument and echoes it. */
function* echoedU32(ctx: CommandContext): Generator<number, number, Uint8Array> {
  const raw = yield 4;
  ctx.send(raw);
  return readU32be(raw);
}

function* getHwCode(ctx: CommandContext, command: number): CommandRoutine {
  ctx.send([command]);
  ctx.send(u16be(ctx.chip.hwCode));
  status(ctx, STATUS.OK);
}

function* getHwSwVer(ctx: CommandContext, command: number): CommandRoutine {
  ctx.send([command]);
  ctx.send([...u16be(ctx.chip.hwSubcode), ...u16be(ctx.chip.hwVersion), ...u16be(ctx.chip.swVersion)]);
  status(ctx, STATUS.OK);
}

function* getTargetConfig(ctx: CommandContext, command: number): CommandRoutine {
  ctx.send([command]);
  ctx.send(u32be(ctx.chip.targetConfig));
  status(ctx, STATUS.OK);
}

/** The standard way to tell the modes apart: BROM echoes FE, the Preloader answers its version byte instead. */
function* getBlVer(ctx: CommandContext, command: number): CommandRoutine {
  ctx.send([ctx.mode === 'brom' ? command : ctx.chip.preloaderVersion & 0xff]);
}

/** One version byte, no echo: the BROM's own version, or the Preloader's in Preloader mode. */
function* getVersion(ctx: CommandContext): CommandRoutine {
  ctx.send([(ctx.mode === 'brom' ? ctx.chip.bromVersion : ctx.chip.preloaderVersion) & 0xff]);
}

function* read32(ctx: CommandContext, command: number): CommandRoutine {
  ctx.send([command]);
  const address = yield* echoedU32(ctx);
  const count = yield* echoedU32(ctx);
  if (count > MAX_WORDS) {
    status(ctx, STATUS.REFUSED);
    return;
  }
  status(ctx, STATUS.OK);
  const data = new Uint8Array(count * 4);
  for (let i = 0; i < count; i++) data.set(u32be(ctx.readWord(address + i * 4)), i * 4);
  ctx.send(data);
  status(ctx, STATUS.OK);
}

function* write32(ctx: CommandContext, command: number): CommandRoutine {
  ctx.send([command]);
  const address = yield* echoedU32(ctx);
  const count = yield* echoedU32(ctx);
  if (count > MAX_WORDS) {
    status(ctx, STATUS.REFUSED);
    return;
  }
  status(ctx, ctx.mode === 'brom' ? STATUS.BROM_WRITE_PENDING : STATUS.OK);
  for (let i = 0; i < count; i++) {
    const value = yield* echoedU32(ctx);
    ctx.writeWord(address + i * 4, value);
  }
  status(ctx, STATUS.OK);
}

function* getId(ctx: CommandContext, command: number): CommandRoutine {
  ctx.send([command]);
  const id = command === CMD.GET_ME_ID ? ctx.chip.meId : ctx.chip.socId;
  ctx.send(u32be(id.length));
  ctx.send(id);
  status(ctx, STATUS.OK);
}

/** `length` counts every payload byte, signature included; `sigLength` is only echoed. */
function* sendDa(ctx: CommandContext, command: number): CommandRoutine {
  ctx.send([command]);
  const address = yield* echoedU32(ctx);
  const length = yield* echoedU32(ctx);
  yield* echoedU32(ctx); // signature length
  status(ctx, STATUS.OK);
  const checksum = new Xor16le();
  for (let left = length; left > 0; ) {
    const piece = yield Math.min(left, PAYLOAD_PIECE);
    checksum.update(piece);
    left -= piece.length;
  }
  ctx.storeDa(address, length);
  ctx.send(u16be(checksum.value));
  status(ctx, STATUS.OK);
}

function* jumpDa(ctx: CommandContext, command: number): CommandRoutine {
  ctx.send([command]);
  const address = yield* echoedU32(ctx);
  if (!ctx.hasDaAt(address)) {
    status(ctx, STATUS.REFUSED);
    return;
  }
  status(ctx, STATUS.OK);
  ctx.runDa();
}

/** The baud is a u32 argument and is echoed like the others; the status still goes out at the old rate. */
function* setUartBaud(ctx: CommandContext, command: number): CommandRoutine {
  ctx.send([command]);
  const baud = yield* echoedU32(ctx);
  if (baud === 0 || baud > MAX_UART_BAUD) {
    status(ctx, STATUS.BAUD_TOO_HIGH);
    return;
  }
  status(ctx, STATUS.OK);
  ctx.setBaud(baud);
}

/** A byte that is no known command is echoed and otherwise ignored (so a synced target echoes A0 0A 50 05). */
function* unknown(ctx: CommandContext, command: number): CommandRoutine {
  ctx.send([command]);
}

const HANDLERS: ReadonlyMap<number, Handler> = new Map<number, Handler>([
  [CMD.GET_HW_CODE, getHwCode],
  [CMD.GET_HW_SW_VER, getHwSwVer],
  [CMD.GET_TARGET_CONFIG, getTargetConfig],
  [CMD.GET_BL_VER, getBlVer],
  [CMD.GET_VERSION, getVersion],
  [CMD.READ32, read32],
  [CMD.WRITE32, write32],
  [CMD.GET_ME_ID, getId],
  [CMD.GET_SOC_ID, getId],
  [CMD.SEND_DA, sendDa],
  [CMD.JUMP_DA, jumpDa],
  [CMD.UART1_SET_BAUDRATE, setUartBaud],
]);

export function startCommand(ctx: CommandContext, command: number): CommandRoutine {
  return (HANDLERS.get(command) ?? unknown)(ctx, command);
}
