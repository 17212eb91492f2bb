/**
 * The ROM loader's packets inside SLIP frames, little-endian throughout.
 * Command: 00, opcode, data length (u16), checksum (u32), data. Response: 01, opcode, data length (u16),
 * value (u32, READ_REG's result), data ending in the status bytes (status, error, and two reserved bytes on
 * every ROM but the ESP8266's).
 */

export const OP = {
  FLASH_BEGIN: 0x02,
  FLASH_DATA: 0x03,
  FLASH_END: 0x04,
  MEM_BEGIN: 0x05,
  MEM_END: 0x06,
  MEM_DATA: 0x07,
  SYNC: 0x08,
  WRITE_REG: 0x09,
  READ_REG: 0x0a,
  SPI_SET_PARAMS: 0x0b,
  SPI_ATTACH: 0x0d,
  CHANGE_BAUDRATE: 0x0f,
  SPI_FLASH_MD5: 0x13,
  GET_SECURITY_INFO: 0x14,
} as const;

/** Names for transcripts and sentences. */
export function opName(op: number): string {
  const name = Object.entries(OP).find(([, code]) => code === op)?.[0];
  return name ?? `command 0x${op.toString(16).padStart(2, '0').toUpperCase()}`;
}

/** ROM loader error codes (the byte after a failure status). */
export const ROM_ERROR: Readonly<Record<number, string>> = {
  0x05: 'invalid message',
  0x06: 'failed to act',
  0x07: 'invalid CRC',
  0x08: 'flash write error',
  0x09: 'flash read error',
  0x0a: 'flash read length error',
  0x0b: 'deflate error',
};

export const INVALID_MESSAGE = 0x05;
export const INVALID_CRC = 0x07;

/** SYNC data: 07 07 12 20 and 32 × 55 — the 55s let the ROM measure the host's baud. */
export const SYNC_DATA = Uint8Array.from([0x07, 0x07, 0x12, 0x20, ...new Array<number>(32).fill(0x55)]);
/** The value field of the ROM's SYNC answers (non-zero: esptool reads 0 as its flasher stub). */
export const SYNC_VALUE = 0x20120707;
/** Identical answers the ROM sends to one SYNC. */
export const SYNC_ANSWERS = 8;
/** Seed of the *_DATA checksum: XOR of the data to write. */
export const CHECKSUM_SEED = 0xef;

export interface Command {
  op: number;
  checksum: number;
  data: Uint8Array;
}

export interface Response {
  op: number;
  value: number;
  /** Data before the status bytes. */
  body: Uint8Array;
  status: number;
  error: number;
}

export const STATUS_BYTES = 4;

export function u32le(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
}

export function readU32le(bytes: Uint8Array, offset = 0): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

export function words(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => out.set(u32le(v), i * 4));
  return out;
}

export function checksum(data: Uint8Array): number {
  let x = CHECKSUM_SEED;
  for (const b of data) x ^= b;
  return x;
}

export function encodeCommand(op: number, data: Uint8Array = new Uint8Array(0), chk = 0): Uint8Array {
  const out = new Uint8Array(8 + data.length);
  out.set([0x00, op, data.length & 0xff, (data.length >>> 8) & 0xff], 0);
  out.set(u32le(chk), 4);
  out.set(data, 8);
  return out;
}

/** A command packet, or why it is not one. */
export function decodeCommand(payload: Uint8Array): Command | { invalid: string; op?: number } {
  if (payload.length < 8) return { invalid: `${payload.length} bytes, shorter than a header` };
  if (payload[0] !== 0x00) return { invalid: `direction ${payload[0]}, not a command`, op: payload[1] };
  const size = payload[2]! | (payload[3]! << 8);
  if (size !== payload.length - 8) return { invalid: `length field ${size}, but ${payload.length - 8} bytes of data`, op: payload[1] };
  return { op: payload[1]!, checksum: readU32le(payload, 4), data: payload.subarray(8) };
}

export function encodeResponse(op: number, value: number, body: Uint8Array, status = 0, error = 0): Uint8Array {
  const data = new Uint8Array(body.length + STATUS_BYTES);
  data.set(body, 0);
  data[body.length] = status;
  data[body.length + 1] = error;
  const out = new Uint8Array(8 + data.length);
  out.set([0x01, op, data.length & 0xff, (data.length >>> 8) & 0xff], 0);
  out.set(u32le(value), 4);
  out.set(data, 8);
  return out;
}

/**
 * A response packet with `bodyBytes` of data before its status bytes, or why it is not one. The status sits
 * right after the body (esptool reads it there), so a ROM's 4 status bytes and a stub's 2 both decode.
 */
export function decodeResponse(payload: Uint8Array, bodyBytes = 0): Response | { invalid: string } {
  if (payload.length < 8) return { invalid: `${payload.length} bytes, shorter than a header` };
  if (payload[0] !== 0x01) return { invalid: `direction byte ${hex(payload[0]!)}, not 01` };
  const size = payload[2]! | (payload[3]! << 8);
  const data = payload.subarray(8);
  if (size !== data.length) return { invalid: `length field ${size}, but ${data.length} bytes of data` };
  // A failure may come without the body it would have had.
  const at = data.length >= bodyBytes + 2 ? bodyBytes : 0;
  if (data.length < at + 2) return { invalid: `${data.length} bytes of data, no room for the status` };
  return { op: payload[1]!, value: readU32le(payload, 4), body: data.subarray(0, at), status: data[at]!, error: data[at + 1]! };
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0').toUpperCase();
}
