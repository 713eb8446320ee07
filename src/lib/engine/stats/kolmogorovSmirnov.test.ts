import { describe, expect, it } from 'vitest';
import { driftOracle, DRIFT_ORACLE_SKIP, expectOracle, hasDriftOracle } from './driftOracle.testing';
import { ksStatistic, ksTwoSample } from './kolmogorovSmirnov';
import { seededRng } from '../ml/rng';
import { sortedSample } from './sortedSample';

describe.skipIf(!hasDriftOracle)(`ks_2samp against SciPy 1.10 (${hasDriftOracle ? 'oracle present' : DRIFT_ORACLE_SKIP})`, () => {
  it.each(driftOracle.numeric.map((c) => [c.name, c] as const))('%s: statistic and p-value to 1e-6', (_, c) => {
    const r = ksTwoSample(sortedSample(c.reference), sortedSample(c.current));
    // Every oracle case has both samples ≤ 10,000 values: SciPy's 'auto' takes the exact path.
    expect(r.method).toBe('exact');
    expectOracle(r.statistic, c.ks_statistic, `${c.name} statistic`);
    expectOracle(r.pvalue, c.ks_pvalue, `${c.name} p-value`);
  });

  it('is symmetric in its two samples', () => {
    for (const c of driftOracle.numeric) {
      const a = ksTwoSample(sortedSample(c.reference), sortedSample(c.current));
      const b = ksTwoSample(sortedSample(c.current), sortedSample(c.reference));
      expect(b.statistic).toBeCloseTo(a.statistic, 14);
      expect(b.pvalue).toBeCloseTo(a.pvalue, 12);
    }
  });
});

/** Normal-ish samples from the seeded generator (sum of uniforms), shifted by `shift`. */
function sample(n: number, seed: number, shift = 0): Float64Array {
  const rng = seededRng(seed);
  return Float64Array.from({ length: n }, () => rng() + rng() + rng() - 1.5 + shift);
}

describe('ksTwoSample', () => {
  it('gives D = 0 and p = 1 for identical samples, and NaN (not a throw) when a sample is empty', () => {
    const s = sortedSample([1, 2, 2, 3]);
    expect(ksTwoSample(s, s)).toEqual({ statistic: 0, pvalue: 1, method: 'exact' });
    const empty = ksTwoSample(s, sortedSample([NaN]));
    expect(empty.statistic).toBeNaN();
    expect(empty.pvalue).toBeNaN();
  });

  it('reaches D = 1 for disjoint samples', () => {
    const r = ksTwoSample(sortedSample([1, 2, 3]), sortedSample([4, 5]));
    expect(r.statistic).toBe(1);
    // Exact: 2 of the C(5, 2) = 10 orderings are as extreme.
    expect(r.pvalue).toBeCloseTo(0.2, 12);
  });

  // SciPy's goldens for this branch are in kolmogorovDistribution.test.ts.
  it('goes asymptotic above 10,000 values per sample, as SciPy does', () => {
    const a = sortedSample(sample(12000, 1));
    const b = sortedSample(sample(3000, 2, 0.05));
    const r = ksTwoSample(a, b);
    expect(r.method).toBe('asymp');
    expect(r.statistic).toBeCloseTo(ksStatistic(a, b), 15);
    expect(r.pvalue).toBeGreaterThan(0);
    expect(r.pvalue).toBeLessThan(1);
  });
});
