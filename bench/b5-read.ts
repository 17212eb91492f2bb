/**
 * B5 — read throughput: 64 KiB of flash from the STM32 emulator served on a pty (`shakedown stub`, in a process of
 * its own), by shakedown's STM32 engine (a profile copy that reads 64 KiB, over the real serialport binding) and by
 * stm32flash, alternately in the same run; both against the wire limit of 115200 baud 8N1 (the pty drops parity).
 */
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { autoDetect } from '@serialport/bindings-cpp';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProfile } from '../harness/config/load.js';
import type { BoardProfile, SerialSettings } from '../harness/config/types.js';
import type { Stm32ChipFacts, Stm32Options } from '../harness/families/stm32/schema.js';
import { realClock } from '../harness/core/clock.js';
import { Transcript } from '../harness/core/transcript.js';
import { openSerialLink } from '../harness/link/serial-link.js';
import { runEngine } from '../harness/protocols/index.js';
import type { Benchmark } from './lib/types.js';
import { median } from './lib/stats.js';
import { startStubProcess } from './lib/stub-process.js';

const BAUD = 115200;
/** The pty server paces 8N1: ten bits a byte. */
const BITS_PER_BYTE = 10;
const BLOCK = 256;
const PROFILE = 'boards/stm32f103c8.yaml';
const TARGET_RATIO = 1;

/** A copy of the profile whose session reads `bytes` from the start of flash, 8N1 for the pty. */
function readingProfile(profile: BoardProfile, bytes: number): { profile: BoardProfile; serial: SerialSettings } {
  const serial: SerialSettings = { ...profile.protocol.serial, baudRate: BAUD, parity: 'none' };
  const flash = (profile.chip as Stm32ChipFacts).flash.start;
  const options: Stm32Options = { readBytes: bytes, readAddress: flash };
  return { profile: { ...profile, protocol: { ...profile.protocol, serial, options } }, serial };
}

/** One shakedown session (open, sync, Get Version, Get, Get ID, read, close); wall ms. */
async function shakedownRead(link: string, profile: BoardProfile, serial: SerialSettings, bytes: number): Promise<number> {
  const binding = autoDetect() as unknown as BindingInterface;
  const started = performance.now();
  const port = await openSerialLink({ binding, path: link, serial, clock: realClock, transcript: new Transcript(realClock) });
  try {
    const outcome = await runEngine(profile, port);
    if (!outcome.ok || outcome.identity?.readBytes !== bytes) throw new Error(`shakedown read failed: ${outcome.symptom} — ${outcome.detail}`);
  } finally {
    await port.close();
  }
  return performance.now() - started;
}

/** One stm32flash session reading the same bytes to a file; wall ms from spawn to exit. */
function stm32flashRead(link: string, address: number, bytes: number, out: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const args = ['-b', String(BAUD), '-m', '8n1', '-S', `0x${address.toString(16)}:${bytes}`, '-r', out, link];
    const child = spawn('stm32flash', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run stm32flash: ${error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      if (code !== 0) return reject(new Error(`stm32flash exited ${code}: ${text.trim().split('\n').slice(-2).join(' / ')}`));
      if (statSync(out).size !== bytes) return reject(new Error(`stm32flash wrote ${statSync(out).size} bytes, not ${bytes}`));
      resolve(ms);
    });
  });
}

export const b5: Benchmark = {
  id: 'B5',
  what: 'read throughput (64 KiB on a pty)',
  target: `time shakedown/stm32flash ≤ ${TARGET_RATIO.toFixed(1)}`,
  async run(ctx) {
    const bytes = ctx.quick ? 8 * 1024 : 64 * 1024;
    const rounds = ctx.quick ? 1 : 3;
    const base = loadProfile(PROFILE);
    const { profile, serial } = readingProfile(base, bytes);
    const flash = (profile.protocol.options as Stm32Options).readAddress;
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-bench-b5-'));
    const server = await startStubProcess(PROFILE, join(dir, 'ttyUSB-stm32'), ['--baud', String(BAUD)]);
    try {
      const ours: number[] = [];
      const theirs: number[] = [];
      for (let round = 0; round < rounds; round++) {
        // Each session starts from a freshly reset bootloader, as each trial on a bench does.
        await server.reset();
        ours.push(await shakedownRead(server.link, profile, serial, bytes));
        await server.reset();
        theirs.push(await stm32flashRead(server.link, flash, bytes, join(dir, `read-${round}.bin`)));
        ctx.log(`B5 round ${round + 1}: shakedown ${(ours[round]! / 1000).toFixed(2)} s, stm32flash ${(theirs[round]! / 1000).toFixed(2)} s`);
      }
      const wireMs = (bytes * BITS_PER_BYTE * 1000) / BAUD;
      // What the protocol itself puts on the line per 256-byte block: 9 bytes of command out, 3 ACKs back.
      const protocolMs = wireMs + ((bytes / BLOCK) * (9 + 3) * BITS_PER_BYTE * 1000) / BAUD;
      const o = median(ours);
      const t = median(theirs);
      const rate = (ms: number) => `${((bytes / ms) * 1000).toFixed(0)} B/s`;
      const ratio = o / t;
      return {
        figure: `time ratio ${ratio.toFixed(3)} (${rate(o)} vs ${rate(t)})`,
        verdict: ratio <= TARGET_RATIO ? 'met' : 'missed',
        details: [
          `${bytes} bytes, median of ${rounds} round${rounds > 1 ? 's' : ''}, each tool alternately on the same pty:`,
          `shakedown ${(o / 1000).toFixed(2)} s = ${rate(o)} (${((wireMs / o) * 100).toFixed(1)} % of the wire limit)`,
          `stm32flash ${(t / 1000).toFixed(2)} s = ${rate(t)} (${((wireMs / t) * 100).toFixed(1)} % of the wire limit)`,
          `rounds (s): shakedown ${ours.map((x) => (x / 1000).toFixed(2)).join(' / ')}, stm32flash ${theirs.map((x) => (x / 1000).toFixed(2)).join(' / ')}`,
          `wire limit ${(wireMs / 1000).toFixed(2)} s = ${rate(wireMs)} (data alone at ${BAUD} 8N1); with the protocol's own bytes ${(protocolMs / 1000).toFixed(2)} s`,
          'both times include the whole session (open, sync, Get Version, Get, Get ID, read, close) from a freshly reset bootloader; stm32flash also its process start',
        ],
      };
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
