import { describe, expect, it } from 'vitest';
import { minimumSampleSize, sampleSizeFormula } from './sampleSize';

describe('minimumSampleSize', () => {
  it('the textbook case: 50 % vs 60 %, α 0.05 two-sided, power 0.8 → 388 per arm (Fleiss 387.3, no continuity correction)', () => {
    // By hand: z.975 = 1.959964, z.8 = 0.841621, p̄ = 0.55;
    // (1.959964·√(2·0.55·0.45) + 0.841621·√(0.25 + 0.24))² / 0.1² = (1.378956 + 0.589135)² / 0.01 = 387.34 → 388.
    expect(sampleSizeFormula(0.5, 0.6, 0.05, 0.8)).toBeCloseTo(387.33851669903584, 9);
    expect(minimumSampleSize({ baselineAccuracy: 0.5, mde: 0.1, direction: 'increase' })).toBe(388);
    // 50 % is the symmetric point: 40 % needs the same.
    expect(minimumSampleSize({ baselineAccuracy: 0.5, mde: 0.1 })).toBe(388);
  });

  it('near 100 % accuracy: 98 % → 97 % needs 3,826 per arm, 98 % → 99 % 2,319; "either" takes the larger', () => {
    // By hand: p̄ = 0.975, √(2·0.975·0.025) = 0.220794, √(0.0196 + 0.0291) = 0.220681;
    // (1.959964·0.220794 + 0.841621·0.220681)² / 0.01² = 0.618478² / 1e-4 = 3825.15 → 3826.
    // SciPy-computed formula values: 3825.149722102619 and 2318.1646755120346.
    expect(minimumSampleSize({ baselineAccuracy: 0.98, mde: 0.01, direction: 'decrease' })).toBe(3826);
    expect(minimumSampleSize({ baselineAccuracy: 0.98, mde: 0.01, direction: 'increase' })).toBe(2319);
    expect(minimumSampleSize({ baselineAccuracy: 0.98, mde: 0.01 })).toBe(3826);
  });

  it('stricter α and more power need more samples (α 0.01, power 0.9: 734.05 → 735)', () => {
    expect(minimumSampleSize({ baselineAccuracy: 0.5, mde: 0.1, alpha: 0.01, power: 0.9 })).toBe(735);
  });

  it('an alternative of exactly 100 % is allowed; one beyond [0, 1] is skipped by "either"', () => {
    expect(minimumSampleSize({ baselineAccuracy: 0.99, mde: 0.01, direction: 'increase' })).toBe(780); // 779.78
    expect(minimumSampleSize({ baselineAccuracy: 0.995, mde: 0.01 })).toBe(minimumSampleSize({ baselineAccuracy: 0.995, mde: 0.01, direction: 'decrease' }));
  });

  it.each([
    ['baseline 1', { baselineAccuracy: 1, mde: 0.01 }],
    ['mde 0', { baselineAccuracy: 0.9, mde: 0 }],
    ['alpha 0', { baselineAccuracy: 0.9, mde: 0.01, alpha: 0 }],
    ['power 1', { baselineAccuracy: 0.9, mde: 0.01, power: 1 }],
    ['an increase past 100 %', { baselineAccuracy: 0.995, mde: 0.01, direction: 'increase' as const }],
  ])('rejects %s with invalid-argument', (_, input) => {
    expect(() => minimumSampleSize(input)).toThrow(expect.objectContaining({ name: 'EngineError', code: 'invalid-argument' }));
  });
});
