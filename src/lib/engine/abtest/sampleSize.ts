/**
 * Minimum sample size per arm for comparing two accuracies (Fleiss, Levin & Paik, "Statistical
 * Methods for Rates and Proportions", 3rd ed. 2003, eq. 4.14, without continuity correction):
 *
 *   n = ( z₁₋α/₂ · √(2·p̄·(1 − p̄)) + z₁₋β · √(p₁(1 − p₁) + p₂(1 − p₂)) )² / (p₁ − p₂)²,  p̄ = (p₁ + p₂) / 2
 *
 * rounded up: the outcomes (feedback rows) each arm needs for a two-sided test at level α to detect
 * a true difference of `mde` with probability `power`. The first term is the pooled standard error
 * under H₀ (the z-test we run), the second the unpooled one under H₁.
 */
import { EngineError } from '../errors';
import { normalQuantile } from '../stats/normal';

export interface SampleSizeInput {
  /** The champion's accuracy (p₁), strictly between 0 and 1. */
  baselineAccuracy: number;
  /** Minimal detectable difference in accuracy, e.g. 0.01 for one percentage point. */
  mde: number;
  /** Two-sided significance level; default 0.05. */
  alpha?: number;
  /** Probability of detecting a true difference of `mde`; default 0.8. */
  power?: number;
  /**
   * Which alternative p₂ to size for: 'decrease' p₁ − mde, 'increase' p₁ + mde, or 'either' (the
   * default) the larger n of the two that lie in [0, 1]. The test is two-sided, so a challenger that
   * is worse by mde must be caught as surely as one that is better; near 100 % accuracy the decrease
   * needs more samples (more variance), and 'either' takes it.
   */
  direction?: 'either' | 'increase' | 'decrease';
}

function invalid(message: string, details: Record<string, number | string>): EngineError {
  return new EngineError('invalid-argument', message, details);
}

/** The (unrounded) formula above for one p₂. */
export function sampleSizeFormula(p1: number, p2: number, alpha: number, power: number): number {
  const zAlpha = normalQuantile(1 - alpha / 2);
  const zBeta = normalQuantile(power);
  const pBar = (p1 + p2) / 2;
  const root = zAlpha * Math.sqrt(2 * pBar * (1 - pBar)) + zBeta * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return (root * root) / ((p1 - p2) * (p1 - p2));
}

/** Minimum number of outcomes per arm (rounded up). Throws `invalid-argument` on impossible inputs. */
export function minimumSampleSize(input: SampleSizeInput): number {
  const { baselineAccuracy: p1, mde, alpha = 0.05, power = 0.8, direction = 'either' } = input;
  if (!(p1 > 0 && p1 < 1)) throw invalid(`baseline accuracy must be strictly between 0 and 1, got ${p1}.`, { baselineAccuracy: p1 });
  if (!(mde > 0 && mde < 1)) throw invalid(`the minimal detectable difference must be between 0 and 1, got ${mde}.`, { mde });
  if (!(alpha > 0 && alpha < 1)) throw invalid(`alpha must be between 0 and 1, got ${alpha}.`, { alpha });
  if (!(power > 0 && power < 1)) throw invalid(`power must be between 0 and 1, got ${power}.`, { power });
  const candidates: number[] = [];
  if (direction !== 'increase' && p1 - mde >= 0) candidates.push(p1 - mde);
  if (direction !== 'decrease' && p1 + mde <= 1) candidates.push(p1 + mde);
  if (candidates.length === 0) {
    throw invalid(`a difference of ${mde} ${direction === 'either' ? 'either way' : `(${direction})`} from ${p1} leaves [0, 1].`, { baselineAccuracy: p1, mde, direction });
  }
  // Round away float noise first so an exact integer (e.g. 400.0000000001) does not become 401.
  return candidates.map((p2) => Math.ceil(Number(sampleSizeFormula(p1, p2, alpha, power).toPrecision(12)))).reduce((a, b) => Math.max(a, b));
}
