/**
 * Firmata wire format as a board sees it: MIDI-like command bytes (high bit set) followed by 7-bit data bytes,
 * and sysex blocks `F0 id data… F7`. The reader cuts the host's byte stream into messages, whatever the chunking.
 */

import { FIRMATA } from '../../harness/pins/firmata/protocol.js';

export { FIRMATA, PIN_MODE } from '../../harness/pins/firmata/protocol.js';

export type FirmataMessage =
  /** A channel command (0x90–0xEF: low nibble = port or pin) or a system command (0xF4, 0xF5, 0xF9, 0xFF). */
  | { kind: 'command'; command: number; data: number[] }
  | { kind: 'sysex'; id: number; data: number[] };

/** Data bytes that follow each command byte. */
function dataLength(command: number): number | undefined {
  if (command >= 0x90 && command <= 0x9f) return 2;
  if (command >= 0xc0 && command <= 0xdf) return 1;
  if (command >= 0xe0 && command <= 0xef) return 2;
  if (command === FIRMATA.SET_PIN_MODE || command === FIRMATA.SET_DIGITAL_PIN_VALUE) return 2;
  if (command === FIRMATA.REPORT_VERSION || command === FIRMATA.SYSTEM_RESET) return 0;
  return undefined;
}

/** Longest sysex block kept; a longer one is garbage and is dropped. */
const MAX_SYSEX = 512;

export class FirmataMessageReader {
  private command: number | null = null;
  private data: number[] = [];
  private inSysex = false;
  /** Bytes that belonged to no message (stray data, unknown commands, overlong sysex). */
  ignored = 0;

  push(bytes: Uint8Array): FirmataMessage[] {
    const out: FirmataMessage[] = [];
    for (const byte of bytes) {
      const message = this.take(byte);
      if (message) out.push(message);
    }
    return out;
  }

  reset(): void {
    this.command = null;
    this.data = [];
    this.inSysex = false;
  }

  private take(byte: number): FirmataMessage | undefined {
    if (this.inSysex) {
      if (byte === FIRMATA.END_SYSEX) {
        const [id, ...data] = this.data;
        this.reset();
        if (id === undefined) return undefined;
        return { kind: 'sysex', id, data };
      }
      if (byte & 0x80) {
        // A command inside a sysex block: the block was cut short; start over with this byte.
        this.ignored += this.data.length + 1;
        this.reset();
        return this.take(byte);
      }
      if (this.data.length >= MAX_SYSEX) {
        this.ignored += this.data.length + 1;
        this.reset();
        return undefined;
      }
      this.data.push(byte);
      return undefined;
    }
    if (byte & 0x80) {
      if (this.command !== null) this.ignored += this.data.length + 1;
      this.reset();
      if (byte === FIRMATA.START_SYSEX) {
        this.inSysex = true;
        return undefined;
      }
      const length = dataLength(byte);
      if (length === undefined) {
        this.ignored += 1;
        return undefined;
      }
      if (length === 0) return { kind: 'command', command: byte, data: [] };
      this.command = byte;
      return undefined;
    }
    if (this.command === null) {
      this.ignored += 1;
      return undefined;
    }
    this.data.push(byte);
    if (this.data.length < dataLength(this.command)!) return undefined;
    const message: FirmataMessage = { kind: 'command', command: this.command, data: this.data };
    this.reset();
    return message;
  }
}

/** Text as Firmata carries it in sysex: each 8-bit byte as two 7-bit bytes, low bits first. */
export function encodeTwoSevenBit(text: string): number[] {
  const out: number[] = [];
  for (const byte of Buffer.from(text, 'latin1')) out.push(byte & 0x7f, (byte >> 7) & 0x7f);
  return out;
}
