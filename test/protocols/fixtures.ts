/**
 * Test fixtures for the engines: board profiles built in code, a ManualClock driver, and scripted responders —
 * small models of an STM32 bootloader and a MediaTek BROM/Preloader with switches for each failure the engines
 * must recognise. They answer through a MemoryLink, so every byte lands in a transcript like on the bench.
 */
import type { BoardProfile, ProtocolConfig, SerialSettings } from '../../harness/config/types.js';
import { ManualClock } from '../../harness/core/clock.js';
import { MemoryLink } from '../../harness/link/memory-link.js';
import type { MediatekOptions } from '../../harness/families/mediatek/schema.js';
import type { Stm32Options as Stm32EngineOptions } from '../../harness/families/stm32/schema.js';

const SERIAL_8E1: SerialSettings = { baudRate: 115200, dataBits: 8, parity: 'even', stopBits: 1 };
const SERIAL_8N1: SerialSettings = { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 };

export function profile(protocol: ProtocolConfig, expect: BoardProfile['expect'], id = 'test-board'): BoardProfile {
  return { id, title: id, family: protocol.engine, protocol, pins: {}, enter: [], leave: [], expect, digest: 'x', file: `${id}.yaml` };
}

export function stm32Profile(over: { productId?: number; readBytes?: number; retries?: number; minBootloaderVersion?: number } = {}): BoardProfile {
  return profile(
    {
      engine: 'stm32',
      serial: SERIAL_8E1,
      deadlines: { replyMs: 500, syncMs: 500, readMs: 1000 },
      retries: over.retries ?? 2,
      options: { readBytes: over.readBytes ?? 0, readAddress: 0x08000000 } satisfies Stm32EngineOptions,
    },
    { productId: over.productId ?? 0x410, minBootloaderVersion: over.minBootloaderVersion ?? 0x20 },
    'stm32f103-bluepill',
  );
}

export function mediatekProfile(over: { hwCode?: number; mode?: 'brom' | 'preloader' } = {}): BoardProfile {
  return profile(
    {
      engine: 'mediatek',
      serial: SERIAL_8N1,
      deadlines: { replyMs: 200, handshakeMs: 2000, byteMs: 20 },
      retries: 30,
      options: { watchdog: { address: 0x10007000, value: 0x22000064 } } satisfies MediatekOptions,
    },
    { hwCode: over.hwCode ?? 0x0766, mode: over.mode ?? 'brom' },
    'mt6765-board',
  );
}

export interface Rig {
  clock: ManualClock;
  link: MemoryLink;
  /** Set by the responder: called with every chunk the host writes. */
  onHost: (bytes: Uint8Array) => void;
  /** Device → host after delayMs. */
  reply(bytes: number[] | Uint8Array, delayMs?: number): void;
}

export function rig(): Rig {
  const clock = new ManualClock();
  const r: Rig = {
    clock,
    link: new MemoryLink({ clock, send: (bytes) => r.onHost(bytes) }),
    onHost: () => undefined,
    reply(bytes, delayMs = 0.2) {
      const data = Uint8Array.from(bytes);
      clock.setTimer(delayMs, () => r.link.deliver(data));
    },
  };
  return r;
}

/** Moves the ManualClock until the work settles (or maxMs of simulated time pass). */
export async function drive<T>(clock: ManualClock, work: Promise<T>, maxMs = 120_000): Promise<T> {
  let settled = false;
  work.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let t = 0; t < maxMs && !settled; t++) await clock.advanceAsync(1);
  if (!settled) throw new Error(`still running after ${maxMs} ms of simulated time`);
  return work;
}

// ---------------------------------------------------------------- STM32 bootloader model

