import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import { sortedSample } from '../stats/sortedSample';
import { hellingerEdges, numericHellinger } from './numericHellinger';

function thrown(f: () => unknown): EngineError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    return e as EngineError;
  }
  throw new Error('expected an EngineError');
}

describe("numeric Hellinger on Evidently's bins", () => {
  it('uses Sturges over the distinct values of both windows (NumPy: 13 distinct values over 0.5…12 → 5 bins)', () => {
    // np.histogram_bin_edges(list(set(small_ref) | set(small_cur)), bins='sturges').tolist() (NumPy 1.24)
    const edges = hellingerEdges(sortedSample([1.2, 3.4, 3.4, 5.0, 7.7, 2.1, 9.9, 4.4, 4.4, 4.4, 6.1, 0.5]), sortedSample([2.2, 3.4, 8.8, 9.9, 12.0, 6.1, 6.1, 11.5]));
    expect(edges).toEqual([0.5, 2.8, 5.1, 7.3999999999999995, 9.7, 12.0]);
  });

  it('one value in both windows: one bin [v − 0.5, v + 0.5], distance 0', () => {
    const s = sortedSample([3, 3, 3]);
    expect(hellingerEdges(s, s)).toEqual([2.5, 3.5]);
    expect(numericHellinger(s, s).distance).toBe(0);
  });

  it('a single observation on each side: a documented 0 (same value) or 1 (different values), not NaN', () => {
    expect(numericHellinger(sortedSample([4]), sortedSample([4])).distance).toBe(0);
    expect(numericHellinger(sortedSample([4]), sortedSample([9])).distance).toBe(1);
  });

  it('an empty sample or a non-finite value in a (damaged) sample → invalid-argument', () => {
    const ok = sortedSample([1, 2, 3]);
    expect(thrown(() => numericHellinger(sortedSample([]), ok)).details).toMatchObject({ problem: 'empty', side: 'reference' });
    expect(thrown(() => numericHellinger(ok, sortedSample([NaN]))).details).toMatchObject({ problem: 'empty', side: 'current' });
    expect(thrown(() => numericHellinger(ok, { values: [1, NaN], counts: [1, 1], n: 2 })).details).toMatchObject({ problem: 'not-finite', side: 'current', index: 1 });
  });
});
