/**
 * B7L — emulator reply latency: how long after the last byte of a command reaches the emulator its reply's first
 * byte is in the client's hands, for the STM32 bootloader (Get ID) and the MediaTek BROM (GET_HW_CODE), served on
 * a pty by `shakedown stub` (a process of its own, the real serialport binding on the client side) and on the
 * simulated bench (its binding, in this process); each on an idle machine and with one core kept busy.
 *
 * The last byte reaches the emulator n byte-times after the write (the line paces it); the reply's first byte
 * then needs one byte-time of its own, so a perfect emulator on a perfect pty would show that byte-time (87 µs at
 * 115200 8N1) and no more. Everything above it is the emulator, its pacing, the pty and the client's event loop.
 */
import type { BindingInterface, BindingPortInterface, OpenOptions } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { autoDetect } from '@serialport/bindings-cpp';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../harness/core/rng.js';
import { SimBench } from '../harness/sim/bench.js';
import { byteTimeMs } from '../harness/sim/frame.js';
import { simBenchWithFault } from '../test/runner/sim-bench-fixture.js';
import { startBackgroundLoad } from './lib/background-load.js';
import type { Benchmark } from './lib/types.js';
import { median, ms, quantile } from './lib/stats.js';
import { startStubProcess } from './lib/stub-process.js';

const TARGET_IDLE_P99_MS = 0.5;
const TARGET_LOADED_P99_MS = 2;
const BAUD = 115200;
/** The longest a client waits for a reply before the benchmark gives up (a lost byte, a dead stub). */
const REPLY_TIMEOUT_MS = 2000;
/** Commands sent before the timed ones, while both sides' code is still being compiled. */
const WARM_UP = 100;
/** Clients pause between commands; a random pause keeps the samples from locking to any timer's phase. */
const MAX_PAUSE_MS = 3;

/** One command and the number of bytes its reply has. */
interface Exchange {
  send: number[];
  replyBytes: number;
}

interface Family {
  name: string;
  profile: string;
  /** `shakedown stub` arguments that bring the board up listening. */
  stubArgs: string[];
  /** The DUT of the simulated bench with this board, and the mode forced on it. */
  simDut: string;
  simMode: string;
  /** Sent once after the boot ROM listens (sync, handshake, watchdog), replies checked by length only. */
  setup: Exchange[];
  /** The command timed, over and over. */
  timed: Exchange;
  /** The state the emulator is in once it listens. */
  listening: string;
}

const FAMILIES: Family[] = [
  {
    name: 'STM32 Get ID',
    profile: 'boards/stm32f103c8.yaml',
    stubArgs: ['--baud', String(BAUD)],
    simDut: 'd1',
    simMode: 'bootloader',
    setup: [{ send: [0x7f], replyBytes: 1 }],
    timed: { send: [0x02, 0xfd], replyBytes: 5 },
    listening: 'bootloader',
  },
  {
    name: 'MediaTek GET_HW_CODE',
    profile: 'boards/mt6765.yaml',
    stubArgs: ['--pin', 'kcol0=1'],
    simDut: 'd6',
    simMode: 'brom',
    setup: [
      ...[0xa0, 0x0a, 0x50, 0x05].map((b) => ({ send: [b], replyBytes: 1 })),
      // WRITE32 of the watchdog disable value, or the SoC resets two seconds after the handshake.
      { send: [0xd4], replyBytes: 1 },
      { send: [0x10, 0x00, 0x70, 0x00], replyBytes: 4 },
      { send: [0x00, 0x00, 0x00, 0x01], replyBytes: 6 },
      { send: [0x22, 0x00, 0x00, 0x64], replyBytes: 6 },
    ],
    timed: { send: [0xfd], replyBytes: 5 },
    listening: 'brom',
  },
];

/** Reads until `count` bytes are in; returns when the first of them arrived. */
async function readReply(port: BindingPortInterface, count: number): Promise<number> {
  const buffer = Buffer.alloc(256);
  let got = 0;
  let firstAt = 0;
  while (got < count) {
    const { bytesRead } = await port.read(buffer, 0, buffer.length);
    if (got === 0) firstAt = performance.now();
    got += bytesRead;
  }
  if (got > count) throw new Error(`${got - count} bytes more than the ${count} expected in a reply`);
  return firstAt;
}

