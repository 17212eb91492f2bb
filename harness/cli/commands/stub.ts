/**
 * `shakedown stub <profile.yaml> --link <path>`: an emulated board on a pseudo-terminal, for stm32flash, other
 * flashing tools, or the harness's hardware binding. Pins are driven from stdin lines (see CONTROL_HELP) and
 * SIGHUP pulses reset, standing in for the relay board.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { Command, InvalidArgumentError } from 'commander';
import { numberIn } from '../options.js';
import type { BoardProfile } from '../../config/types.js';
import type { DeviceFaults } from '../../../firmware-stubs/device.js';
import { createDevice } from '../../../firmware-stubs/index.js';
import { CONTROL_HELP, parseControl, servePty, type PtyServer } from '../../../firmware-stubs/pty/index.js';
import { pinsWithRole } from '../../config/pin-roles.js';
import { realClock } from '../../core/clock.js';
import { InfrastructureError, InputError } from '../../core/exit-codes.js';

export interface StubSettings {
  link: string;
  /** Line rate; defaults to the profile's serial baud. */
  baud?: number;
  /** Pin levels applied before power-on (true = asserted). */
  pins: Record<string, boolean>;
  banner?: string;
  startupMs?: number;
  mode?: string;
  bitErrorRate?: number;
  dropRate?: number;
  seed?: number;
  /**
   * The board's DTR/RTS auto-reset circuit: RTS → `en`, DTR → `strap`, moved with `lines` control lines; `true`:
   * the profile's reset pin and its boot strap.
   */
  autoReset?: true | AutoResetWiring;
}

export interface AutoResetWiring {
  en: string;
  strap: string;
}

/** Longest start-up the stub waits for before it says ready anyway. */
const BOOT_WAIT_LIMIT_MS = 10_000;

const MODES: Record<string, string[]> = {
  stm32: ['bootloader', 'app', 'sram'],
  mediatek: ['brom', 'preloader'],
  esp32: ['bootloader', 'app'],
};

/** The profile with the command line's overrides of its chip facts. */
export function applyOverrides(profile: BoardProfile, settings: StubSettings): BoardProfile {
  const chip = profile.chip;
  if (!chip) throw new InputError(`board profile ${profile.id} has no chip facts: there is nothing to emulate`);
  const copy = { ...chip } as typeof chip;
  if (settings.startupMs !== undefined) copy.startupMs = settings.startupMs;
  if (settings.banner !== undefined) {
    if (copy.family === 'stm32') copy.appBanner = settings.banner;
    else if (copy.family === 'esp32') copy.appLog = settings.banner;
    else copy.preloader = { ...copy.preloader, logText: settings.banner };
  }
  if (settings.mode !== undefined && !MODES[chip.family]!.includes(settings.mode)) {
    throw new InputError(`--mode ${settings.mode} does not exist on ${chip.family} (use ${MODES[chip.family]!.join(', ')})`);
  }
  return { ...profile, chip: copy };
}

/** Starting pin levels: the profile's STM32 boot pins select the bootloader unless told otherwise. */
export function startingPins(profile: BoardProfile, given: Record<string, boolean>): Record<string, boolean> {
  const pins: Record<string, boolean> = {};
  if (profile.chip?.family === 'stm32') Object.assign(pins, { boot0: true, boot1: false });
  return { ...pins, ...given };
}

/**
 * The pins the auto-reset circuit drives on this profile: as given, or its reset pin (EN) and its one boot strap.
 * Throws InputError naming the profile's pins when it has no such pin.
 */
export function autoResetWiring(profile: BoardProfile, given: true | AutoResetWiring): AutoResetWiring {
  const pins = Object.keys(profile.pins).join(', ');
  if (given !== true) {
    for (const pin of [given.en, given.strap]) {
      if (!(pin in profile.pins)) throw new InputError(`--auto-reset: profile ${profile.id} has no pin ${pin} (its pins: ${pins})`);
    }
    return given;
  }
  const [en, ...moreResets] = pinsWithRole(profile.pins, 'reset');
  const [strap, ...moreStraps] = pinsWithRole(profile.pins, 'boot-strap');
  if (!en || !strap || moreResets.length > 0 || moreStraps.length > 0) {
    throw new InputError(`--auto-reset: profile ${profile.id} needs one pin with role reset and one with role boot-strap for it (its pins: ${pins}); name them: --auto-reset <en pin>,<strap pin>`);
  }
  return { en, strap };
}

