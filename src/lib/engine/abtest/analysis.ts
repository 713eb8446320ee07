/**
 * What the outcomes of an A/B test say: the significance tests, whether the minimum sample size is
 * reached, a peeking warning before it is, and the suggested winner with its reason.
 *
 * - split (independent arms): two-proportion z-test and Fisher's exact test on the accuracies. The
 *   z-test decides when every expected cell count of the 2×2 table is at least 5 (Cochran's rule
 *   for the normal approximation); otherwise Fisher's exact test decides (SciPy 1.10's rule, not R's).
 * - shadow (both versions answer the same rows): McNemar's test on the paired outcomes; the exact
 *   binomial version decides when there are fewer than 25 discordant pairs, the continuity-corrected
 *   chi-square otherwise (the exact p is reported beside it).
 *
 * Winner: the more accurate version if the deciding test is significant; otherwise, or on a tie,
 * the champion stays. Safety rule: the challenger is never named winner if it calls poisonous
 * mushrooms edible more than the champion does — by count in shadow mode (same rows), by rate per
 * outcome in split mode (arms of different sizes) — however much more accurate it is.
 */
import { EngineError } from '../errors';
import { fisherExact, mcnemar, twoProportionZTest } from '../stats/proportions';
import type { ArmOutcome, Outcomes, ShadowOutcomes } from './outcomes';
import type { Arm } from './routing';

/** Where a test stands: outcomes per arm, the statistics, and accuracy per arm as outcomes came in. */
export interface AbTestStatus {
  outcomes: Outcomes;
  analysis: Analysis;
  /** Cumulative accuracy per arm against outcomes so far (both arms), at most ~100 points. */
  series: { n: number[]; champion: (number | null)[]; challenger: (number | null)[] };
}

/** Below this many discordant pairs McNemar's exact test decides (the chi-square approximation is poor). */
export const MCNEMAR_EXACT_BELOW = 25;
/** Cochran's rule: the z-test needs every expected cell count at least this large. */
const MIN_EXPECTED_CELL = 5;

export type TestId = 'two-proportion-z' | 'fisher-exact' | 'mcnemar-exact' | 'mcnemar-chi2-corrected';

export interface TestResult {
  id: TestId;
  /** z for the z-test (> 0: champion more accurate), min(b, c) for exact McNemar, χ² for corrected McNemar, null for Fisher. */
  statistic: number | null;
  pvalue: number;
  /** The test whose p-value decides significance. */
  decides: boolean;
}

export interface AnalysisInput {
  outcomes: Outcomes;
  /** Two-sided significance level. */
  alpha: number;
  /** Minimum outcomes (feedback rows) per arm, from `minimumSampleSize`. */
  minimumPerArm: number;
}

export interface Analysis {
  tests: TestResult[];
  /** p-value of the deciding test; null before both arms have feedback. */
  pvalue: number | null;
  /** Why the deciding test was chosen. */
  method: string;
  significant: boolean;
  /** Outcomes in the arm with fewest. */
  outcomesPerArm: number;
  minimumReached: boolean;
  /** Set until the minimum sample size is reached. */
  peekingWarning: string | null;
  winner: Arm;
  reason: string;
  /** The challenger would have won on accuracy but the safety rule kept the champion. */
  safetyBlocked: boolean;
  /** Auto-conclude fires only when the minimum is reached AND the result is significant. */
  canAutoConclude: boolean;
}

const percent = (x: number) => `${(100 * x).toFixed(2)} %`;
const formatP = (p: number) => (p < 1e-4 ? 'p < 0.0001' : `p = ${p.toPrecision(2)}`);

function splitTests(champion: ArmOutcome, challenger: ArmOutcome): { tests: TestResult[]; method: string } {
  const successes: [number, number] = [champion.correct, challenger.correct];
  const trials: [number, number] = [champion.feedbackCount, challenger.feedbackCount];
  const pooled = (successes[0] + successes[1]) / (trials[0] + trials[1]);
  const smallestExpected = Math.min(trials[0], trials[1]) * Math.min(pooled, 1 - pooled);
  const useZ = smallestExpected >= MIN_EXPECTED_CELL;
  const z = twoProportionZTest(successes, trials);
  return {
    tests: [
      { id: 'two-proportion-z', statistic: z.z, pvalue: z.pvalue, decides: useZ },
      { id: 'fisher-exact', statistic: null, pvalue: fisherExact(successes, trials), decides: !useZ },
    ],
    method: useZ
      ? 'Two-proportion z-test (every expected count ≥ 5); Fisher’s exact test shown for comparison.'
      : `Fisher’s exact test: an expected count is below ${MIN_EXPECTED_CELL} (${smallestExpected.toFixed(1)}), too few for the z-test’s normal approximation.`,
  };
}