/** Sends one command; resolves with its reply latency in ms, measured from the last byte's arrival. */
async function exchange(port: BindingPortInterface, ex: Exchange, byteMs: number): Promise<number> {
  const reply = readReply(port, ex.replyBytes);
  const sentAt = performance.now();
  await port.write(Buffer.from(ex.send));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply to ${Buffer.from(ex.send).toString('hex')} within ${REPLY_TIMEOUT_MS} ms`)), REPLY_TIMEOUT_MS);
  });
  try {
    const firstAt = await Promise.race([reply, timeout]);
    return firstAt - (sentAt + ex.send.length * byteMs);
  } finally {
    clearTimeout(timer);
  }
}

async function timeCommands(port: BindingPortInterface, family: Pick<Family, 'setup' | 'timed'>, byteMs: number, samples: number): Promise<number[]> {
  for (const step of family.setup) await exchange(port, step, byteMs);
  const rng = new Rng(7);
  const out: number[] = [];
  for (let i = 0; i < WARM_UP + samples; i++) {
    const latency = await exchange(port, family.timed, byteMs);
    if (i >= WARM_UP) out.push(latency);
    await new Promise((resolve) => setTimeout(resolve, rng.next() * MAX_PAUSE_MS));
  }
  return out;
}

/** Against `shakedown stub` on a pty, through the real serialport binding. */
async function onPty(family: Family, samples: number): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-bench-b7l-'));
  const stub = await startStubProcess(family.profile, join(dir, 'ttyUSB-stub'), family.stubArgs);
  try {
    const binding = autoDetect() as unknown as BindingInterface;
    const port = await binding.open({ path: stub.link, baudRate: BAUD });
    try {
      // The stub paces at 10 bits a byte (a pty has no parity).
      return await timeCommands(port, family, byteTimeMs({}, BAUD), samples);
    } finally {
      await port.close();
    }
  } finally {
    await stub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The floor of anything served on a pty this way: socat's own echo (its PIPE address) behind the same kind of
 * pty, no emulator, no pacing. Figures are write → first byte back.
 */
async function ptyEchoFloor(samples: number): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-bench-b7l-'));
  const link = join(dir, 'ttyUSB-echo');
  const socat = spawn('socat', [`PTY,raw,echo=0,link=${link}`, 'PIPE'], { stdio: 'ignore' });
  try {
    for (let waited = 0; !existsSync(link); waited += 10) {
      if (waited > 5000) throw new Error('socat did not make its pty');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const binding = autoDetect() as unknown as BindingInterface;
    const port = await binding.open({ path: link, baudRate: BAUD });
    try {
      // byteMs 0: nothing paces an echo, so nothing is taken off.
      return await timeCommands(port, { setup: [], timed: { send: [0x02, 0xfd], replyBytes: 2 } }, 0, samples);
    } finally {
      await port.close();
    }
  } finally {
    socat.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** On the simulated bench, the board forced into its boot ROM, through the bench's binding. */
async function onSimBench(family: Family, samples: number): Promise<number[]> {
  const bench = simBenchWithFault('duts', family.simDut, { mode: family.simMode });
  bench.rig.duts = bench.rig.duts.filter((d) => d.id === family.simDut);
  const sim = new SimBench(bench);
  try {
    const device = sim.device(family.simDut);
    for (let waited = 0; device.state !== family.listening; waited += 5) {
      if (waited > 5000) throw new Error(`${family.simDut} did not reach ${family.listening} (state ${device.state})`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const serial = bench.profiles.get(bench.rig.duts[0]!.board)!.protocol.serial;
    const options: OpenOptions = { path: sim.portPath(family.simDut), baudRate: serial.baudRate, dataBits: 8, parity: serial.parity, stopBits: 1 };
    const port = await sim.binding.open(options);
    try {
      return await timeCommands(port, family, byteTimeMs(options, serial.baudRate), samples);
    } finally {
      await port.close();
    }
  } finally {
    sim.dispose();
  }
}

interface Case {
  where: 'pty' | 'sim';
  loaded: boolean;
  family: Family;
  values: number[];
  load: number;
}

const load1 = () => Math.round(loadavg()[0]! * 100) / 100;

export const b7StubLatency: Benchmark = {
  id: 'B7L',
  what: 'emulator reply latency (pty and sim bench)',
  target: `p99 ≤ ${TARGET_IDLE_P99_MS} ms idle, ≤ ${TARGET_LOADED_P99_MS} ms with one core busy`,
  async run(ctx) {
    const samples = ctx.quick ? 200 : 1000;
    const cases: Case[] = [];
    const floors: string[] = [];
    for (const loaded of [false, true]) {
      const stopLoad = loaded ? startBackgroundLoad(1) : null;
      try {
        const echo = await ptyEchoFloor(samples);
        floors.push(
          `pty floor (socat's own echo, no emulator, write → first byte back), ${loaded ? 'one core busy' : 'idle'}: ` +
            `median ${ms(median(echo))} ms, p99 ${ms(quantile(echo, 0.99))} ms (load average ${load1()})`,
        );
        ctx.log(`B7L ${floors.at(-1)}`);
        for (const where of ['pty', 'sim'] as const) {
          for (const family of FAMILIES) {
            const values = where === 'pty' ? await onPty(family, samples) : await onSimBench(family, samples);
            const c: Case = { where, loaded, family, values, load: load1() };
            cases.push(c);
            ctx.log(`B7L ${line(c)}`);
          }
        }
      } finally {
        await stopLoad?.();
      }
    }
    const worst = (loaded: boolean, where: Case['where']) =>
      Math.max(...cases.filter((c) => c.loaded === loaded && c.where === where).map((c) => quantile(c.values, 0.99)));
    const met = cases.every((c) => quantile(c.values, 0.99) <= (c.loaded ? TARGET_LOADED_P99_MS : TARGET_IDLE_P99_MS));
    const idleMedian = median(cases.filter((c) => !c.loaded).flatMap((c) => c.values));
    const loadedMedian = median(cases.filter((c) => c.loaded).flatMap((c) => c.values));
    return {
      figure:
        `p99 idle pty ${ms(worst(false, 'pty'))} / sim ${ms(worst(false, 'sim'))} ms (median ${ms(idleMedian)}), ` +
        `loaded pty ${ms(worst(true, 'pty'))} / sim ${ms(worst(true, 'sim'))} ms (median ${ms(loadedMedian)})`,
      verdict: met ? 'met' : 'missed',
      details: [
        `${samples} commands per case after ${WARM_UP} not counted (JIT warm-up), a random pause of 0–${MAX_PAUSE_MS} ms between them; latency = first reply byte in the client − the command's last byte at the emulator (includes the reply byte's own ${(byteTimeMs({}, BAUD) * 1000).toFixed(0)} µs on the line)`,
        ...cases.map(line),
        ...floors,
      ],
    };
  },
};

function line(c: Case): string {
  const load = c.loaded ? 'one core busy' : 'idle';
  return `${c.where} ${c.family.name}, ${load}: median ${ms(median(c.values))} ms, p99 ${ms(quantile(c.values, 0.99))} ms, max ${ms(Math.max(...c.values))} ms (load average ${c.load})`;
}
