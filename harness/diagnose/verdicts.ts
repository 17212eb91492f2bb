/**
 * Who is to blame, as decisions over the numbers of round-stats.ts (docs/diagnosis.md says it for people):
 * 1. Profile-level mistakes first: every DUT of one profile failing the same way is the profile, not the hardware.
 * 2. Rounds. In each round every component is tested against the pool of the other trials still unexplained
 *    (one-sided Fisher exact test, Holm-corrected over the components tested). The most significant one that is
 *    also a real effect (rate ≥ 3× the pool's, ≥ 3 failures) is taken, after checking nesting both ways: a shared
 *    component (hub, supply) whose excess remains without the candidate's trials beats it, and a shared candidate
 *    whose excess vanishes without one of its members' trials gives way to that member.
 * 3. Explain away: the failures of the flagged component whose symptoms are in excess and fit its kind are taken
 *    out of the analysis (those trials tell nothing about the rest), and the next round re-tests everything else.
 * Components with identical trial sets cannot be told apart by rates: the group is named, its member whose kind
 * fits the symptoms best carries the flag, and the swap that would separate them is chosen.
 * Verdicts only: no sentence is written here (sentences.ts).
 */
import { pinsMoved } from '../config/steps.js';
import type { Rig } from '../config/types.js';
import type { ComponentKind, Symptom } from '../core/record.js';
import { componentKey, type Cell, type ComponentRef } from './cells.js';
import { findProfileMistakes, type ProfileMistake } from './profiles.js';
import {
  expectedCount,
  inExcess,
  indexComponents,
  ochiai,
  pick,
  rate,
  rawTally,
  testAll,
  testCells,
  testOne,
  Unexplained,
  cellsByDut,
  servesTogether,
  type Component,
  type RoundStats,
  type SymptomCounts,
  type SymptomTally,
  type Tally,
} from './round-stats.js';
import { logBinomialLower, logFisherGreater } from './stats.js';
import { linkRound, slowAlike, type LinkRound } from './link-latency.js';
import { LATENCY_MODE, Physics, profileTraits, sameMode, type Mix, type PhysicsTable } from './physics.js';
import { confirmingMove, type ConfirmingMove } from './confirming-move.js';
import { explainFlag, type ExplainContext, type Unvouched } from './residuals.js';
import { dominantSymptom, KIND_ORDER, symptomFit } from './symptom-fit.js';
import { relayPins } from './relay-pins.js';
import { chooseSwaps, healthy, type ProfileFacts, type SwapPlan } from './swaps.js';
import type { Thresholds } from './thresholds.js';
import type { Verdict } from './types.js';

export interface DecideOptions {
  thresholds: Thresholds;
  /** The rig, for swaps: its spares, the DUTs' wired pins, the relay channels. */
  rig?: Rig;
  /** Board profiles by id (family and pins), for swaps: which boards can trade places. */
  profiles?: ReadonlyMap<string, ProfileFacts>;
  /** Symptom physics per chip family (how each fault shows on each boot ROM), handed in by the caller. */
  physics?: PhysicsTable;
  maxRounds?: number;
}

/** A component's verdict and the numbers behind it. */
export interface ComponentVerdict {
  ref: ComponentRef;
  verdict: Verdict;
  /** The test behind the verdict: the round that flagged it, else the last round. */
  stats: RoundStats;
  /** All its trials, explained or not. */
  raw: SymptomTally;
  /** All the trials it did not run in. */
  poolRaw: Tally;
  ochiai: number;
  /** How well its symptoms fit its kind: those it was flagged for, or all of them. */
  fit: number;
  /** The round that flagged it (1 = first). */
  round?: number;
  /** The components that ran on exactly its trials. */
  group: ComponentRef[];
  /** The flagged member of its group that carries the group's flag, when it is not flagged itself. */
  carrier?: ComponentRef;
  /** Failures of its trials that flags of other components explain, most first. */
  explainedBy: Array<{ id: string; kind: ComponentKind; failures: number }>;
  /** The swap that separates its group (a flagged component's own, or the one its carrier's flag proposes). */
  swap?: SwapPlan;
  /**
   * A flagged component only: the members of its group whose kind explains its failures exactly as well (a dead
   * board and an open cable are both silent on the same trials). The flag is the group's until a swap tells which.
   */
  alike?: ComponentRef[];
  /** A flagged hub or port whose trials measured the link slow: their mean round trip and the bench's usual one. */
  slowLink?: LinkRound;
  /** A flagged supply: the board to move off it for a night to confirm it (confirming-move.ts). */
  confirmBy?: ConfirmingMove;
}

/** A profile mistake with the numbers of the profile's trials. */
export interface ProfileVerdict {
  mistake: ProfileMistake;
  tally: SymptomTally;
  /** The trials of every other profile. */
  pool: Tally;
  logP: number;
  ochiai: number;
  fit: number;
}

export interface Verdicts {
  total: SymptomTally;
  /** Components tested (the size of the Holm correction). */
  tested: number;
  components: ComponentVerdict[];
  profiles: ProfileVerdict[];
}

