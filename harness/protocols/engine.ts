/**
 * What a handshake engine declares: its `protocol.engine:` name, its part of the profile schema (its `protocol:`
 * keys, its deadlines, its `expect:` keys) and their typed form, and the engine itself. The script engine and each
 * family's engine (harness/families/<family>/) are all one of these; the profile loader, the JSON Schema and
 * runEngine are built from the list of them (engines.ts), and no core module names one.
 */
import type { z } from 'zod';
import type { ConfigIssue } from '../config/issues.js';
import type { ConfigSource } from '../config/source.js';
import type { ChipFacts, SerialSettings } from '../config/types.js';
import type { ByteExplainer } from './explain.js';
import type { Session } from './session.js';

/** A profile as written (parsed YAML, not yet validated): rules across keys look at it to report every problem. */
export type RawProfile = Readonly<Record<string, unknown>>;

/**
 * `Options` is the engine's own type of its `protocol:` keys, `Expected` of its `expect:` keys: the loader makes
 * them with toOptions/toExpected, and hands them back to run(). Core code sees them as unknown.
 */
export interface EngineDescriptor<Options = unknown, Expected = unknown> {
  /** The `protocol.engine:` value; a family's engine has the family's name. */
  readonly name: string;
  /** Its `protocol:` keys beyond engine, serial, deadlines and retries (strict: another engine's key is an error). */
  readonly protocolKeys: z.ZodRawShape;
  /** Its `deadlines:` keys beyond replyMs (which every engine has, and falls back to), with what each one bounds. */
  readonly deadlines: Readonly<Record<string, string>>;
  /** Serial settings where they differ from 115200 8N1 (the STM32 bootloader needs even parity). */
  readonly serial?: Partial<SerialSettings>;
  /** The `expect:` keys it checks; no two engines share one. */
  readonly expectKeys: z.ZodRawShape;
  /** Expect keys of which a profile must give (one of) — the identity check is required — and why, if it needs saying. */
  readonly requiredExpect?: { readonly anyOf: readonly string[]; readonly hint?: string };
  /** The validated `protocol:` block as its options (`chip`: the profile's chip facts, if it has any). */
  toOptions(input: Readonly<Record<string, unknown>>, context: { chip: ChipFacts | undefined; replyMs: number }): Options;
  /** The validated `expect:` block (its keys only) as what the engine checks. */
  toExpected(input: Readonly<Record<string, unknown>>): Expected;
  /** Rules across keys of a profile that uses this engine, on the file as written (it may be invalid). */
  check?(source: ConfigSource, raw: RawProfile): ConfigIssue[];
  /** What it checks of the board's identity, in a few words ("0x410", "chip id 5"); null: nothing. */
  describeExpected(expected: Expected): string | null;
  /** The longest its deadlines let a handshake take, ms (default: the sum of the profile's deadlines). */
  budgetMs?(options: Options): number;
  /** How its sessions read bytes beyond the generic readings (default: GENERIC_EXPLAINER). */
  explainer?(expected: Expected): ByteExplainer;
  /**
   * Handshake and identify over the session's link, filling session.identity; resolves with one line describing the
   * identity found (the detail of a passing trial), or stops the session with a symptom.
   */
  run(session: Session, options: Options, expected: Expected): Promise<string>;
}
