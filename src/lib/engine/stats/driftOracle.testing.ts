import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { SHARED_DIR } from '$lib/testing/sharedData';

/** Test-only: ../shared/oracles/drift.json, read once, for the stats and monitor tests. */
export interface NumericOracleCase {
  name: string;
  reference: number[];
  current: number[];
  ks_statistic: number;
  ks_pvalue: number;
  wasserstein: number;
  wasserstein_normed: number;
}

export interface CategoricalOracleCase {
  name: string;
  reference: string[];
  current: string[];
  categories: string[];
  reference_proportions: number[];
  current_proportions: number[];
  jensenshannon_distance_natural_log: number;
  jensenshannon_distance_base2: number;
  psi: number;
  kl_ref_cur: number;
  hellinger: number;
  chisquare_goodness_of_fit_statistic: number | null;
  chisquare_goodness_of_fit_pvalue: number | null;
  chi2_contingency_statistic: number;
  chi2_contingency_pvalue: number;
  chi2_contingency_dof: number;
}

export interface DriftOracle {
  numeric: NumericOracleCase[];
  categorical: CategoricalOracleCase[];
  two_proportion_ztest: { successes: [number, number]; trials: [number, number]; z: number; pvalue: number }[];
}

export const DRIFT_ORACLE_PATH = resolve(SHARED_DIR, 'oracles', 'drift.json');
export const hasDriftOracle = existsSync(DRIFT_ORACLE_PATH);
export const DRIFT_ORACLE_SKIP = `drift oracle not found at ${DRIFT_ORACLE_PATH} (a fresh clone without ../shared): skipped`;
if (!hasDriftOracle) console.warn(DRIFT_ORACLE_SKIP);

export const driftOracle: DriftOracle = hasDriftOracle ? JSON.parse(readFileSync(DRIFT_ORACLE_PATH, 'utf8')) : { numeric: [], categorical: [], two_proportion_ztest: [] };

/** A categorical oracle case as counts per category, in the oracle's (sorted) category order. */
export function categoryCounts(c: CategoricalOracleCase): { reference: number[]; current: number[] } {
  const count = (xs: string[]) => c.categories.map((k) => xs.filter((x) => x === k).length);
  return { reference: count(c.reference), current: count(c.current) };
}

/**
 * The oracle prints every value to 10 decimal places, so besides rtol 1e-6 we allow half a unit
 * of the 10th decimal (5e-11): a p-value printed as 2.3e-09 or 0.0 is only known to that.
 */
export const ORACLE_ATOL = 5.1e-11;

export function expectOracle(actual: number, expected: number, what: string, rtol = 1e-6): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(rtol * Math.abs(expected) + ORACLE_ATOL);
}