interface Flag {
  round: number;
  stats: RoundStats;
  explainedSymptoms: Set<Symptom>;
  alike: ComponentRef[];
  /** A shared flag's boards that no sibling reads alike, whose failures it explained unchecked. */
  unvouched: Unvouched[];
}

/** Two fits this close are the same: the kinds explain the failures equally well. */
const SAME_FIT = 1e-9;

export function decide(cells: Cell[], options: DecideOptions): Verdicts {
  const t = options.thresholds;
  const state = new Unexplained(cells);
  const components = indexComponents(cells);
  const total = state.all();
  const familyName = (profile: string) => options.profiles?.get(profile)?.family;
  const moved = new Map<string, Set<string> | undefined>();
  const movedOn = (profile: string) => {
    if (!moved.has(profile)) {
      const facts = options.profiles?.get(profile);
      moved.set(profile, facts?.enter && facts.leave ? pinsMoved(facts.pins, facts.enter, facts.leave) : undefined);
    }
    return moved.get(profile);
  };
  const pinStill = (profile: string, pin: string) => movedOn(profile)?.has(pin) === false;
  const traitsOf = (profile: string) => {
    const facts = options.profiles?.get(profile);
    return facts ? profileTraits(facts) : undefined;
  };
  const physics = new Physics(options.physics, familyName, relayPins(options.rig), pinStill, traitsOf);
  const ctx: ExplainContext = { state, physics, t };
  const groups = new Map<string, Component[]>();
  for (const c of components.values()) groups.set(c.groupKey, [...(groups.get(c.groupKey) ?? []), c]);

  // 1. Profile-level mistakes.
  const profileMistakes = findProfileMistakes(cells, components, t, physics);
  for (const mistake of profileMistakes) {
    const indices = cells.flatMap((c, i) => (c.profile === mistake.profile ? [i] : []));
    state.explain(indices, new Set([mistake.symptom]), `profile:${mistake.profile}`);
  }

  // 2–3. Rounds of test, pick, explain away.
  const flagged = new Map<string, Flag>();
  const maxRounds = options.maxRounds ?? t.maxRounds;
  let finalStats = new Map<string, RoundStats>();
  for (let round = 1; round <= maxRounds; round++) {
    const stats = testAll(state, components, flagged, t);
    finalStats = stats;
    const candidates = [...stats.entries()].filter(([, s]) => isCandidate(s, t));
    if (candidates.length === 0) break;
    let [bestKey] = candidates.reduce((best, next) => (better(next, best, components, ctx) ? next : best));
    bestKey = fittestMovedApart(bestKey, candidates, components, ctx);
    bestKey = refine(bestKey, state, components, stats, ctx);
    // The group member whose kind fits the excess best carries the flag.
    const chosen = components.get(bestKey)!;
    const bestStats = stats.get(bestKey) ?? testOne(state, chosen, t);
    const group = groups.get(chosen.groupKey)!.filter((c) => !flagged.has(c.ref.key));
    const active = state.all();
    const excess = excessSymptoms(bestStats, active, t);
    const members = group.length > 0 ? group : [chosen];
    const fitted = excess.size > 0 ? excess : undefined;
    const carrier = pickByFit(members, fitted, ctx);
    const alike = fittingAlike(members, carrier, fitted, ctx).map((c) => c.ref);
    const explainedSymptoms = symptomsToExplain(carrier, bestStats, spreadOver(carrier, excess, state, active, ctx), ctx, members.length > 1);
    const unvouched = explainFlag(carrier, explainedSymptoms, ctx);
    flagged.set(carrier.ref.key, { round, stats: stats.get(carrier.ref.key) ?? bestStats, explainedSymptoms, alike, unvouched });
  }

  // Verdicts.
  const carrierOf = new Map<string, string>();
  for (const key of flagged.keys()) {
    for (const member of groups.get(components.get(key)!.groupKey)!) {
      if (member.ref.key !== key && !flagged.has(member.ref.key)) carrierOf.set(member.ref.key, key);
    }
  }
  const verdicts: ComponentVerdict[] = [];
  for (const component of components.values()) {
    const key = component.ref.key;
    const raw = rawTally(cells, component.cells);
    const flag = flagged.get(key);
    const stats = flag?.stats ?? finalStats.get(key) ?? testOne(state, component, t);
    let verdict: Verdict = 'ok';
    if (flag) verdict = isBad(stats, t) ? 'bad' : 'suspect';
    else if (carrierOf.has(key) || isWatch(stats, t)) verdict = 'watch';
    const v: ComponentVerdict = {
      ref: component.ref,
      verdict,
      stats,
      raw,
      poolRaw: { trials: total.trials - raw.trials, failures: total.failures - raw.failures },
      ochiai: ochiai(raw.failures, raw.trials, total.failures),
      fit: flag ? fitOn(component, flag.explainedSymptoms, ctx, cells) : fitOn(component, undefined, ctx, cells),
      group: groups.get(component.groupKey)!.filter((c) => c.ref.key !== key).map((c) => c.ref),
      explainedBy: explainedFor(state, component, components),
    };
    if (flag) v.round = flag.round;
    if (flag && flag.alike.length > 0) v.alike = flag.alike;
    const round = flag && (component.ref.kind === 'hub' || component.ref.kind === 'port') ? linkRound(cells, component.cellSet) : undefined;
    if (round && round.meanMs - round.usualMs >= t.slowLinkMs) v.slowLink = round;
    const carrier = carrierOf.get(key);
    if (carrier) v.carrier = components.get(carrier)!.ref;
    verdicts.push(v);
  }

  // Swaps last: a swap partner must be healthy, and only the verdicts say which parts are.
  const swapContext = { cells, verdicts: new Map(verdicts.map((v) => [componentKey(v.ref.kind, v.ref.id), v.verdict] as const)), rig: options.rig, profiles: options.profiles };
  const wanted = [...flagged.keys()].flatMap((key) => {
    const component = components.get(key)!;
    const group = groups.get(component.groupKey)!.filter((c) => c.ref.key !== key).map((c) => c.ref);
    return group.length > 0 ? [{ ref: component.ref, group }] : [];
  });
  const swaps = new Map<string, SwapPlan>(chooseSwaps(wanted, swapContext).map((plan) => [plan.ref.key, plan]));
  for (const v of verdicts) {
    if (v.verdict === 'ok') continue;
    const swap = swaps.get(v.carrier?.key ?? v.ref.key);
    if (swap) v.swap = swap;
    const flag = flagged.get(v.ref.key);
    if (!flag || flag.unvouched.length === 0) continue;
    const move = confirmingMove(v.ref, flag.unvouched, { cells, physics, t, healthy: (key) => healthy(key, swapContext), rig: options.rig });
    if (move) v.confirmBy = move;
  }

  return { total, tested: components.size, components: verdicts, profiles: profileMistakes.map((m) => profileVerdict(m, cells, total)) };
}