export async function startStub(profile: BoardProfile, settings: StubSettings): Promise<PtyServer> {
  const board = applyOverrides(profile, settings);
  const faults: DeviceFaults = settings.mode ? { forcedMode: settings.mode } : {};
  const device = createDevice(board, realClock, faults);
  const server = await servePty(device, {
    link: settings.link,
    baud: settings.baud ?? board.protocol.serial.baudRate,
    pins: startingPins(board, settings.pins),
    resetPin: pinsWithRole(board.pins, 'reset')[0],
    autoReset: settings.autoReset === undefined ? undefined : autoResetWiring(board, settings.autoReset),
    cable: { bitErrorRate: settings.bitErrorRate, dropRate: settings.dropRate, seed: settings.seed },
  });
  // "ready" should mean a client can start talking: let the board finish its start-up first.
  for (let waited = 0; device.state === 'booting' && waited < BOOT_WAIT_LIMIT_MS; waited += 10) await realClock.sleep(10);
  return server;
}

export interface StubIo {
  input: Readable;
  output: Writable;
  errors: Writable;
  /** Process signals to follow (SIGINT/SIGTERM stop, SIGHUP pulses reset); off in tests. */
  signals: boolean;
}

/** Prints `ready <link>`, then obeys control lines until quit, a signal, or the pty dies. */
export async function runStub(server: PtyServer, profile: BoardProfile, io: StubIo): Promise<void> {
  // BOOT1 may be left out of an STM32 profile (tied low on the board); the emulator still has it.
  const known = new Set([...Object.keys(profile.pins), ...(profile.chip?.family === 'stm32' ? ['boot1'] : [])]);
  const say = (line: string): boolean => io.output.write(line + '\n');
  const warn = (line: string): boolean => io.errors.write(line + '\n');
  // `reset` on a control line is the board's reset pin, whatever the profile calls it.
  const resetPin = pinsWithRole(profile.pins, 'reset')[0];
  const pinNamed = (name: string) => (name === 'reset' && !(name in profile.pins) && resetPin !== undefined ? resetPin : name);
  const lines = createInterface({ input: io.input, terminal: false });
  let finish: (reason: 'quit' | 'lost') => void = () => undefined;
  const finished = new Promise<'quit' | 'lost'>((resolve) => (finish = resolve));
  void server.ended.then(() => finish('lost'));

  const stop = (): void => finish('quit');
  const hangup = (): void => void server.pulseReset();
  const lastResort = (): void => server.closeNow();
  if (io.signals) {
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    process.on('SIGHUP', hangup);
    process.on('exit', lastResort);
  }

  lines.on('line', (line) => {
    const command = parseControl(line);
    switch (command.kind) {
      case 'none':
        return;
      case 'error':
        return void warn(command.message);
      case 'help':
        return void say(CONTROL_HELP);
      case 'quit':
        return stop();
      case 'state':
        return void say(`state ${server.device.state}`);
      case 'power':
        server.setPower(command.on);
        return;
      case 'powerCycle':
        server.setPower(false);
        setTimeout(() => server.setPower(true), command.offMs);
        return;
      case 'lines':
        if (!server.setLines(command)) warn('this board has no DTR/RTS circuit: start the stub with --auto-reset');
        return;
      case 'pulse':
      case 'pin': {
        const name = pinNamed(command.name);
        if (!known.has(name)) warn(`note: profile ${profile.id} declares no pin "${name}"`);
        if (command.kind === 'pulse') void server.pulse(name, command.ms);
        else server.setPin(name, command.asserted);
        return;
      }
    }
  });

  say(`ready ${server.link}`);
  const reason = await finished;
  lines.close();
  if (io.signals) {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    process.off('SIGHUP', hangup);
  }
  await server.close();
  if (io.signals) process.off('exit', lastResort);
  if (reason === 'lost') throw new InfrastructureError(`the pseudo-terminal behind ${server.link} went away (socat exited)`);
}

function level(value: string): boolean {
  if (value === '1' || value === 'high') return true;
  if (value === '0' || value === 'low') return false;
  throw new InvalidArgumentError('expected 0 or 1');
}

function pinSetting(value: string, previous: Record<string, boolean> = {}): Record<string, boolean> {
  const match = /^([A-Za-z][\w-]*)=(\S+)$/.exec(value);
  if (!match) throw new InvalidArgumentError('expected <pin>=0|1, e.g. kcol0=1');
  return { ...previous, [match[1]!]: level(match[2]!) };
}

