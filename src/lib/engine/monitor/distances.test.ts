import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import { sortedSample } from '../stats/sortedSample';
import { checkedDistance, hellingerEdges, numericHellinger, type DistanceId } from './distances';

const IDS: DistanceId[] = ['psi', 'kl', 'jensenshannon', 'hellinger'];

function thrown(f: () => unknown): EngineError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    return e as EngineError;
  }
  throw new Error('expected an EngineError');
}

describe('checked distances: degenerate inputs are an EngineError, never NaN or a silent number', () => {
  it.each(IDS)('%s: vectors of different lengths → invalid-argument naming both lengths', (id) => {
    const e = thrown(() => checkedDistance(id, [0.5, 0.5], [0.2, 0.3, 0.5]));
    expect(e.code).toBe('invalid-argument');
    expect(e.details).toEqual({ statistic: id, problem: 'length-mismatch', referenceLength: 2, currentLength: 3 });
  });

  it.each(IDS)('%s: NaN inside a distribution → invalid-argument naming the side and index', (id) => {
    const e = thrown(() => checkedDistance(id, [0.5, 0.5], [0.5, NaN]));
    expect(e.code).toBe('invalid-argument');
    expect(e.details).toMatchObject({ statistic: id, problem: 'not-finite', side: 'current', index: 1, value: 'NaN' });
    expect(thrown(() => checkedDistance(id, [Infinity, 0], [0.5, 0.5])).details).toMatchObject({ problem: 'not-finite', side: 'reference', index: 0 });
  });

  it.each(IDS)('%s: a negative share → invalid-argument', (id) => {
    expect(thrown(() => checkedDistance(id, [1.5, -0.5], [0.5, 0.5])).details).toMatchObject({ problem: 'negative', side: 'reference', index: 1 });
  });

  it.each(IDS)('%s: empty arrays → invalid-argument (a sum over nothing is no distance)', (id) => {
    const e = thrown(() => checkedDistance(id, [], []));
    expect(e.code).toBe('invalid-argument');
    expect(e.details).toMatchObject({ problem: 'empty' });
  });

  it.each(IDS)('%s: an all-zero distribution → invalid-argument naming the side', (id) => {
    expect(thrown(() => checkedDistance(id, [0, 0], [0.5, 0.5])).details).toMatchObject({ problem: 'all-zero', side: 'reference' });
    expect(thrown(() => checkedDistance(id, [0.5, 0.5], [0, 0])).details).toMatchObject({ problem: 'all-zero', side: 'current' });
  });

  it.each(IDS)('%s: a single category on both sides is one distribution: 0', (id) => {
    expect(checkedDistance(id, [1], [1])).toBe(0);
  });

  it('PSI and Hellinger take shares as given, so they must sum to 1; KL and JS renormalise counts as SciPy does', () => {
    for (const id of ['psi', 'hellinger'] as const) {
      expect(thrown(() => checkedDistance(id, [2, 3], [1, 4])).details).toMatchObject({ problem: 'not-normalised', side: 'reference', total: 5 });
    }
    expect(checkedDistance('kl', [2, 3], [1, 4])).toBeCloseTo(checkedDistance('kl', [0.4, 0.6], [0.2, 0.8]), 14);
    expect(checkedDistance('jensenshannon', [2, 3], [1, 4])).toBeCloseTo(checkedDistance('jensenshannon', [0.4, 0.6], [0.2, 0.8]), 14);
  });

  it('gives finite values for disjoint supports', () => {
    for (const id of IDS) expect(Number.isFinite(checkedDistance(id, [1, 0], [0, 1])), id).toBe(true);
    expect(checkedDistance('hellinger', [1, 0], [0, 1])).toBe(1);
  });
});

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