function profileVerdict(mistake: ProfileMistake, cells: Cell[], total: Tally): ProfileVerdict {
  const tally = rawTally(cells, cells.flatMap((c, i) => (c.profile === mistake.profile ? [i] : [])));
  const pool = { trials: total.trials - tally.trials, failures: total.failures - tally.failures };
  return {
    mistake,
    tally,
    pool,
    logP: logFisherGreater(tally.failures, tally.trials, pool.failures, pool.trials),
    ochiai: ochiai(tally.failures, tally.trials, total.failures),
    fit: symptomFit('profile', tally.symptoms),
  };
}

// ---------------------------------------------------------------- verdict levels

function isCandidate(s: RoundStats, t: Thresholds): boolean {
  return s.logPAdjusted <= Math.log(t.suspectP) && s.failures >= t.minFailures && s.ratio >= t.minRatio;
}

function isBad(s: RoundStats, t: Thresholds): boolean {
  return s.logPAdjusted <= Math.log(t.badP) && s.ratio >= t.badRatio && rate(s) >= t.badRate;
}

function isWatch(s: RoundStats, t: Thresholds): boolean {
  return s.logPAdjusted <= Math.log(t.watchP) && s.failures >= t.watchMinFailures && s.ratio >= t.watchRatio;
}

/** Is `a` a better pick than `b`? Smaller p first; exact ties (same trial set) by symptom fit, then kind. */
function better(a: [string, RoundStats], b: [string, RoundStats], components: Map<string, Component>, ctx: ExplainContext): boolean {
  const dp = a[1].logP - b[1].logP;
  if (Math.abs(dp) > 1e-9 * Math.max(1, Math.abs(b[1].logP))) return dp < 0;
  const ka = components.get(a[0])!.ref.kind;
  const kb = components.get(b[0])!.ref.kind;
  const df = fitOn(components.get(a[0])!, undefined, ctx) - fitOn(components.get(b[0])!, undefined, ctx);
  if (Math.abs(df) > 1e-9) return df > 0;
  return KIND_ORDER.indexOf(ka) < KIND_ORDER.indexOf(kb);
}

/**
 * The round's pick, or — when it is a part a swap moved off a failing board together with others (movedApartFromOneCell)
 * — the one of them whose kind fits the failures best, then the smallest p: between them the p-values differ only by
 * the baseline's chance failures on their new boards.
 */
function fittestMovedApart(bestKey: string, candidates: Array<[string, RoundStats]>, components: Map<string, Component>, ctx: ExplainContext): string {
  const best = components.get(bestKey)!;
  if (!moved(best, ctx.state)) return bestKey;
  const rivals = candidates.filter(([key]) => key === bestKey || movedApartFromOneCell(components.get(key)!, best, ctx));
  if (rivals.length < 2) return bestKey;
  const fit = new Map(rivals.map(([key]) => [key, fitOn(components.get(key)!, undefined, ctx)] as const));
  return rivals.reduce((a, b) => {
    const df = fit.get(b[0])! - fit.get(a[0])!;
    return Math.abs(df) > 1e-9 ? (df > 0 ? b : a) : b[1].logP < a[1].logP ? b : a;
  })[0];
}