function shadowTests(outcomes: ShadowOutcomes): { tests: TestResult[]; method: string } {
  const m = mcnemar(outcomes.pairs);
  const discordant = m.b + m.c;
  const exact = discordant < MCNEMAR_EXACT_BELOW;
  return {
    tests: [
      { id: 'mcnemar-exact', statistic: Math.min(m.b, m.c), pvalue: m.exactPvalue, decides: exact },
      { id: 'mcnemar-chi2-corrected', statistic: m.chi2Statistic, pvalue: m.chi2Pvalue, decides: !exact },
    ],
    method: exact
      ? `McNemar’s exact test: ${discordant} discordant pairs, fewer than ${MCNEMAR_EXACT_BELOW}, too few for the chi-square approximation.`
      : `McNemar’s chi-square test with continuity correction (${discordant} discordant pairs); the exact test is shown beside it.`,
  };
}

/** Does the challenger call poisonous mushrooms edible more than the champion? */
function moreDangerous(outcomes: Outcomes): boolean {
  const { champion, challenger } = outcomes;
  if (outcomes.mode === 'shadow') return challenger.poisonousCalledEdible > champion.poisonousCalledEdible;
  return (challenger.poisonousCalledEdibleRate ?? 0) > (champion.poisonousCalledEdibleRate ?? 0);
}

function peekingWarning(outcomesPerArm: number, minimumPerArm: number, alpha: number): string {
  return (
    `Only ${outcomesPerArm} of the ${minimumPerArm} outcomes per arm needed so far. Looking at the p-value again and again ` +
    `and stopping the first time it dips below ${alpha} (peeking) makes a false winner far more likely than ${alpha}: ` +
    `wait for the minimum sample size before concluding.`
  );
}

export function analyze({ outcomes, alpha, minimumPerArm }: AnalysisInput): Analysis {
  if (!(alpha > 0 && alpha < 1)) throw new EngineError('invalid-argument', `alpha must be between 0 and 1, got ${alpha}.`, { alpha });
  if (!(minimumPerArm >= 0 && Number.isFinite(minimumPerArm))) {
    throw new EngineError('invalid-argument', `the minimum sample size must be a non-negative number, got ${minimumPerArm}.`, { minimumPerArm });
  }
  const { champion, challenger } = outcomes;
  const outcomesPerArm = Math.min(champion.feedbackCount, challenger.feedbackCount);
  const minimumReached = outcomesPerArm >= minimumPerArm;
  const base = {
    outcomesPerArm,
    minimumReached,
    peekingWarning: minimumReached ? null : peekingWarning(outcomesPerArm, minimumPerArm, alpha),
    winner: 'champion' as Arm,
    safetyBlocked: false,
  };
  if (champion.accuracy === null || challenger.accuracy === null) {
    const empty = champion.accuracy === null ? 'champion' : 'challenger';
    return {
      ...base,
      tests: [],
      pvalue: null,
      method: 'No test yet: outcomes come only from feedback.',
      significant: false,
      reason: `No feedback yet for the ${empty}: nothing to compare, the champion stays.`,
      canAutoConclude: false,
    };
  }

  const { tests, method } = outcomes.mode === 'split' ? splitTests(champion, challenger) : shadowTests(outcomes);
  const pvalue = tests.filter((t) => t.decides)[0].pvalue;
  const significant = pvalue < alpha;
  const accuracies = `${percent(challenger.accuracy)} vs ${percent(champion.accuracy)}`;
  let winner: Arm = 'champion';
  let safetyBlocked = false;
  let reason: string;
  if (!significant) {
    reason = `No significant difference in accuracy (challenger ${accuracies} for the champion, ${formatP(pvalue)} ≥ ${alpha}): the champion stays.`;
  } else if (challenger.accuracy > champion.accuracy) {
    if (moreDangerous(outcomes)) {
      safetyBlocked = true;
      const counts =
        outcomes.mode === 'shadow'
          ? `${challenger.poisonousCalledEdible} vs ${champion.poisonousCalledEdible} on the same rows`
          : `${percent(challenger.poisonousCalledEdibleRate ?? 0)} vs ${percent(champion.poisonousCalledEdibleRate ?? 0)} of outcomes`;
      reason =
        `The challenger is significantly more accurate (${accuracies}, ${formatP(pvalue)}) but calls more poisonous ` +
        `mushrooms edible (${counts}): the champion stays (safety rule).`;
    } else {
      winner = 'challenger';
      reason = `The challenger is significantly more accurate (${accuracies}, ${formatP(pvalue)}) and calls no more poisonous mushrooms edible.`;
    }
  } else if (challenger.accuracy < champion.accuracy) {
    reason = `The champion is significantly more accurate (${percent(champion.accuracy)} vs ${percent(challenger.accuracy)}, ${formatP(pvalue)}): the champion stays.`;
  } else {
    reason = `Equal accuracy (${percent(champion.accuracy)}): the champion stays.`;
  }
  return { ...base, tests, pvalue, method, significant, winner, reason, safetyBlocked, canAutoConclude: minimumReached && significant };
}
