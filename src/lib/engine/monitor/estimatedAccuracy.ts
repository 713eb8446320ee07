import type { SafetyThreshold } from '../ml/bundle';
import { EngineError } from '../errors';
import { calledEdible, HALF } from '../ml/threshold';

/**
 * Confidence-based performance estimation (CBPE, as NannyML names it): the accuracy a window of
 * predictions should have, from calibrated probabilities alone, before any label arrives.
 * If P(poisonous) = p is calibrated, a row called edible is right with probability 1 − p and a
 * row called poisonous (or "uncertain — treat as poisonous") with probability p. The expected
 * accuracy is their mean, and since the rows' outcomes are independent Bernoulli draws the
 * realised accuracy scatters around it with variance Σ c(1 − c) / n², which gives the band.
 * Only as good as the calibration: the band ignores calibration error.
 */
export interface EstimatedAccuracy {
  /** Rows with a usable probability. */
  rows: number;
  /** Rows skipped because their probability was NaN or outside [0, 1]. */
  skipped: number;
  /** Expected accuracy; null with no usable rows. */
  accuracy: number | null;
  /** Standard deviation of the realised accuracy around the estimate. */
  standardError: number | null;
  /** accuracy ± z·standardError, clipped to [0, 1]. */
  lower: number | null;
  upper: number | null;
  /** Rows the model calls edible, and how many of them are expected to be poisonous. */
  calledEdible: number;
  expectedFalseEdible: number;
}

/** z for a two-sided 95 % band. */
export const Z_95 = 1.959963984540054;

export function estimateAccuracy(pPoisonous: ArrayLike<number>, threshold: Pick<SafetyThreshold, 'edibleAbove'> = { edibleAbove: HALF }, z = Z_95): EstimatedAccuracy {
  // The same decision the app shows (threshold.ts), so the estimate is for the verdicts users saw.
  return estimate(pPoisonous, (p) => calledEdible(p, threshold), z);
}

/**
 * The same estimate for verdicts already shown, read rather than recomputed: rows of a window may
 * have been answered by several versions (a promotion, an A/B split), each with its own threshold,
 * and one version's threshold applied to another's probabilities would estimate verdicts nobody saw.
 * `shownEdible[i]` is 1 where row i was called edible.
 */
export function estimateShownAccuracy(pPoisonous: ArrayLike<number>, shownEdible: ArrayLike<number>, z = Z_95): EstimatedAccuracy {
  if (shownEdible.length !== pPoisonous.length) {
    throw new EngineError('invalid-argument', `${pPoisonous.length} probabilities but ${shownEdible.length} verdicts.`, {
      probabilities: pPoisonous.length,
      verdicts: shownEdible.length,
    });
  }
  return estimate(pPoisonous, (_, i) => shownEdible[i] === 1, z);
}

function estimate(pPoisonous: ArrayLike<number>, saidEdible: (p: number, i: number) => boolean, z: number): EstimatedAccuracy {
  let rows = 0;
  let sum = 0;
  let variance = 0;
  let edible = 0;
  let falseEdible = 0;
  for (let i = 0; i < pPoisonous.length; i++) {
    const p = pPoisonous[i];
    if (!(p >= 0 && p <= 1)) continue;
    const saysEdible = saidEdible(p, i);
    const correct = saysEdible ? 1 - p : p;
    if (saysEdible) {
      edible++;
      falseEdible += p;
    }
    rows++;
    sum += correct;
    variance += correct * (1 - correct);
  }
  const skipped = pPoisonous.length - rows;
  if (rows === 0) return { rows, skipped, accuracy: null, standardError: null, lower: null, upper: null, calledEdible: 0, expectedFalseEdible: 0 };
  const accuracy = sum / rows;
  const standardError = Math.sqrt(variance) / rows;
  return {
    rows,
    skipped,
    accuracy,
    standardError,
    lower: Math.max(0, accuracy - z * standardError),
    upper: Math.min(1, accuracy + z * standardError),
    calledEdible: edible,
    expectedFalseEdible: falseEdible,
  };
}