/**
 * Two parts that failed together on one board and were moved by a swap to two other boards, where neither failed
 * beyond the bench's baseline: their p-values differ only by the baseline's chance failures on their new boards, so
 * the symptoms decide (a cable that drops bytes, not the port beside it, garbles the replies).
 */
function movedApartFromOneCell(a: Component, b: Component, ctx: ExplainContext): boolean {
  const { state, t } = ctx;
  if (!moved(a, state) || !moved(b, state)) return false;
  const [fa, fb] = [failingCells(a.cells, state, t), failingCells(b.cells, state, t)];
  return fa.length > 0 && fa.length === fb.length && fa.every((i, k) => fb[k] === i);
}

// ---------------------------------------------------------------- nesting

/**
 * Nesting: a hub or supply holds its DUTs' trials. Go up to a shared component whose excess survives without the
 * candidate's trials (a shared cause); go down from a shared component when its excess sits in some of its DUTs
 * only, while the others look like the baseline (local causes: a real shared cause strikes all its DUTs alike).
 */
function refine(key: string, state: Unexplained, components: Map<string, Component>, stats: Map<string, RoundStats>, ctx: ExplainContext): string {
  const t = ctx.t;
  const m = Math.max(1, [...stats.values()].filter((s) => s.poolTrials > 0).length);
  const threshold = Math.log(t.suspectP / m);
  const significant = (s: RoundStats) => s.logP <= threshold && s.failures >= t.minFailures && s.ratio >= t.minRatio;
  let current = components.get(key)!;

  const supersets = (c: Component) =>
    [...components.values()].filter((o) => o.cells.length > c.cells.length && c.cells.every((i) => o.cellSet.has(i)) && stats.has(o.ref.key));
  const subsets = (c: Component) =>
    [...components.values()].filter((o) => o.cells.length < c.cells.length && o.cells.every((i) => c.cellSet.has(i)) && stats.has(o.ref.key));

  // Across: a part a swap moved between boards that ran on every trial set where the candidate fails beyond the
  // bench's baseline, and fails where it ran before too: the failures followed the part, as the swap was meant to
  // show (a stuck relay channel moved to d1 makes d1's cable fail on the same trials, on the swap's night only).
  const failing = failingCells(current.cells, state, t);
  const followed = failing.length === 0 ? undefined : [...components.values()]
    .filter((o) => o !== current && stats.has(o.ref.key) && failing.every((i) => o.cellSet.has(i)) && o.cells.some((i) => !current.cellSet.has(i)))
    .filter((o) => moved(o, state))
    .map((o) => ({ o, rest: testOne(state, o, t, current.cellSet) }))
    .filter(({ rest }) => significant(rest))
    .sort((a, b) => a.rest.logP - b.rest.logP)[0];
  if (followed) current = followed.o;
  // A moved part is each board's own part in turn: no shared component holds it as it holds its DUTs' own parts, and
  // none of its boards' parts holds it either.
  if (moved(current, state)) return current.ref.key;

  // Up: a shared component that stays significant without the current one's trials; of those, one cause first —
  // a part with one way of failing whose usual face shows on every board it fails (a supply whose dips restart one
  // board's bootloader and silence the other's script, not the hub both hang on because another supply's boards hang
  // on it too) — then the smallest p.
  const up = supersets(current)
    .map((s) => ({ s, rest: testOne(state, s, t, current.cellSet) }))
    .filter(({ rest }) => significant(rest))
    .map((u) => ({ ...u, one: oneCauseOnEveryBoard(u.s, significant, ctx) }))
    .sort((a, b) => Number(b.one) - Number(a.one) || a.rest.logP - b.rest.logP)[0];
  if (up) current = up.s;
  // Up, too, to a shared component whose cause explains the candidate's failures where its own parts do not, when
  // another of its DUTs, too weakly struck to stand out alone, shows the same cause's usual face on its own profile —
  // or, for latency, measured the same slow link.
  else {
    const held = supersets(current).find((s) => {
      const { hitDuts, restDuts } = splitDuts(s, state, significant, ctx);
      if (hitDuts.length !== 1 || !current.cells.every((i) => hitDuts[0]!.includes(i))) return false;
      return slowedTogether(s, hitDuts[0]!, restDuts, ctx) || (explainsPoorly(current, subsets(s), s, ctx) && backers(s.ref.kind, hitDuts[0]!, restDuts, ctx).length > 0);
    });
    if (held) current = held;
  }

  // Down: while the excess sits in some DUTs of the shared component and the others look like the baseline.
  for (let step = 0; step < t.maxNestingSteps; step++) {
    const next = localCause(current, state, stats, significant, subsets(current), ctx);
    if (!next) break;
    current = next;
  }
  return current.ref.key;
}