export interface Stm32Options {
  pid?: number;
  version?: number;
  /** Clock time the bootloader starts listening (bytes before are lost). */
  listenAt?: number;
  /** Synced before the session starts (a previous session was not closed). */
  alreadySynced?: boolean;
  /** Answer latency. */
  latencyMs?: number;
  /** This command's answer comes this late. */
  slowCommand?: { code: number; ms: number };
  /** Silent for good. */
  dead?: boolean;
  /** Restarts (loses sync, boots again) on receiving this command code. */
  resetOn?: number;
  /** Drops this command code's second byte on the way in. */
  dropSecondByteOf?: number;
  /** Replaces every reply byte (a board printing text, a corrupted line). */
  mangle?: (byte: number) => number;
  /** Text the application prints at start (BOOT0 low). */
  appText?: string;
  /** Floods this many bytes of log at start. */
  floodBytes?: number;
  /** Readout protection: Read Memory NACKed. */
  protectedFlash?: boolean;
}

export function stm32Responder(r: Rig, o: Stm32Options = {}): void {
  const pid = o.pid ?? 0x410;
  const version = o.version ?? 0x22;
  const latency = o.latencyMs ?? 0.2;
  let synced = o.alreadySynced ?? false;
  let listenAt = o.listenAt ?? 0;
  let pending: number[] = [];
  let stage: 'cmd' | 'readAddr' | 'readLen' = 'cmd';
  const send = (bytes: number[]) => r.reply(o.mangle ? bytes.map(o.mangle) : bytes, latency);
  if (o.appText) r.reply(Array.from(Buffer.from(o.appText)), 1);
  if (o.floodBytes) r.reply(Array.from(Buffer.from('boot loop: reset cause 0x04\r\n'.repeat(Math.ceil(o.floodBytes / 29))).subarray(0, o.floodBytes)), 1);
  if (o.appText || o.dead) return;

  r.onHost = (bytes) => {
    for (const b of bytes) {
      if (r.clock.now() < listenAt) continue;
      if (!synced) {
        if (b === 0x7f) {
          synced = true;
          send([0x79]);
        }
        continue;
      }
      pending.push(b);
      if (stage === 'readAddr' && pending.length === 5) {
        pending = [];
        stage = 'readLen';
        send([0x79]);
      } else if (stage === 'readLen' && pending.length === 2) {
        const n = pending[0]! + 1;
        pending = [];
        stage = 'cmd';
        send([0x79, ...Array.from({ length: n }, (_, i) => i & 0xff)]);
      } else if (stage === 'cmd' && pending.length === 2 && pending[0] === o.dropSecondByteOf) {
        // the complement is lost on the way in
        o.dropSecondByteOf = undefined;
        pending = [pending[0]!];
      } else if (stage === 'cmd' && pending.length === 2) {
        const [code, check] = pending as [number, number];
        pending = [];
        if ((code ^ 0xff) !== check) {
          send([0x1f]);
          continue;
        }
        if (code === o.resetOn) {
          o.resetOn = undefined;
          synced = false;
          listenAt = r.clock.now() + 50;
          continue;
        }
        const slow = o.slowCommand?.code === code ? o.slowCommand.ms : 0;
        const answer = (bytes: number[]) => r.reply(o.mangle ? bytes.map(o.mangle) : bytes, latency + slow);
        if (code === 0x00) answer([0x79, 0x0b, version, 0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x43, 0x63, 0x73, 0x82, 0x92, 0x79]);
        else if (code === 0x01) answer([0x79, version, 0x00, 0x00, 0x79]);
        else if (code === 0x02) answer([0x79, 0x01, pid >> 8, pid & 0xff, 0x79]);
        else if (code === 0x11) {
          if (o.protectedFlash) answer([0x1f]);
          else {
            stage = 'readAddr';
            answer([0x79]);
          }
        } else answer([0x1f]);
      }
    }
  };
}

// ---------------------------------------------------------------- MediaTek model

