import { EngineError } from '../errors';
import { binomialSf } from '../stats/beta';

/**
 * Class-conditional split conformal calibration of the "edible" cut.
 *
 * Take the n poisonous calibration rows' scores s = P(edible), sorted from high to low, and say
 * "edible" only when P(edible) > s_(j), the j-th largest. For a new poisonous row exchangeable with
 * the calibration rows, the chance that it is called edible (the false-edible rate, a random
 * quantity through the calibration draw) is Beta(j, n + 1 − j)-distributed when scores have no ties;
 * ties only lower it, because the comparison is strict. So
 *   P(rate > α) = 1 − I_α(j, n + 1 − j) = P(Binomial(n, α) < j),
 * and the largest j with P(Binomial(n, α) ≥ j) ≥ 1 − δ gives the most useful cut that still keeps
 * the rate at most α with probability at least 1 − δ.
 */

/**
 * α = 1 %: the bound on poisonous called edible; δ = 5 %: the chance the bound fails for this
 * calibration draw. Smaller values are safer but need more poisonous calibration rows: α = 1 %,
 * δ = 5 % needs 299, which the UCI data's validation split (587 poisonous rows) has; α = 0.5 % would
 * need 598 and the UCI model could not state a guarantee at all.
 */
export const DEFAULT_ALPHA = 0.01;
export const DEFAULT_DELTA = 0.05;

export interface ConformalRank {
  /** The rank j (1-based, counted from the highest score), or null when no j satisfies the bound. */
  j: number | null;
  /** The fewest poisonous calibration rows for which j = 1 would satisfy it. */
  needed: number;
}

export function checkAlphaDelta(alpha: number, delta: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new EngineError('invalid-argument', `The allowed false-edible rate α must be between 0 and 1 (exclusive), got ${alpha}.`, { alpha });
  if (!(delta > 0 && delta < 1)) throw new EngineError('invalid-argument', `The allowed chance δ of exceeding it must be between 0 and 1 (exclusive), got ${delta}.`, { delta });
}

/** The fewest calibration rows n with 1 − (1 − α)^n ≥ 1 − δ (j = 1 is then allowed). */
export function minimumCalibrationRows(alpha: number, delta: number): number {
  checkAlphaDelta(alpha, delta);
  let n = Math.max(1, Math.ceil(Math.log(delta) / Math.log1p(-alpha)) - 1);
  // The closed form can be off by one in floating point; settle it with the same test as conformalRank.
  while (binomialSf(1, n, alpha) < 1 - delta) n++;
  while (n > 1 && binomialSf(1, n - 1, alpha) >= 1 - delta) n--;
  return n;
}

/** The largest j ≤ n with P(Binomial(n, α) ≥ j) ≥ 1 − δ. */
export function conformalRank(n: number, alpha: number, delta: number): ConformalRank {
  const needed = minimumCalibrationRows(alpha, delta);
  if (!Number.isInteger(n) || n < 0) throw new EngineError('invalid-argument', `The calibration row count must be a whole number ≥ 0, got ${n}.`, { n });
  if (n < needed) return { j: null, needed };
  // The tail falls as j grows; j stays near nα − 1.6·√(nα), so a linear walk is short.
  let j = 1;
  while (j < n && binomialSf(j + 1, n, alpha) >= 1 - delta) j++;
  return { j, needed };
}
