/** The machine a benchmark ran on, for docs/benchmarks.md: cores, CPU model, RAM, Node version, date. */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  nproc: number;
  cpu: string;
  ramGiB: number;
  node: string;
  date: string;
  /** 1-minute load average when the benchmarks started: other work on the machine skews timings. */
  load: number;
}

export function describeMachine(): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) cpu = line.split(':').slice(1).join(':').trim();
  } catch {
    // Not Linux: os.cpus() is good enough.
  }
  return {
    nproc: availableParallelism(),
    cpu,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    load: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export function machineLine(m: Machine): string {
  return `${m.nproc} cores (nproc), ${m.cpu}, ${m.ramGiB} GiB RAM, Node ${m.node}, ${m.date}, load average ${m.load}`;
}