/**
 * Whether one way a shared part fails shows as its usual face on every one of its hit boards (two at least, as
 * `splitDuts` tells them; each board read by its own profile, `feltBy`): one cause, where `sharesFittingSymptom`
 * asks only that two boards share one. A slow ramp delaying one board on every trial beside a dead sibling's
 * silence is two ways of failing (slow start, brown-out), not one.
 */
function oneCauseOnEveryBoard(shared: Component, significant: (s: RoundStats) => boolean, ctx: ExplainContext): boolean {
  const { hitDuts } = splitDuts(shared, ctx.state, significant, ctx);
  if (hitDuts.length < 2) return false;
  const [first, ...others] = feltBy(shared.ref.kind, hitDuts, ctx);
  return [...first!.usualFaces].some((mode) => others.every((f) => [...f.usualFaces].some((m) => sameMode(m, mode))));
}

function localCause(
  shared: Component,
  state: Unexplained,
  stats: Map<string, RoundStats>,
  significant: (s: RoundStats) => boolean,
  members: Component[],
  ctx: ExplainContext,
): Component | undefined {
  const t = ctx.t;
  // The shared component's trials, DUT by DUT.
  const byDut = cellsByDut(shared, state);
  if (byDut.size < 2) return undefined;
  const all = state.all();
  const inside = state.tally(shared.cells);
  const pool = { trials: all.trials - inside.trials, failures: all.failures - inside.failures };
  const hit: number[] = [];
  const rest: number[] = [];
  const split = splitDuts(shared, state, significant, ctx);
  const restDuts = split.restDuts;
  const hitDuts = movedTogether(split.hitDuts, members, state, t);
  const profileOf = (cells: number[]) => state.cells[cells[0]!]!.profile;
  const hitProfiles = new Set(hitDuts.map(profileOf));
  for (const cells of hitDuts) hit.push(...cells);
  // With several DUTs hit, a clean DUT speaks against a shared cause only if it runs a profile that was hit: another
  // boot ROM may simply not be exposed (a dip during a 3-byte exchange mostly misses it).
  for (const cells of restDuts) if (hitDuts.length < 2 || hitProfiles.has(profileOf(cells))) rest.push(...cells);
  const hitSet = new Set(hit);
  const bestMember = () =>
    members
      .filter((o) => o.cells.every((i) => hitSet.has(i)) && significant(stats.get(o.ref.key)!))
      .sort((a, b) => stats.get(a.ref.key)!.logP - stats.get(b.ref.key)!.logP || b.cells.length - a.cells.length)[0];
  if (hit.length === 0) return undefined;
  // One DUT hit by what its own parts explain poorly and the shared kind well, and a sibling showing, on its own
  // profile, the usual face of that same cause: one shared cause, felt unequally.
  if (hitDuts.length === 1) {
    if (slowedTogether(shared, hitDuts[0]!, restDuts, ctx)) return undefined;
    const member = bestMember();
    if (member && explainsPoorly(member, members, shared, ctx) && backers(shared.ref.kind, hitDuts[0]!, restDuts, ctx).length > 0) return undefined;
  }
  // The only DUT left to speak for the shared component is hit: its own parts are the simpler story.
  if (hitDuts.length === 1 && restDuts.length === 0) return bestMember();
  // Several DUTs hit, but by different symptoms or by ones this kind cannot cause: local causes side by side —
  // unless every hit DUT shows something the kind causes and the most telling one's own parts explain its symptoms
  // only poorly where the shared kind explains them well (a MediaTek board reset mid-handshake by a dip, beside a
  // silent STM32 on the same supply): then the shared cause stays, and the next rounds weigh what it leaves.
  if (hitDuts.length >= 2) {
    const felt = feltBy(shared.ref.kind, hitDuts, ctx, measuredFast(shared, ctx) ? LATENCY_MODE : undefined);
    if (!sharesFittingSymptom(felt)) {
      const member = bestMember();
      const oneCause = felt.every((f) => f.symptoms.size > 0);
      return member && oneCause && explainsPoorly(member, members, shared, ctx) ? undefined : member;
    }
  }
  // All DUTs hit alike, or none stands out alone: one shared cause is the simpler story.
  if (rest.length === 0) return undefined;
  // The clean DUTs are compared with the hit DUTs of their own profiles: a less exposed profile fails less.
  const restProfiles = new Set(restDuts.filter((cells) => cells.some((i) => rest.includes(i))).map(profileOf));
  const sameProfileHit = hitDuts.filter((cells) => restProfiles.has(profileOf(cells))).flat();
  // With several DUTs speaking for the shared cause, what its kind could have caused is compared, not every failure:
  // a board that also boot-loops on its own fails more than the dips alone make it.
  const tally = (cells: number[]) => (hitDuts.length >= 2 ? causedTally(shared.ref.kind, cells, ctx) : state.tally(cells));
  const h = tally(sameProfileHit.length > 0 ? sameProfileHit : hit);
  const r = state.tally(rest);
  const restAbovePool = logFisherGreater(r.failures, r.trials, pool.failures, pool.trials) <= Math.log(t.nestingP);
  const restBelowHit = logBinomialLower(tally(rest).failures, r.trials, rate(h)) <= Math.log(t.nestingP);
  if (restAbovePool || !restBelowHit) return undefined;
  return bestMember();
}

