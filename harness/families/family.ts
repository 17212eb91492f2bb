/**
 * A chip family as a plug-in: everything the harness knows of one kind of boot ROM, in the family's folder
 * (harness/families/<name>/), declared by one descriptor and listed once in the registry (index.ts). The profile
 * loader, the JSON Schemas, the engine dispatch, the emulators of the simulated bench and of `stub`, `boards`,
 * `validate` and the evaluation are built from the registry; no core module names a family (docs/families.md).
 */
import type { z } from 'zod';
import type { ConfigIssue } from '../config/issues.js';
import type { ConfigSource } from '../config/source.js';
import type { BoardProfile, ChipFacts } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { FamilyPhysics } from '../diagnose/physics.js';
import type { EngineDescriptor, RawProfile } from '../protocols/engine.js';
import type { DeviceFaults, EmulatedDevice } from '../../firmware-stubs/device.js';

/**
 * `Options`, `Expected` and `Chip` are the family's own types of its `protocol:` options, its `expect:` keys and
 * its `chip:` facts; the registry holds families with them erased (core code sees unknown and ChipFacts).
 */
export interface Family<Options = unknown, Expected = unknown, Chip extends ChipFacts = ChipFacts> {
  /**
   * The one name: `family:` in profiles, `protocol.engine:` of its engine, its folder (harness/families/<name>/,
   * documented by its README.md). Lower case.
   */
  readonly name: string;
  /** As people write it: "STM32", "MediaTek". */
  readonly title: string;
  /** Names profiles used before for the family or its engine: refused with a note that gives the name. */
  readonly formerNames?: readonly string[];
  /** Its handshake-and-identify engine, named as the family; its part of `protocol:` and `expect:`. */
  readonly engine: EngineDescriptor<Options, Expected>;
  /** Its `chip:` block: the facts its emulator plays. */
  readonly chip: ChipPart<Chip>;
  /** The boot straps it knows by name (lower case): a pin with role boot-strap must be one of them. */
  readonly straps: readonly string[];
  /** Rules across keys of a profile of this family (`family: <name>`), on the file as written. */
  check?(source: ConfigSource, raw: RawProfile): ConfigIssue[];
  /**
   * The chip id a profile of this family stands for, in a few words (the `boards` column): what its engine
   * expects (`expected`, when the profile uses the family's engine), else what its chip facts say.
   */
  chipId(expected: Expected | undefined, chip: Chip | undefined): string | undefined;
  /** How each kind of part's ways of failing show on this family's boot ROM: the diagnosis's symptom fit. */
  readonly physics: FamilyPhysics;
  readonly emulator: EmulatorPart<Chip>;
  readonly simulation: SimulationPart;
  readonly stub: StubPart<Chip>;
}

export interface ChipPart<Chip extends ChipFacts> {
  /** The `chip:` block, strict. */
  readonly schema: z.ZodObject;
  /** What the block's shape cannot say (STM32: memory regions that fit), on the block as written. */
  check?(source: ConfigSource, raw: unknown): ConfigIssue[];
  /** The validated block as facts. */
  toFacts(input: unknown): Chip;
}

export interface EmulatorPart<Chip extends ChipFacts> {
  /** The board on its pins and UART (the simulated bench and `stub` drive it through EmulatedDevice only). */
  create(chip: Chip, profile: BoardProfile, clock: Clock, faults: DeviceFaults): EmulatedDevice;
  /** Modes it can be forced into whatever its pins say (`stub --mode`). */
  readonly modes: readonly string[];
}

/** What the simulated bench and the evaluation need of the family. */
export interface SimulationPart {
  /** The modes a simulated board may be stuck in (a DUT's `sim.mode`). */
  readonly modes: readonly string[];
  /** The one of them that is not its boot ROM: the board stuck outside it (the evaluation's `mode` fault). */
  readonly wrongMode: string;
}

/** What the family adds to `shakedown stub`. */
export interface StubPart<Chip extends ChipFacts> {
  /** Flags that set a strap at power-on: `{ pin: 'boot0' }` is `--boot0 <0|1>` (a contract: keep them). */
  readonly pinFlags?: ReadonlyArray<{ readonly pin: string; readonly description: string }>;
  /** Strap levels at power-on unless the command line says otherwise (STM32: BOOT0 1, BOOT1 0 — the bootloader). */
  readonly startingPins?: Readonly<Record<string, boolean>>;
  /** Straps the emulator has even where a profile leaves them out (STM32's BOOT1, tied low on many boards). */
  readonly impliedPins?: readonly string[];
  /** What `--banner` sets, in a few words ("what the application prints at start"). */
  readonly banner: string;
  /** The chip facts with `--banner`'s text in place. */
  withBanner(chip: Chip, text: string): Chip;
}

/**
 * A family as the registry holds it. Declare a family with its own types and register it through this: the one
 * place its types are erased.
 */
export function defineFamily<Options, Expected, Chip extends ChipFacts>(family: Family<Options, Expected, Chip>): Family {
  return family as unknown as Family;
}
