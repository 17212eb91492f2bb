/**
 * `shakedown stub <profile.yaml> --link <path>`: an emulated board on a pseudo-terminal, for a vendor's flashing
 * tool or the harness's hardware binding. Its family adds its flags (strap levels) and says what `--banner` and
 * `--mode` mean. Pins are driven from stdin lines (see CONTROL_HELP) and
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
import type { Family } from '../../families/family.js';
import { FAMILIES, familyNamed } from '../../families/index.js';
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

/** The family of a profile that has something to emulate. */
function emulatedFamily(profile: BoardProfile): Family {
  const family = familyNamed(profile.family);
  if (!profile.chip || !family) throw new InputError(`board profile ${profile.id} has no chip facts: there is nothing to emulate`);
  return family;
}

/** The profile with the command line's overrides of its chip facts. */
export function applyOverrides(profile: BoardProfile, settings: StubSettings): BoardProfile {
  const family = emulatedFamily(profile);
  let chip = { ...profile.chip! };
  if (settings.startupMs !== undefined) chip.startupMs = settings.startupMs;
  if (settings.banner !== undefined) chip = family.stub.withBanner(chip, settings.banner);
  const modes = family.emulator.modes;
  if (settings.mode !== undefined && !modes.includes(settings.mode)) {
    throw new InputError(`--mode ${settings.mode} does not exist on ${family.name} (use ${modes.join(', ')})`);
  }
  return { ...profile, chip };
}

/** Starting pin levels: the family's straps where it has a default (STM32: the bootloader), then what was given. */
export function startingPins(profile: BoardProfile, given: Record<string, boolean>): Record<string, boolean> {
  return { ...(familyNamed(profile.family)?.stub.startingPins ?? {}), ...given };
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
  // A strap may be left out of a profile (tied on the board, as BOOT1 often is); the emulator still has it.
  const known = new Set([...Object.keys(profile.pins), ...(familyNamed(profile.family)?.stub.impliedPins ?? [])]);
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

/** The flags families add that set a strap at power-on (`--boot0 <0|1>`), by pin. */
const PIN_FLAGS = FAMILIES.flatMap((family) => family.stub.pinFlags ?? []);

interface StubFlags {
  link: string;
  autoReset?: true | string;
  /** A family's strap flag (`boot0`), by its pin. */
  [pinFlag: string]: unknown;
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
  for (const { pin } of PIN_FLAGS) if (typeof flags[pin] === 'boolean') pins[pin] = flags[pin];
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
  const command = program
    .command('stub')
    .description("serve an emulated board (its boot ROM) on a pseudo-terminal, for flashing tools and the harness's hardware binding")
    .argument('<profile>', 'board profile, e.g. boards/<id>.yaml')
    .requiredOption('--link <path>', 'symlink to create for the pty, e.g. /tmp/ttyUSB-stub');
  for (const flag of PIN_FLAGS) command.option(`--${flag.pin} <0|1>`, flag.description, level);
  command
    .option('--pin <name=0|1>', 'any logical pin at power-on, repeatable (e.g. kcol0=1)', pinSetting)
    .option('--baud <rate>', 'line rate (default: the profile serial baud)', numberIn(50, 4_000_000))
    .option('--banner <text>', `${FAMILIES.map((f) => f.stub.banner).join(' / ')}; \\r \\n allowed`)
    .option('--startup-ms <ms>', 'time from reset release until the boot ROM listens', numberIn(0, 60_000))
    .option('--mode <mode>', `boot into this mode whatever the pins say: ${FAMILIES.map((f) => `${f.emulator.modes.join('|')} (${f.title})`).join(', ')}`)
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
