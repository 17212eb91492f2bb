/**
 * Every number the diagnosis decides by, in one place (docs/diagnosis.md says what each rule does). Callers may
 * override any of them (`thresholds` of diagnose / attribute); the defaults are what the evaluation measured.
 */
export interface Thresholds {
  // Verdicts.
  /** Holm-adjusted p at or below which a component with a real effect is suspect. */
  suspectP: number;
  /** Holm-adjusted p at or below which (with badRatio and badRate) a suspect is bad. */
  badP: number;
  /** Holm-adjusted p at or below which a component with ratio ≥ watchRatio is worth watching. */
  watchP: number;
  /** Failure rate at least this many times the pool's for suspect. */
  minRatio: number;
  watchRatio: number;
  badRatio: number;
  /** Failure rate at or above which a suspect with badP and badRatio is bad. */
  badRate: number;
  /** Fewer failures than this never make a suspect, whatever the p-value. */
  minFailures: number;
  /** Fewer failures than this never make a component worth watching. */
  watchMinFailures: number;

  // The tests of a round.
  /** A symptom is tested on its own from this many failures of a component. */
  symptomTestMinFailures: number;
  /** Rounds of test, flag and explain away, at most. */
  maxRounds: number;

  // Which symptoms a flag explains.
  /** A symptom is in excess with at least this many failures … */
  excessMinFailures: number;
  /** … and more than excessFactor × expected + excessMargin of them (expected: at the rate of the rest of the bench). */
  excessFactor: number;
  excessMargin: number;
  /** A shared cause strikes alike: a symptom must be in excess on this share of a shared component's DUTs … */
  sharedSpread: number;
  /** … and on at least this many of them. */
  sharedMinDuts: number;
  /** A symptom fits a kind of component from this affinity on (symptom-fit.ts) … */
  fits: number;
  /** … and fits it well from this one. */
  fitsWell: number;

  // Nesting: a shared component against its DUTs.
  /** One-sided p of the checks that tell a shared cause from local ones. */
  nestingP: number;
  /** A DUT with this many failures explained by another flag is no evidence either way. */
  nestingExplainedFailures: number;
  /** Steps down from a shared component to one of its members, at most. */
  maxNestingSteps: number;
  /**
   * A board measures its link slow from this many ms of round trip above the bench's usual link: beyond an adapter's
   * jitter, well within what a slow hub adds (the boards a slow hub does not break still measure it).
   */
  slowLinkMs: number;

  // Profile mistakes.
  /** Every DUT of the profile shows the symptom in at least this share of its trials … */
  profileMinShare: number;
  /** … and the profile has at least this many DUTs. */
  profileMinDuts: number;

  // History.
  /** 2·ln(likelihood ratio) above which a change between nights is believed (χ² with 1 degree of freedom, p ≈ 0.001). */
  changeMinStatistic: number;
  /** A change is a rise of the failure rate to more than this many times the rate before. */
  changeMinRise: number;
  /** A component that arrived in the window is "failing since" its first night from this failure rate on (that night and overall). */
  arrivalMinRate: number;

  // Follow-up trials (diagnose/sequential.ts): the sequential test flags at suspectP over the components tested.
  /** Chance of clearing a component that fails minRatio × the pool (the sequential test's β). */
  missP: number;
  /** The strongest rate ratio the sequential test's mixture spans (stronger faults are flagged by the planned trials). */
  sequentialMaxRatio: number;
  /**
   * Clean DUTs that go on running beside each followed DUT, so that the pool keeps growing (a frozen pool bounds how
   * sure a comparison with it can get).
   */
  followUpPoolDuts: number;
}

export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = {
  suspectP: 1e-3,
  badP: 1e-6,
  watchP: 0.05,
  minRatio: 3,
  watchRatio: 2,
  badRatio: 10,
  badRate: 0.1,
  minFailures: 3,
  watchMinFailures: 2,

  symptomTestMinFailures: 2,
  maxRounds: 25,

  excessMinFailures: 2,
  excessFactor: 2,
  excessMargin: 1,
  sharedSpread: 0.5,
  sharedMinDuts: 2,
  fits: 0.5,
  fitsWell: 0.8,

  nestingP: 0.01,
  nestingExplainedFailures: 3,
  maxNestingSteps: 8,
  slowLinkMs: 10,

  profileMinShare: 0.5,
  profileMinDuts: 2,

  changeMinStatistic: 10.83,
  changeMinRise: 2,
  arrivalMinRate: 0.05,

  missP: 0.05,
  sequentialMaxRatio: 30,
  followUpPoolDuts: 10,
};

/** The defaults with the caller's overrides. */
export function thresholdsWith(overrides: Partial<Thresholds> = {}): Thresholds {
  return { ...DEFAULT_THRESHOLDS, ...overrides };
}