interface StubFlags {
  link: string;
  autoReset?: true | string;
  boot0?: boolean;
  boot1?: boolean;
  pin?: Record<string, boolean>;
  baud?: number;
  banner?: string;
  startupMs?: number;
  mode?: string;
  bitErrorRate?: number;
  dropRate?: number;
  seed?: number;
}

export function settingsFrom(flags: StubFlags): StubSettings {
  const pins: Record<string, boolean> = { ...(flags.pin ?? {}) };
  if (flags.boot0 !== undefined) pins.boot0 = flags.boot0;
  if (flags.boot1 !== undefined) pins.boot1 = flags.boot1;
  const { link, baud, startupMs, mode, bitErrorRate, dropRate, seed } = flags;
  const banner = flags.banner === undefined ? undefined : unescapeText(flags.banner);
  const autoReset = flags.autoReset === undefined || flags.autoReset === true ? flags.autoReset : autoResetPins(flags.autoReset);
  return { link, baud, pins, banner, startupMs, mode, bitErrorRate, dropRate, seed, autoReset };
}

/** RTS drives EN, DTR the boot strap: the pins' names in the profile. */
function autoResetPins(value: string): AutoResetWiring {
  const match = /^([A-Za-z]\w*),([A-Za-z]\w*)$/.exec(value);
  if (!match) throw new InvalidArgumentError('expected <en pin>,<strap pin>, e.g. reset,boot');
  return { en: match[1]!, strap: match[2]! };
}

/** `\r`, `\n`, `\t` and `\\` typed on a command line become the characters they name. */
export function unescapeText(text: string): string {
  const named: Record<string, string> = { r: '\r', n: '\n', t: '\t', '\\': '\\' };
  return text.replace(/\\([rnt\\])/g, (_, c: string) => named[c]!);
}

export function register(program: Command): void {
  program
    .command('stub')
    .description('serve an emulated board (its boot ROM) on a pseudo-terminal, for stm32flash and friends')
    .argument('<profile>', 'board profile, e.g. boards/stm32f103c8.yaml')
    .requiredOption('--link <path>', 'symlink to create for the pty, e.g. /tmp/ttyUSB-stub')
    .option('--boot0 <0|1>', 'BOOT0 at power-on (STM32; default 1 = bootloader)', level)
    .option('--boot1 <0|1>', 'BOOT1 at power-on (STM32; default 0)', level)
    .option('--pin <name=0|1>', 'any logical pin at power-on, repeatable (e.g. kcol0=1)', pinSetting)
    .option('--baud <rate>', 'line rate (default: the profile serial baud)', numberIn(50, 4_000_000))
    .option('--banner <text>', 'what the application prints at start (STM32) / the log text (MediaTek); \\r \\n allowed')
    .option('--startup-ms <ms>', 'time from reset release until the boot ROM listens', numberIn(0, 60_000))
    .option('--mode <mode>', 'boot into this mode whatever the pins say: bootloader|app|sram (STM32), brom|preloader (MediaTek), bootloader|app (ESP32)')
    .option('--bit-error-rate <p>', 'cable: probability of a flipped bit, both ways', numberIn(0, 1))
    .option('--drop-rate <p>', 'cable: probability of a lost byte, both ways', numberIn(0, 1))
    .option('--seed <n>', 'seed for the cable faults', numberIn(0, 2 ** 32 - 1))
    .option('--auto-reset [en,strap]', "the board's DTR/RTS auto-reset circuit (RTS → EN, DTR → strap), moved by `lines` control lines (default: the profile's reset pin and its boot strap)")
    .addHelpText('after', `\nControl lines on stdin (SIGHUP also pulses reset):\n${CONTROL_HELP}`)
    .action(async (file: string, flags: StubFlags) => {
      const { loadProfile } = await import('../../config/load.js').catch((error: unknown) => {
        throw new InfrastructureError(`cannot load the board-profile loader: ${(error as Error).message}`);
      });
      const profile: BoardProfile = await loadProfile(file);
      const settings = settingsFrom(flags);
      if (settings.autoReset !== undefined) autoResetWiring(profile, settings.autoReset);
      const board = applyOverrides(profile, settings);
      const server = await startStub(board, settings);
      try {
        await runStub(server, board, { input: process.stdin, output: process.stdout, errors: process.stderr, signals: true });
      } finally {
        process.stdin.destroy();
      }
    });
}
