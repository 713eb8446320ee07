/**
 * Tests on proportions and 2×2 tables: the two-proportion z-test, Fisher's exact test, McNemar's
 * test for paired outcomes, and the Wilson interval. Pure functions that match statsmodels 0.13 /
 * SciPy 1.10 (see ../shared/oracles). Binomial and hypergeometric probabilities are summed from a
 * log-factorial, so counts in the tens of thousands neither overflow nor underflow.
 */
import { EngineError } from '../errors';
import { normalQuantile, normalSf } from './normal';

export interface ZTestResult {
  z: number;
  pvalue: number;
}

export interface McNemarResult {
  /** Discordant pairs: champion right & challenger wrong (b), champion wrong & challenger right (c). */
  b: number;
  c: number;
  /** Exact binomial test on b of b + c at ½, two-sided: min(1, 2·P(X ≤ min(b, c))). statsmodels reports min(b, c) as its statistic. */
  exactPvalue: number;
  /** (|b − c| − 1)² / (b + c), continuity-corrected, chi-square with 1 df. */
  chi2Statistic: number;
  chi2Pvalue: number;
}

export interface Interval {
  lower: number;
  upper: number;
}

function checkCount(value: number, name: string, integer: boolean): void {
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new EngineError('invalid-argument', `${name} must be a ${integer ? 'non-negative integer' : 'non-negative number'}, got ${value}.`, { name, value: String(value) });
  }
}

function checkArm(successes: number, trials: number, arm: number, integer: boolean): void {
  checkCount(successes, `successes[${arm}]`, integer);
  checkCount(trials, `trials[${arm}]`, integer);
  if (successes > trials) {
    throw new EngineError('invalid-argument', `successes[${arm}] (${successes}) exceeds trials[${arm}] (${trials}).`, { arm, successes, trials });
  }
}

/**
 * Pooled two-sided two-proportion z-test (statsmodels `proportions_ztest`, value 0): z has the sign
 * of p1 − p2. Rules where statsmodels divides by zero:
 * - an arm with no trials: there is no proportion to compare → `{ z: NaN, pvalue: NaN }`;
 * - pooled proportion 0 or 1 (every trial failed, or every one succeeded, in both arms): the
 *   proportions are then necessarily equal → `{ z: 0, pvalue: 1 }`, no evidence of a difference.
 * Throws `invalid-argument` for negative or non-finite counts or successes > trials.
 */
export function twoProportionZTest(successes: [number, number], trials: [number, number]): ZTestResult {
  checkArm(successes[0], trials[0], 0, false);
  checkArm(successes[1], trials[1], 1, false);
  const [x1, x2] = successes;
  const [n1, n2] = trials;
  if (n1 === 0 || n2 === 0) return { z: NaN, pvalue: NaN };
  const pooled = (x1 + x2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (!(variance > 0)) return { z: 0, pvalue: 1 };
  const z = (x1 / n1 - x2 / n2) / Math.sqrt(variance);
  return { z, pvalue: Math.min(1, 2 * normalSf(Math.abs(z))) };
}

// ln(n!) from a table for small n and Stirling's series above (truncation error < 1e-19 at n ≥ 256).
const TABLE_SIZE = 256;
const LOG_FACTORIAL = new Float64Array(TABLE_SIZE);
for (let i = 1; i < TABLE_SIZE; i++) LOG_FACTORIAL[i] = LOG_FACTORIAL[i - 1] + Math.log(i);
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln(n!) for a non-negative integer n. */
export function logFactorial(n: number): number {
  if (n < TABLE_SIZE) return LOG_FACTORIAL[n];
  const inv = 1 / n;
  const inv2 = inv * inv;
  return n * Math.log(n) - n + 0.5 * Math.log(n) + HALF_LOG_2PI + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/** SciPy / R count a table as "as extreme" when its probability is within this factor of the observed one (ties despite rounding). */
const FISHER_REL_TOL = 1 + 1e-7;

/**
 * Fisher's exact test, two-sided, on the 2×2 table [[x1, n1 − x1], [x2, n2 − x2]]: the sum of the
 * hypergeometric probabilities (margins fixed) of every table no more probable than the observed
 * one, ties taken within a relative 1e-7 (SciPy 1.10 / R `fisher.test`). An empty arm gives p 1.
 */
export function fisherExact(successes: [number, number], trials: [number, number]): number {
  checkArm(successes[0], trials[0], 0, true);
  checkArm(successes[1], trials[1], 1, true);
  const [x1, x2] = successes;
  const [n1, n2] = trials;
  const k = x1 + x2;
  const logDenominator = logChoose(n1 + n2, k);
  const logPmf = (x: number) => logChoose(n1, x) + logChoose(n2, k - x) - logDenominator;
  const cutoff = logPmf(x1) + Math.log(FISHER_REL_TOL);
  let p = 0;
  for (let x = Math.max(0, k - n2), hi = Math.min(k, n1); x <= hi; x++) {
    const lp = logPmf(x);
    if (lp <= cutoff) p += Math.exp(lp);
  }
  return Math.min(1, p);
}

/** P(X ≤ k) for X ~ Binomial(n, ½), summed in log space. */
function binomialHalfCdf(k: number, n: number): number {
  const logHalfPowN = -n * Math.LN2;
  let p = 0;
  for (let i = 0; i <= k; i++) p += Math.exp(logChoose(n, i) + logHalfPowN);
  return p;
}

/**
 * McNemar's test on a paired 2×2 table [[both right, A right & B wrong], [A wrong & B right, both
 * wrong]] (statsmodels `mcnemar`, exact and with `correction=True`). Only the discordant cells b and
 * c matter. With no discordant pairs (b + c = 0) the corrected statistic is defined as 0 and its p as
 * 1: nothing disagrees, so there is no evidence (statsmodels divides by zero there). The corrected
 * statistic is not clamped: b = c gives 1 / (b + c), exactly as statsmodels.
 */
export function mcnemar(table: readonly [readonly [number, number], readonly [number, number]]): McNemarResult {
  const b = table[0][1];
  const c = table[1][0];
  checkCount(table[0][0], 'table[0][0]', true);
  checkCount(b, 'table[0][1]', true);
  checkCount(c, 'table[1][0]', true);
  checkCount(table[1][1], 'table[1][1]', true);
  const n = b + c;
  const exactPvalue = Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), n));
  if (n === 0) return { b, c, exactPvalue, chi2Statistic: 0, chi2Pvalue: 1 };
  const chi2Statistic = (Math.abs(b - c) - 1) ** 2 / n;
  // Chi-square with 1 df is Z²: its survival at s is 2·Φ̄(√s).
  const chi2Pvalue = Math.min(1, 2 * normalSf(Math.sqrt(chi2Statistic)));
  return { b, c, exactPvalue, chi2Statistic, chi2Pvalue };
}

/**
 * Wilson score interval for a proportion (statsmodels `proportion_confint(method='wilson')`).
 * With no trials nothing is known: [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): Interval {
  checkArm(successes, trials, 0, false);
  if (!(confidence > 0 && confidence < 1)) {
    throw new EngineError('invalid-argument', `confidence must be in (0, 1), got ${confidence}.`, { confidence });
  }
  if (trials === 0) return { lower: 0, upper: 1 };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const z2 = z * z;
  const p = successes / trials;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At 0 or all successes the bound is exactly 0 or 1; the formula only reaches it up to rounding.
  return { lower: successes === 0 ? 0 : Math.max(0, centre - half), upper: successes === trials ? 1 : Math.min(1, centre + half) };
}
