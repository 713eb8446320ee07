import { describe, expect, it } from 'vitest';
import { driftOracle, DRIFT_ORACLE_SKIP, expectOracle, hasDriftOracle } from './driftOracle.testing';
import { populationStd, sortedSample, unionDistinctCount } from './sortedSample';
import { wassersteinDistance, wassersteinNormed } from './wasserstein';

describe.skipIf(!hasDriftOracle)(`Wasserstein-1 against SciPy 1.10 (${hasDriftOracle ? 'oracle present' : DRIFT_ORACLE_SKIP})`, () => {
  it.each(driftOracle.numeric.map((c) => [c.name, c] as const))('%s: raw and normed by the reference std to 1e-6', (_, c) => {
    const ref = sortedSample(c.reference);
    const cur = sortedSample(c.current);
    expectOracle(wassersteinDistance(ref, cur), c.wasserstein, `${c.name} W1`);
    expectOracle(wassersteinNormed(ref, cur), c.wasserstein_normed, `${c.name} W1 / std`);
  });
});

describe('sortedSample and Wasserstein edge cases', () => {
  it('drops NaN and ±Infinity, collapses ties, and counts them', () => {
    const s = sortedSample(Float64Array.from([3, NaN, 1, 3, Infinity, -0, 0, -Infinity]));
    expect(s).toEqual({ values: [0, 1, 3], counts: [2, 1, 2], n: 5 });
    expect(Object.is(s.values[0], 0)).toBe(true);
    expect(unionDistinctCount(s, sortedSample([1, 2]))).toBe(4);
  });

  it('is the mean shift for a translated sample and NaN for an empty one', () => {
    const a = sortedSample([1, 2, 3, 4]);
    expect(wassersteinDistance(a, sortedSample([3, 4, 5, 6]))).toBeCloseTo(2, 14);
    expect(wassersteinDistance(a, sortedSample([]))).toBeNaN();
  });

  it('floors the reference spread at 0.001 for a constant reference', () => {
    const constant = sortedSample([5, 5, 5]);
    expect(populationStd(constant)).toBe(0);
    expect(wassersteinNormed(constant, sortedSample([5, 6]))).toBeCloseTo(0.5 / 0.001, 9);
  });
});