/** Trials of some cells, and their failures whose symptom the kind causes on the cell's profile (affinity ≥ fits). */
function causedTally(kind: ComponentKind, cells: number[], ctx: ExplainContext): Tally {
  const { state, physics, t } = ctx;
  let trials = 0;
  let failures = 0;
  for (const i of cells) {
    trials += state.activeTrials[i]!;
    const profile = state.cells[i]!.profile;
    for (const [symptom, n] of Object.entries(state.activeSymptoms[i]!) as Array<[Symptom, number]>) {
      if (n && physics.affinity(kind, symptom, profile) >= t.fits) failures += n;
    }
  }
  return { trials, failures };
}

/**
 * The hit DUTs, those whose failing trials all ran on one part a swap moved between them counted as one: a port that
 * loses its board, moved from d3 to d5, makes two boards of the hub lose their port — one local cause, not a hub
 * striking two of its boards alike.
 */
function movedTogether(hitDuts: number[][], members: Component[], state: Unexplained, t: Thresholds): number[][] {
  const out = [...hitDuts];
  for (const part of members) {
    if (!moved(part, state)) continue;
    const within = out.filter((cells) => {
      const failing = failingCells(cells, state, t);
      return failing.length > 0 && failing.every((i) => part.cellSet.has(i));
    });
    if (within.length < 2) continue;
    const merged = within.flat();
    for (const cells of within) out.splice(out.indexOf(cells), 1);
    out.push(merged);
  }
  return out;
}

/** Whether a swap moved `part` from one board to another: it served several DUTs, never two on one night. */
function moved(part: Component, state: Unexplained): boolean {
  return cellsByDut(part, state).size >= 2 && !servesTogether(part, state);
}

/**
 * The cells whose unexplained failures are clearly above the bench's baseline: as many as a flag needs at least (two
 * garbled replies on a board of a hundred trials are the baseline's chance, not a part failing there).
 */
function failingCells(cells: number[], state: Unexplained, t: Thresholds): number[] {
  const baseline = state.baseline();
  return cells.filter((i) => {
    const cell = state.tally([i]);
    return cell.failures >= t.minFailures && inExcess(cell.failures, baseline * cell.trials, t);
  });
}

/**
 * Whether a member's failures fit every part that ran on exactly its trials less than well, while they fit the kind
 * of the shared component holding it well (physics affinity ≥ fitsWell).
 */
function explainsPoorly(member: Component, members: Component[], shared: Component, ctx: ExplainContext): boolean {
  const own = Math.max(...members.filter((c) => c.groupKey === member.groupKey).map((c) => fitOn(c, undefined, ctx)));
  return own < ctx.t.fitsWell && ctx.physics.fit(shared.ref.kind, mixesOf(member, undefined, ctx), shared.ref.id) >= ctx.t.fitsWell;
}

/**
 * A shared component's DUTs still speaking (a DUT whose failures another flag already explained is no evidence either
 * way): those whose failures stand out alone against the trials outside the shared component, and the rest.
 */
function splitDuts(
  shared: Component,
  state: Unexplained,
  significant: (s: RoundStats) => boolean,
  ctx: ExplainContext,
): { hitDuts: number[][]; restDuts: number[][] } {
  const t = ctx.t;
  const baseline = state.baseline();
  const hitDuts: number[][] = [];
  const restDuts: number[][] = [];
  for (const all of cellsByDut(shared, state).values()) {
    // A night on which another flag explained a DUT's failures says nothing of the shared part; its other nights do.
    const cells = all.filter((i) => state.explainedCount([i]) < t.nestingExplainedFailures);
    if (cells.length === 0) continue;
    const s = testCells(state, cells, new Set(shared.cells.filter((i) => !cells.includes(i))), baseline, t);
    (significant(s) ? hitDuts : restDuts).push(cells);
  }
  return { hitDuts, restDuts };
}

/**
 * The DUTs among `others` that show, in excess, the usual face on their own profile of a way the kind fails whose
 * usual face the hit DUT shows on its own: a supply dip resets an ESP32 on every other trial, and now and then
 * silences an STM32 script whose short exchange it seldom strikes. Such a DUT backs the shared cause; it is no clean
 * sibling speaking against it.
 */
function backers(kind: ComponentKind, hit: number[], others: number[][], ctx: ExplainContext): number[][] {
  const [struck] = feltBy(kind, [hit], ctx);
  if (!struck || struck.usualFaces.size === 0) return [];
  return others.filter((cells) => [...feltBy(kind, [cells], ctx)[0]!.usualFaces].some((m) => [...struck.usualFaces].some((h) => sameMode(m, h))));
}

/**
 * Whether the one struck DUT shows the usual face of the shared kind's latency on its own profile, and every other
 * DUT of the shared part measured its link as slow: they pass because their exchanges outlast the delay, not because
 * their link is fast. One slow shared part, felt by the one board it breaks.
 */