export interface MediatekResponderOptions {
  hwCode?: number;
  /** Runs the Preloader (READY pushes, swallows the first A0, GET_BL_VER answers a version byte). */
  preloader?: boolean;
  /** Answers every handshake byte +1 (not in sync). */
  plusOne?: boolean;
  /** Restarts after this many commands: echoes then come back +1. */
  resetAfterCommands?: number;
  /** Flips bit 0 of every handshake echo. */
  flipEchoBit?: boolean;
  /** Floods log text before and during the handshake. */
  flood?: boolean;
  /** Silent for good. */
  dead?: boolean;
  /** Delay of every reply after the handshake. */
  latencyMs?: number;
  /** Round trip a slow USB link adds to every reply, the handshake's echoes included. */
  linkMs?: number;
  /** Completes the handshake, but its last echo (FA) never reaches the host. */
  loseFinalEcho?: boolean;
  /** In command mode from the start (a previous session left it synced). */
  alreadySynced?: boolean;
  /** The line echoes every byte back (TX tied to RX), and nothing else answers. */
  echoAll?: boolean;
  /** Bits flipped (XOR, byte by byte) in the echo of WRITE32's value word, as a noisy line would. */
  valueEchoXor?: readonly number[];
}

export function mediatekResponder(r: Rig, o: MediatekResponderOptions = {}): void {
  const hw = o.hwCode ?? 0x0766;
  const seq = [0xa0, 0x0a, 0x50, 0x05];
  let index = 0;
  let swallowed = !o.preloader;
  let inSync = o.alreadySynced ?? false;
  let commands = 0;
  let expectBytes: number[] = [];
  let onArgs: ((args: number[]) => void) | null = null;
  let echoXor: readonly number[] = [];
  const send = (bytes: number[]) => r.reply(bytes, (o.linkMs ?? 0) + (inSync ? (o.latencyMs ?? 0.2) : 0.2));
  const u16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];
  const u32 = (v: number) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

  if (o.dead) return;
  if (o.echoAll) {
    r.onHost = (bytes) => send(Array.from(bytes));
    return;
  }
  if (o.flood) {
    const log = Buffer.from('[PLFM] boot reason: watchdog, rebooting...\r\n'.repeat(40));
    r.reply(Array.from(log), 1);
  }
  // The Preloader pushes READY while it waits for a handshake, not after.
  if (o.preloader) for (let t = 1; t < 400; t += 20) r.clock.setTimer(t, () => inSync || r.link.deliver(Uint8Array.from(Buffer.from('READY'))));

  const args = (n: number, then: (a: number[]) => void) => {
    expectBytes = [];
    onArgs = (a) => {
      if (a.length === n) {
        onArgs = null;
        then(a);
      }
    };
  };

  r.onHost = (bytes) => {
    for (const b of bytes) {
      if (!inSync) {
        if (o.flood) continue;
        if (!swallowed && b === 0xa0) {
          swallowed = true;
          continue;
        }
        if (o.plusOne) {
          send([(b + 1) & 0xff]);
          continue;
        }
        if (b === seq[index]) {
          if (!(o.loseFinalEcho && index === 3)) send([(~b & 0xff) ^ (o.flipEchoBit ? 1 : 0)]);
          index = o.flipEchoBit ? 0 : index + 1;
          if (index === 4) inSync = true;
        } else {
          index = b === 0xa0 ? 1 : 0;
          if (b === 0xa0) send([0x5f]);
        }
        continue;
      }
      if (onArgs) {
        expectBytes.push(b);
        send([b ^ (echoXor[expectBytes.length - 1] ?? 0)]);
        onArgs(expectBytes);
        continue;
      }
      commands++;
      if (o.resetAfterCommands !== undefined && commands > o.resetAfterCommands) {
        send([(b + 1) & 0xff]);
        continue;
      }
      if (b === 0xfe) send(o.preloader ? [0x01] : [0xfe]);
      else if (b === 0xff) send([o.preloader ? 0x01 : 0x05]);
      else if (b === 0xfd) send([0xfd, ...u16(hw), 0, 0]);
      else if (b === 0xfc) send([0xfc, 0x8a, 0x00, 0xca, 0x00, 0x00, 0x00, 0, 0]);
      else if (b === 0xd8) send([0xd8, ...u32(o.preloader ? 0 : 0x000000e5), 0, 0]);
      else if (b === 0xd4) {
        send([0xd4]);
        args(8, () => {
          send(u16(o.preloader ? 0 : 1));
          echoXor = o.valueEchoXor ?? [];
          args(4, () => {
            echoXor = [];
            send([0, 1]);
          });
        });
      } else send([b]); // an unknown command is echoed
    }
  };
}
