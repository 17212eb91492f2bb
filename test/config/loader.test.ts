import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { InputError } from '../../harness/core/exit-codes.js';
import { ConfigError, detectKind, formatIssue, loadBench, loadProfile, loadRig, type ConfigIssue } from '../../harness/config/load.js';
import { closest } from '../../harness/config/issues.js';
import { dutsInService } from '../../harness/config/health.js';
import { MAX_CONFIG_BYTES } from '../../harness/config/source.js';
import { ROOT } from './helpers.js';
import type { Stm32ChipFacts } from '../../harness/families/stm32/schema.js';

function issuesOf(load: () => unknown): ConfigIssue[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const MINIMAL_STM32 = `title: Minimal
family: stm32
protocol: { engine: stm32 }
pins:
  reset: { role: reset, active: low }
  boot0: { role: boot-strap, active: high }
enter:
  - set: { boot0: on }
  - pulse: { pin: reset, ms: 5 }
  - wait: 60
leave:
  - set: { boot0: false }
expect: { productId: "0x410" }
chip:
  productId: 0x410
  bootloaderVersion: 34
  commands: ["0x00", 0x01]
  flash: { start: 0x08000000, end: 0x08010000 }
  pageSize: 1024
  ram: { start: 0x20000200, size: 0x4E00 }
  systemMemory: { start: 0x1FFFF000, end: 0x1FFFF800 }
  optionBytesAddress: 0x1FFFF800
`;

describe('config: loader', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string | Buffer) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('fills documented defaults and reads hex written as numbers or strings', () => {
    const p = loadProfile(write('minimal.yaml', MINIMAL_STM32));
    expect(p.protocol.serial).to.deep.equal({ baudRate: 115200, dataBits: 8, parity: 'even', stopBits: 1 });
    expect(p.protocol.deadlines).to.deep.equal({ replyMs: 500 });
    expect(p.protocol.retries).to.equal(2);
    expect(p.protocol.options).to.deep.equal({ readBytes: 0, readAddress: 0x08000000 });
    expect(p.pins.reset).to.deep.equal({ name: 'reset', role: 'reset', active: 'low', idle: 'inactive' });
    expect(p.enter).to.deep.equal([{ kind: 'set', pins: { boot0: true } }, { kind: 'pulse', pin: 'reset', ms: 5 }, { kind: 'wait', ms: 60 }]);
    expect(p.timing).to.deep.equal({ edgeToleranceMs: 250 });
    expect(p.leave).to.deep.equal([{ kind: 'set', pins: { boot0: false } }]);
    expect(p.expect).to.deep.equal({ productId: 0x410 });
    const chip = p.chip as Stm32ChipFacts;
    expect(chip.family).to.equal('stm32');
    expect(chip.commands).to.deep.equal([0, 1]);
    expect(chip.ram).to.deep.equal({ start: 0x20000200, end: 0x20005000 });
    expect(chip).to.include({ startupMs: 60, appBanner: '', appBaud: 115200 });
    expect(chip.optionBytes).to.deep.equal([0, 0]);
  });

  it('records the sha256 of the bytes and the path given', () => {
    const file = write('minimal.yaml', MINIMAL_STM32);
    const p = loadProfile(file);
    expect(p.digest).to.equal(createHash('sha256').update(readFileSync(file)).digest('hex'));
    expect(p.file).to.equal(file);
    expect(p.id).to.equal('minimal');
  });

  it('reports a missing file, a directory and an oversized file without parsing them', () => {
    const missing = issuesOf(() => loadProfile(join(dir, 'nope.yaml')));
    expect(missing).to.have.length(1);
    expect(formatIssue(missing[0]!)).to.equal(`${join(dir, 'nope.yaml')}:1:1: no such file`);
    expect(issuesOf(() => loadProfile(dir))[0]!.message).to.include('is a directory');
    const big = write('big.yaml', `title: x\nnotes: "${'a'.repeat(MAX_CONFIG_BYTES)}"\n`);
    expect(issuesOf(() => loadProfile(big))[0]!.message).to.match(/larger than the 1048576-byte limit/);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 20; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const issues = issuesOf(() => loadProfile(write('bomb.yaml', lines.join('\n'))));
    expect(issues[0]!.message).to.include('alias bomb');
  });

  it('reports a non-scalar key and an unresolved alias as problems, not crashes', () => {
    expect(issuesOf(() => loadProfile(write('k.yaml', '? [a, b]\n: 1\n')))[0]!.message).to.include('keys must be plain names');
    expect(issuesOf(() => loadProfile(write('a.yaml', 'title: *nothing\n')))[0]!.message).to.match(/YAML syntax|cannot build/);
  });

  it('ConfigError is an InputError whose message lists every problem', () => {
    try {
      loadProfile(write('bad.yaml', 'title: 5\nfamily: Bad Family\n'));
      expect.fail('should throw');
    } catch (error) {
      expect(error).to.be.instanceOf(InputError).and.instanceOf(ConfigError);
      const e = error as ConfigError;
      expect(e.message.split('\n')).to.have.length(e.issues.length);
      expect(e.issues.map((i) => i.path)).to.include.members(['title', 'family', 'protocol', 'pins', 'enter', 'leave']);
    }
  });

  it('suggests the nearest key for typos and habits from other tools, and nothing for unrelated words', () => {
    expect(closest('boot_0', ['reset', 'boot0', 'boot1'])).to.equal('boot0');
    expect(closest('baudrate', ['baud', 'dataBits', 'parity', 'stopBits'])).to.equal('baud');
    expect(closest('BaudRate', ['baud', 'parity'])).to.equal('baud');
    expect(closest('pwr', ['power', 'kcol0'])).to.equal('power');
    expect(closest('enginee', ['engine', 'serial'])).to.equal('engine');
    expect(closest('c3', ['c1', 'c2'])).to.equal(undefined);
    expect(closest('banana', ['reset', 'boot0'])).to.equal(undefined);
  });

  it('loadRig checks a rig alone; loadBench also needs its profiles', () => {
    const rig = write(
      'lonely.yaml',
      `title: t\nkind: simulated\nrelays: [{ id: rb1, driver: sim, channels: 2 }]\nports: [{ id: p1 }]\ncables: [{ id: c1 }]\nsupplies: [{ id: s1 }]\n` +
        `duts:\n  - { id: d1, board: nowhere, cable: c1, port: p1, supply: s1, pins: { reset: rb1.1 } }\n`,
    );
    const loaded = loadRig(rig);
    expect(loaded.duts[0]!.pins).to.deep.equal({ reset: { channel: 'rb1.1', closed: 'active' } });
    expect(loaded.nightly).to.deep.equal({ trialsPerDut: 100, concurrency: 8, trialTimeoutMs: 10000, historyNights: 14 });
    expect(loaded.host).to.equal('host');
    expect(loaded.relays[0]!.polarity).to.equal('active-high');
    const issues = issuesOf(() => loadBench(rig));
    expect(issues).to.have.length(1);
    expect(issues[0]).to.include({ line: 8, path: 'duts[0].board' });
    expect(issues[0]!.message).to.include("unknown board profile 'nowhere'");
  });

  it('finds profiles in <rig dir>/../boards by default, or in the directory given', () => {
    mkdirSync(join(dir, 'rigs'));
    mkdirSync(join(dir, 'boards'));
    mkdirSync(join(dir, 'elsewhere'));
    copyFileSync(join(ROOT, 'boards/stm32f030r8.yaml'), join(dir, 'boards/stm32f030r8.yaml'));
    copyFileSync(join(ROOT, 'boards/stm32f030r8.yaml'), join(dir, 'elsewhere/f0.yaml'));
    const text = (board: string) =>
      `title: t\nkind: simulated\nrelays: [{ id: rb1, driver: sim, channels: 2 }]\nports: [{ id: p1 }]\ncables: [{ id: c1 }]\nsupplies: [{ id: s1 }]\n` +
      `duts:\n  - { id: d1, board: ${board}, cable: c1, port: p1, supply: s1, pins: { reset: rb1.1, boot0: rb1.2 } }\n`;
    const rig = write('rigs/bench.yaml', text('stm32f030r8'));
    expect([...loadBench(rig).profiles.keys()]).to.deep.equal(['stm32f030r8']);
    const other = write('rigs/other.yaml', text('f0'));
    expect([...loadBench(other, join(dir, 'elsewhere')).profiles.keys()]).to.deep.equal(['f0']);
    const viaKey = write('rigs/via-key.yaml', `boards: ../elsewhere\n${text('f0')}`);
    expect(loadBench(viaKey).profiles.get('f0')!.expect).to.deep.include({ productId: 0x440 });
  });

  it('maps serial overrides, pin wiring forms and relay channel lists onto the typed rig', () => {
    const rig = loadRig(
      write(
        'wiring.yaml',
        `title: t\nkind: simulated\nsim: { seed: 7 }\nrelays:\n  - { id: rb1, driver: sim, safe: closed, polarity: active-low, channels: [{ n: 3, sim: { stuckRate: 0.5 } }, { n: 4, safe: open }] }\n` +
          `  - { id: a1, driver: dtr-rts, dut: d1 }\nhubs: [{ id: h1, upstream: pc.usb1, sim: { latencyMs: 3 } }]\nports: [{ id: h1.p1, hub: h1 }]\ncables: [{ id: c1 }]\nsupplies: [{ id: s1 }]\n` +
          `duts:\n  - id: d1\n    board: x\n    cable: c1\n    port: h1.p1\n    supply: s1\n    serialOverrides: { parity: none, baud: 57600 }\n` +
          `    pins: { reset: a1.dtr, boot0: { channel: rb1.3, closed: inactive }, power: { channel: rb1.4 } }\n    sim: { mode: app, bootDelayMs: 20 }\n`,
      ),
    );
    expect(rig.sim).to.deep.equal({ seed: 7 });
    expect(rig.relays[0]!.channels).to.deep.equal([
      { id: 'rb1.3', board: 'rb1', channel: 3, safe: 'closed', sim: { stuckRate: 0.5 } },
      { id: 'rb1.4', board: 'rb1', channel: 4, safe: 'open' },
    ]);
    expect(rig.relays[1]).to.deep.include({ driver: 'dtr-rts', dut: 'd1' });
    expect(rig.relays[1]!.channels.map((c) => [c.id, c.channel])).to.deep.equal([['a1.dtr', 'dtr'], ['a1.rts', 'rts']]);
    expect(rig.hubs[0]).to.deep.equal({ id: 'h1', upstream: 'pc.usb1', sim: { latencyMs: 3 } });
    const dut = rig.duts[0]!;
    expect(dut.serialOverrides).to.deep.equal({ parity: 'none', baudRate: 57600 });
    expect(dut.pins).to.deep.equal({
      reset: { channel: 'a1.dtr', closed: 'active' },
      boot0: { channel: 'rb1.3', closed: 'inactive' },
      power: { channel: 'rb1.4', closed: 'active' },
    });
    expect(dut.sim).to.deep.equal({ mode: 'app', bootDelayMs: 20 });
  });

  it('reads DUT health and the nightly notify command; only DUTs in service are run by default', () => {
    const rig = loadRig(
      write(
        'health.yaml',
        `title: t\nkind: simulated\nnightly: { notify: scripts/post-to-chat.sh --channel lab, notifyTimeoutMs: 5000 }\nrelays: [{ id: rb1, driver: sim, channels: 6 }]\n` +
          `ports: [{ id: p1 }, { id: p2 }, { id: p3 }]\ncables: [{ id: c1 }, { id: c2 }, { id: c3 }]\nsupplies: [{ id: s1 }]\nduts:\n` +
          `  - { id: d1, board: x, cable: c1, port: p1, supply: s1, pins: { reset: rb1.1 }, health: good }\n` +
          `  - { id: d2, board: x, cable: c2, port: p2, supply: s1, pins: { reset: rb1.2 }, health: maintenance, notes: new preloader }\n` +
          `  - { id: d3, board: x, cable: c3, port: p3, supply: s1, pins: { reset: rb1.3 }, health: retired }\n`,
      ),
    );
    expect(rig.nightly.notify).to.deep.equal({ command: 'scripts/post-to-chat.sh --channel lab', timeoutMs: 5000 });
    expect(rig.duts.map((d) => d.health)).to.deep.equal([undefined, 'maintenance', 'retired']);
    expect(dutsInService(rig).map((d) => d.id)).to.deep.equal(['d1']);
    const plain = loadRig(write('plain.yaml', `title: t\nkind: simulated\nrelays: [{ id: rb1, driver: sim, channels: 1 }]\nports: [{ id: p1 }]\ncables: [{ id: c1 }]\nsupplies: [{ id: s1 }]\nduts: [{ id: d1, board: x, cable: c1, port: p1, supply: s1, pins: { reset: rb1.1 } }]\n`));
    expect(plain.nightly.notify).to.equal(undefined);
  });

  it('reads the follow-up budget, with its defaults, and points at a bad one by line and column', () => {
    const rig = (nightly: string) =>
      `title: t\nkind: simulated\n${nightly}relays: [{ id: rb1, driver: sim, channels: 1 }]\nports: [{ id: p1 }]\ncables: [{ id: c1 }]\nsupplies: [{ id: s1 }]\n` +
      `duts: [{ id: d1, board: x, cable: c1, port: p1, supply: s1, pins: { reset: rb1.1 } }]\n`;
    expect(loadRig(write('fu.yaml', rig('nightly:\n  followUp: { maxTrials: 200 }\n'))).nightly.followUp).to.deep.equal({ maxTrials: 200, maxMinutes: 30 });
    expect(loadRig(write('fu-none.yaml', rig(''))).nightly.followUp, 'absent: the defaults apply (followUpBudgetOf)').to.equal(undefined);
    const [issue, ...more] = issuesOf(() => loadRig(write('fu-bad.yaml', rig('nightly:\n  followUp:\n    maxTrials: -1\n    maxMinutes: 0\n'))));
    expect(issue).to.include({ line: 5, path: 'nightly.followUp.maxTrials' });
    expect(issue!.col).to.be.greaterThan(0);
    expect(more.map((i) => [i.line, i.path])).to.deep.equal([[6, 'nightly.followUp.maxMinutes']]);
    expect(issuesOf(() => loadRig(write('fu-key.yaml', rig('nightly:\n  followUp: { maxTrial: 5 }\n'))))[0]!.message).to.match(/maxTrial/);
  });

  it('detects the kind by folder, then by a duts: key', () => {
    expect(detectKind('rigs/anything.yaml')).to.equal('rig');
    expect(detectKind('boards/anything.yaml')).to.equal('board');
    expect(detectKind(write('r.yaml', 'duts: []\n'))).to.equal('rig');
    expect(detectKind(write('b.yaml', 'title: x\n'))).to.equal('board');
  });

  it('leaves the files it reads unchanged', () => {
    const file = write('minimal.yaml', MINIMAL_STM32);
    const before = readFileSync(file);
    loadProfile(file);
    issuesOf(() => loadProfile(write('broken.yaml', 'title: [')));
    expect(readFileSync(file).equals(before)).to.equal(true);
  });
});

describe('config: hostile files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-hostile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists at most 100 problems per file, then says how many more there are', () => {
    const file = join(dir, 'many.yaml');
    writeFileSync(file, 'title: x\nenter:\n' + Array.from({ length: 500 }, (_, i) => `  - wiat: ${i}\n`).join(''));
    const issues = issuesOf(() => loadProfile(file));
    expect(issues).to.have.length(101);
    expect(issues[0]!.message).to.match(/missing required key/);
    expect(issues.some((i) => i.message === "unknown key 'wiat' (did you mean 'wait'?)")).to.equal(true);
    expect(issues[100]!.message).to.match(/^\.\.\. and \d+ more problems in this file/);
  });

  it('finds duplicate keys among thousands without comparing every pair', () => {
    const file = join(dir, 'keys.yaml');
    const keys = Array.from({ length: 20000 }, (_, i) => `k${i}: ${i}\n`).join('');
    writeFileSync(file, `${keys}k7: again\n`);
    const issues = issuesOf(() => loadProfile(file));
    expect(issues).to.have.length(1);
    expect(issues[0]).to.include({ line: 20001, col: 1, message: "duplicate key 'k7': it already appears at line 8 of the same mapping" });
  });
});