function slowedTogether(shared: Component, struck: number[], others: number[][], ctx: ExplainContext): boolean {
  const [felt] = feltBy(shared.ref.kind, [struck], ctx);
  if (!felt?.usualFaces.has(LATENCY_MODE)) return false;
  return slowAlike(ctx.state.cells, shared.cellSet, struck, others, ctx.t.slowLinkMs);
}

/**
 * Whether the shared part's trials measured their link round trips as fast as the bench's: then it adds no latency,
 * and boards that fail as latency would make them fail (two silent MediaTek boards on one hub) fail for causes of their own.
 */
function measuredFast(shared: Component, ctx: ExplainContext): boolean {
  const round = linkRound(ctx.state.cells, shared.cellSet);
  return round !== undefined && round.meanMs - round.usualMs < ctx.t.slowLinkMs;
}

/** What each hit DUT shows of a kind: its excess symptoms the kind causes on its family, and the modes whose usual face they are. */
interface Felt {
  /** How its board reads a cause: its family and traits (Physics.readingOf). */
  reading: string;
  symptoms: Set<Symptom>;
  usualFaces: Set<string>;
}

function feltBy(kind: ComponentKind, hitDuts: number[][], ctx: ExplainContext, ruledOut?: string): Felt[] {
  const { state, physics, t } = ctx;
  const active = state.all();
  return hitDuts.map((cells) => {
    const mine = state.tally(cells);
    const profile = state.cells[cells[0]!]!.profile;
    const symptoms = new Set<Symptom>();
    const usualFaces = new Set<string>();
    for (const [symptom, n] of Object.entries(mine.symptoms) as Array<[Symptom, number]>) {
      if (!inExcess(n, expectedCount(active, symptom, n, mine.trials), t)) continue;
      const modes = physics.fittingModes(kind, symptom, profile, t.fits);
      if (ruledOut) modes.delete(ruledOut);
      if (modes.size > 0) symptoms.add(symptom);
      for (const [mode, face] of modes) if (face >= t.fitsWell) usualFaces.add(mode);
    }
    return { reading: physics.readingOf(profile), symptoms, usualFaces };
  });
}

/**
 * Whether at least two of the hit DUTs feel one cause of the shared component's kind: both show, in excess, the
 * same symptom the kind causes on their families; or, on boards of different families, each shows the usual face
 * (affinity ≥ fitsWell) of one way the kind fails (a mode of the family physics) — one supply dip resets an STM32
 * bootloader and silences a MediaTek BROM. Different symptoms on different boards (one late, one silent, one losing
 * its port) are local causes side by side, not one shared cause.
 */
