import { EngineError } from '../errors';
import type { SafetyGuarantee, SafetyThreshold } from './bundle';
import { checkAlphaDelta, conformalRank, DEFAULT_ALPHA, DEFAULT_DELTA } from './conformal';

/**
 * The safety threshold: the app says "edible" only when P(edible) is above a cut chosen on the
 * validation (calibration) split's poisonous rows, with a stated conformal guarantee (conformal.ts).
 *
 * Every place that turns a probability into a verdict goes through `pEdible` and `calledEdible`
 * below (metrics.ts too), so the threshold chosen here, the verdict shown and the metrics reported
 * can never disagree by a rounding step: "p ≥ 1 − t" and "1 − p ≤ t" are not the same test in
 * floating point.
 */

/** The plain cut: P(edible) at or below it is "poisonous". */
export const HALF = 0.5;

/**
 * The least confidence ever needed to say "edible", however clean the validation split: a model
 * that separates validation perfectly still must not call a 51 % guess edible.
 */
export const MIN_EDIBLE_ABOVE = 0.9;

/** The three answers, in the order of their codes in a batch's decision array (0 edible, 1 uncertain, 2 poisonous). */
export const DECISIONS = ['edible', 'uncertain', 'poisonous'] as const;
export type Decision = (typeof DECISIONS)[number];
export const DECISION_CODE: Record<Decision, number> = { edible: 0, uncertain: 1, poisonous: 2 };

/** The words for an answer wherever one shows: "uncertain" always says to treat it as poisonous. */
export const DECISION_WORDS: Record<Decision, string> = { edible: 'edible', uncertain: 'uncertain — treat as poisonous', poisonous: 'poisonous' };

/** P(edible) from P(poisonous), computed one way only (see above). */
export function pEdible(pPoisonous: number): number {
  return 1 - pPoisonous;
}

/** Strictly above: a poisonous row sitting exactly on the threshold must not be called edible. */
export function calledEdible(pPoisonous: number, t: Pick<SafetyThreshold, 'edibleAbove'>): boolean {
  return pEdible(pPoisonous) > t.edibleAbove;
}

export function decide(pPoisonous: number, t: Pick<SafetyThreshold, 'edibleAbove'>): Decision {
  if (calledEdible(pPoisonous, t)) return 'edible';
  // Also catches NaN (no comparison holds): an unusable score is never reported as "uncertain".
  if (!(pEdible(pPoisonous) > HALF)) return 'poisonous';
  return 'uncertain';
}

export interface ThresholdOptions {
  /** Bound on the share of new poisonous rows called edible (conformal.ts; default 1 %). */
  alpha?: number;
  /** Allowed chance that the bound fails for this calibration draw (default 5 %). */
  delta?: number;
  /** The least `edibleAbove` ever returned (0.5 unless given; the app passes MIN_EDIBLE_ABOVE). */
  floor?: number;
}

/**
 * The safety threshold from the calibration (validation) split's poisonous rows only, by
 * class-conditional split conformal calibration (conformal.ts): `edibleAbove` is the j-th largest
 * poisonous P(edible), j as large as the (α, δ) guarantee allows, and never below `floor`. A higher
 * floor only removes "edible" answers, so it keeps the guarantee. With too few poisonous rows for
 * any j, no guarantee is stated (with the reason) and the cut falls back to the old rule: the most
 * edible-looking poisonous calibration row, so none of them is called edible.
 */
export function chooseSafetyThreshold(yVal: Uint8Array, pPoisonous: ArrayLike<number>, opts: ThresholdOptions = {}): SafetyThreshold {
  const { alpha = DEFAULT_ALPHA, delta = DEFAULT_DELTA, floor = HALF } = opts;
  if (yVal.length !== pPoisonous.length) {
    throw new EngineError('invalid-argument', `${yVal.length} labels but ${pPoisonous.length} probabilities.`, { labels: yVal.length, probabilities: pPoisonous.length });
  }
  checkAlphaDelta(alpha, delta);
  const poisonousEdibleP: number[] = [];
  for (let i = 0; i < yVal.length; i++) {
    if (yVal[i] !== 1) continue;
    const e = pEdible(pPoisonous[i]);
    // A NaN score would silently fail every comparison and slip past the threshold.
    if (Number.isNaN(e)) throw new EngineError('invalid-argument', `Probability at row ${i} is not a number.`, { row: i });
    poisonousEdibleP.push(e);
  }
  poisonousEdibleP.sort((a, b) => b - a);
  const n = poisonousEdibleP.length;
  const { j, needed } = conformalRank(n, alpha, delta);
  const guarantee: SafetyGuarantee =
    j === null
      ? {
          alpha,
          delta,
          calibrationPoisonous: n,
          allowedAbove: 0,
          stated: false,
          reason: `needs at least ${needed} poisonous calibration rows for α = ${alpha} and δ = ${delta}; has ${n}`,
        }
      : { alpha, delta, calibrationPoisonous: n, allowedAbove: j - 1, stated: true };
  const cut = n ? poisonousEdibleP[(j ?? 1) - 1] : floor;
  const edibleAbove = Math.max(floor, cut);

  const t = { edibleAbove };
  const validation = { poisonous: 0, edible: 0, falseEdible: 0, edibleCalledEdible: 0 };
  for (let i = 0; i < yVal.length; i++) {
    const edible = calledEdible(pPoisonous[i], t);
    if (yVal[i] === 1) {
      validation.poisonous++;
      if (edible) validation.falseEdible++;
    } else {
      validation.edible++;
      if (edible) validation.edibleCalledEdible++;
    }
  }
  return { edibleAbove, guarantee, validation };
}
