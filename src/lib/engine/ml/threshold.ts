import { EngineError } from '../errors';
import type { SafetyThreshold } from './bundle';

/**
 * The safety threshold: the app says "edible" only when P(edible) is above a cut chosen on the
 * validation split so that (by default) no validation poisonous row would have been called edible.
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

/** P(edible) from P(poisonous), computed one way only (see above). */
export function pEdible(pPoisonous: number): number {
  return 1 - pPoisonous;
}

/** Strictly above: a poisonous row sitting exactly on the threshold must not be called edible. */
export function calledEdible(pPoisonous: number, t: Pick<SafetyThreshold, 'edibleAbove'>): boolean {
  return pEdible(pPoisonous) > t.edibleAbove;
}

export function decide(pPoisonous: number, t: Pick<SafetyThreshold, 'edibleAbove'>): 'edible' | 'uncertain' | 'poisonous' {
  if (calledEdible(pPoisonous, t)) return 'edible';
  // Also catches NaN (no comparison holds): an unusable score is never reported as "uncertain".
  if (!(pEdible(pPoisonous) > HALF)) return 'poisonous';
  return 'uncertain';
}

/**
 * The smallest `edibleAbove` ≥ `floor` (0.5 unless given; the app passes MIN_EDIBLE_ABOVE) that calls at most floor(rate × poisonous) validation poisonous
 * rows edible. Sorting the poisonous rows' P(edible) from high to low, that is the (allowed + 1)-th
 * value: every row strictly above it may be called edible, and any lower cut would add that row.
 */
export function chooseSafetyThreshold(yVal: Uint8Array, pPoisonous: ArrayLike<number>, maxFalseEdibleRate = 0, floor = HALF): SafetyThreshold {
  if (yVal.length !== pPoisonous.length) {
    throw new EngineError('invalid-argument', `${yVal.length} labels but ${pPoisonous.length} probabilities.`, { labels: yVal.length, probabilities: pPoisonous.length });
  }
  if (!(maxFalseEdibleRate >= 0 && maxFalseEdibleRate <= 1)) {
    throw new EngineError('invalid-argument', `The allowed false-edible rate must be between 0 and 1, got ${maxFalseEdibleRate}.`, { maxFalseEdibleRate });
  }
  const poisonousEdibleP: number[] = [];
  for (let i = 0; i < yVal.length; i++) {
    if (yVal[i] !== 1) continue;
    const e = pEdible(pPoisonous[i]);
    // A NaN score would silently fail every comparison and slip past the threshold.
    if (Number.isNaN(e)) throw new EngineError('invalid-argument', `Probability at row ${i} is not a number.`, { row: i });
    poisonousEdibleP.push(e);
  }
  poisonousEdibleP.sort((a, b) => b - a);
  const allowed = Math.floor(maxFalseEdibleRate * poisonousEdibleP.length);
  const edibleAbove = allowed < poisonousEdibleP.length ? Math.max(floor, poisonousEdibleP[allowed]) : floor;

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
  return { edibleAbove, maxFalseEdibleRate, validation };
}