function sharesFittingSymptom(felt: Felt[]): boolean {
  for (let i = 0; i < felt.length; i++) {
    for (let j = i + 1; j < felt.length; j++) {
      const a = felt[i]!;
      const b = felt[j]!;
      if ([...a.symptoms].some((s) => b.symptoms.has(s))) return true;
      if (a.reading !== b.reading && [...a.usualFaces].some((ma) => [...b.usualFaces].some((mb) => sameMode(ma, mb)))) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------- explaining away

/** Symptoms the component shows clearly more of than the rest of the bench. */
function excessSymptoms(s: RoundStats, total: SymptomTally, t: Thresholds): Set<Symptom> {
  const out = new Set<Symptom>();
  for (const [symptom, n] of Object.entries(s.symptoms) as Array<[Symptom, number]>) {
    if (inExcess(n, expectedCount(total, symptom, n, s.trials), t)) out.add(symptom);
  }
  return out;
}

/**
 * A shared cause strikes all its DUTs alike: of the excess symptoms of a component that spans several DUTs, keep
 * those in excess on at least half of them (a port-lost on one DUT of a supply is that DUT's port, not the supply).
 * Alike means alike per profile: a symptom the kind can cause that every DUT of the profiles showing it shows is
 * kept as well (a supply dip resets STM32 bootloaders mid-handshake and silences MediaTek BROMs), as long as the
 * kept symptoms cover at least two DUTs.
 */
function spreadOver(component: Component, excess: Set<Symptom>, state: Unexplained, active: SymptomTally, ctx: ExplainContext): Set<Symptom> {
  const t = ctx.t;
  const byDut = cellsByDut(component, state);
  if (byDut.size < 2 || !servesTogether(component, state)) return excess;
  const spread = new Set<Symptom>();
  const byProfile = new Set<Symptom>();
  const hitBy = new Map<Symptom, string[]>();
  for (const symptom of excess) {
    const hitDuts: string[] = [];
    for (const [dut, cells] of byDut) {
      const mine = state.tally(cells);
      const n = mine.symptoms[symptom] ?? 0;
      if (n >= 1 && n > t.excessFactor * expectedCount(active, symptom, n, mine.trials)) hitDuts.push(dut);
    }
    hitBy.set(symptom, hitDuts);
    if (hitDuts.length >= Math.max(t.sharedMinDuts, Math.ceil(byDut.size * t.sharedSpread))) spread.add(symptom);
    else if (hitDuts.length > 0 && hitDuts.every((d) => ctx.physics.affinity(component.ref.kind, symptom, state.cells[byDut.get(d)![0]!]!.profile) >= t.fits)) {
      const profiles = new Set(hitDuts.map((d) => state.cells[byDut.get(d)![0]!]!.profile));
      const sameProfile = [...byDut.values()].filter((cells) => profiles.has(state.cells[cells[0]!]!.profile)).length;
      if (hitDuts.length === sameProfile) byProfile.add(symptom);
    }
  }
  if (byProfile.size > 0) {
    const covered = new Set([...spread, ...byProfile].flatMap((s) => hitBy.get(s)!));
    if (covered.size >= t.sharedMinDuts && spread.size + byProfile.size > 1) for (const s of byProfile) spread.add(s);
  }
  return spread.size > 0 ? spread : excess;
}

/** The excess symptoms that fit the flagged kind on some board it served; if none fits, the dominant excess (something must be explained). */
function symptomsToExplain(carrier: Component, s: RoundStats, excess: Set<Symptom>, ctx: ExplainContext, shared: boolean): Set<Symptom> {
  // Where other parts ran on exactly the same trials, one cause, one way of failing: a cable that went open explains
  // the silence, not the port lost beside it. A part alone on its trials (a supply of two boards) may fail in every
  // way of its kind at once — a weak supply both dips (reset-mid) and rises slowly (late).
  const mode = shared ? ctx.physics.bestMode(carrier.ref.kind, mixesOf(carrier, excess, ctx), carrier.ref.id).mode : undefined;
  const fitting = new Set([...excess].filter((symptom) => carrier.cells.some((i) => ctx.physics.affinity(carrier.ref.kind, symptom, ctx.state.cells[i]!, carrier.ref.id, mode) >= ctx.t.fits)));
  if (fitting.size > 0) return fitting;
  const dominant = dominantSymptom(excess.size > 0 ? pick(s.symptoms, excess) : s.symptoms);
  return new Set(dominant ? [dominant] : []);
}

/** The member of a group (identical trials) whose kind fits the unexplained symptoms (or those given) best, on the boards' own families. */
function pickByFit(group: Component[], symptoms: Set<Symptom> | undefined, ctx: ExplainContext): Component {
  return [...group].sort(
    (a, b) =>
      fitOn(b, symptoms, ctx) - fitOn(a, symptoms, ctx) ||
      KIND_ORDER.indexOf(a.ref.kind) - KIND_ORDER.indexOf(b.ref.kind) ||
      a.ref.id.localeCompare(b.ref.id),
  )[0]!;
}

/**
 * The other members of a group (identical trials) whose kind fits the failures exactly as well as the carrier's,
 * when it fits them at all (well or not: a tie broken by the kind order would be a guess): rates cannot part them
 * and neither can the symptoms, so no night alone names one.
 */
function fittingAlike(group: Component[], carrier: Component, symptoms: Set<Symptom> | undefined, ctx: ExplainContext): Component[] {
  const best = fitOn(carrier, symptoms, ctx);
  if (best <= 0) return [];
  return group.filter((c) => c !== carrier && Math.abs(fitOn(c, symptoms, ctx) - best) <= SAME_FIT);
}

/**
 * How well a component's symptoms (those given, or all) fit its kind, cell by cell on each board's family: the
 * failures still unexplained, or with `cells`, all of them.
 */
function fitOn(component: Component, symptoms: Set<Symptom> | undefined, ctx: ExplainContext, cells?: Cell[]): number {
  return ctx.physics.fit(component.ref.kind, mixesOf(component, symptoms, ctx, cells), component.ref.id);
}

/** A component's failures (those given, or all), cell by cell with each board's profile: still unexplained, or with `cells`, all. */
function mixesOf(component: Component, symptoms: Set<Symptom> | undefined, ctx: ExplainContext, cells?: Cell[]): Mix[] {
  return component.cells.map((i) => {
    const all = cells ? cells[i]!.symptoms : ctx.state.activeSymptoms[i]!;
    const trials = cells ? cells[i]!.trials : ctx.state.activeTrials[i]!;
    const seen = ctx.state.cells[i]!;
    if (!symptoms) return { profile: seen.profile, seen, trials, symptoms: all };
    const besides = Object.fromEntries(Object.entries(all).filter(([s]) => !symptoms.has(s as Symptom)));
    return { profile: seen.profile, seen, trials, symptoms: pick(all, symptoms), besides };
  });
}

function explainedFor(state: Unexplained, component: Component, components: Map<string, Component>): ComponentVerdict['explainedBy'] {
  return state.explainedIn(component.cells, component.ref.key).map(([key, failures]) => {
    const ref = components.get(key)?.ref;
    const [kind, ...rest] = key.split(':');
    return { id: ref?.id ?? rest.join(':'), kind: (ref?.kind ?? kind) as ComponentKind, failures };
  });
}
