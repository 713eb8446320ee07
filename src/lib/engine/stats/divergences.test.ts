import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import {
  divergence,
  hellingerDistance,
  jensenShannonDistance,
  klDivergence,
  populationStabilityIndex,
  replaceZeroProportions,
  toProportions,
  type DivergenceId,
} from './divergences';
import { categoryCounts, driftOracle, DRIFT_ORACLE_SKIP, expectOracle, hasDriftOracle } from './driftOracle.testing';

const IDS: DivergenceId[] = ['psi', 'kl', 'jensenshannon', 'hellinger'];

function thrown(f: () => unknown): EngineError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    return e as EngineError;
  }
  throw new Error('expected an EngineError');
}

describe.skipIf(!hasDriftOracle)(`distances between category distributions against SciPy 1.10 / Evidently (${hasDriftOracle ? 'oracle present' : DRIFT_ORACLE_SKIP})`, () => {
  it.each(driftOracle.categorical.map((c) => [c.name, c] as const))('%s: proportions, JS (nats and bits), PSI, KL, Hellinger to 1e-6', (_, c) => {
    const counts = categoryCounts(c);
    const ref = toProportions(counts.reference);
    const cur = toProportions(counts.current);
    ref.forEach((p, i) => expectOracle(p, c.reference_proportions[i], `${c.name} reference share ${c.categories[i]}`));
    cur.forEach((p, i) => expectOracle(p, c.current_proportions[i], `${c.name} current share ${c.categories[i]}`));
    expectOracle(jensenShannonDistance(ref, cur), c.jensenshannon_distance_natural_log, `${c.name} JS (ln)`);
    expectOracle(jensenShannonDistance(ref, cur, 2), c.jensenshannon_distance_base2, `${c.name} JS (log2)`);
    expectOracle(populationStabilityIndex(ref, cur), c.psi, `${c.name} PSI`);
    expectOracle(klDivergence(ref, cur), c.kl_ref_cur, `${c.name} KL`);
    expectOracle(hellingerDistance(ref, cur), c.hellinger, `${c.name} Hellinger`);
  });
});

describe('zero replacement (Evidently feel_zeroes)', () => {
  it('uses 1e-4 when the smallest non-zero share is above 1e-4, else that share / 1e6', () => {
    expect(replaceZeroProportions([0.5, 0, 0.5])).toEqual([0.5, 1e-4, 0.5]);
    expect(replaceZeroProportions([0.99995, 0, 0.00005])).toEqual([0.99995, 0.00005 / 1e6, 0.00005]);
    expect(replaceZeroProportions([0, 0])).toEqual([0, 0]);
  });

  it('keeps every distance finite and zero for identical distributions', () => {
    const p = [0.2, 0.8, 0];
    for (const f of [populationStabilityIndex, klDivergence, hellingerDistance, jensenShannonDistance]) expect(f(p, p)).toBeCloseTo(0, 12);
    expect(Number.isFinite(populationStabilityIndex([1, 0], [0, 1]))).toBe(true);
    expect(Number.isFinite(klDivergence([1, 0], [0, 1]))).toBe(true);
    expect(jensenShannonDistance([1, 0], [0, 1], 2)).toBeCloseTo(1, 12);
    expect(hellingerDistance([1, 0], [0, 1])).toBe(1);
  });
});

describe('degenerate inputs are an EngineError, never NaN or a silent number', () => {
  it.each(IDS)('%s: vectors of different lengths → invalid-argument naming both lengths', (id) => {
    const e = thrown(() => divergence(id, [0.5, 0.5], [0.2, 0.3, 0.5]));
    expect(e.code).toBe('invalid-argument');
    expect(e.details).toEqual({ statistic: id, problem: 'length-mismatch', referenceLength: 2, currentLength: 3 });
  });

  it.each(IDS)('%s: NaN inside a distribution → invalid-argument naming the side and index', (id) => {
    const e = thrown(() => divergence(id, [0.5, 0.5], [0.5, NaN]));
    expect(e.code).toBe('invalid-argument');
    expect(e.details).toMatchObject({ statistic: id, problem: 'not-finite', side: 'current', index: 1, value: 'NaN' });
    expect(thrown(() => divergence(id, [Infinity, 0], [0.5, 0.5])).details).toMatchObject({ problem: 'not-finite', side: 'reference', index: 0 });
  });

  it.each(IDS)('%s: a negative share → invalid-argument', (id) => {
    expect(thrown(() => divergence(id, [1.5, -0.5], [0.5, 0.5])).details).toMatchObject({ problem: 'negative', side: 'reference', index: 1 });
  });

  it.each(IDS)('%s: empty arrays → invalid-argument (a sum over nothing is no distance)', (id) => {
    const e = thrown(() => divergence(id, [], []));
    expect(e.code).toBe('invalid-argument');
    expect(e.details).toMatchObject({ problem: 'empty' });
  });

  it.each(IDS)('%s: an all-zero distribution → invalid-argument naming the side', (id) => {
    expect(thrown(() => divergence(id, [0, 0], [0.5, 0.5])).details).toMatchObject({ problem: 'all-zero', side: 'reference' });
    expect(thrown(() => divergence(id, [0.5, 0.5], [0, 0])).details).toMatchObject({ problem: 'all-zero', side: 'current' });
  });

  it.each(IDS)('%s: a single category on both sides is one distribution: 0', (id) => {
    expect(divergence(id, [1], [1])).toBe(0);
  });

  it('PSI and Hellinger take shares as given, so they must sum to 1; KL and JS renormalise counts as SciPy does', () => {
    for (const id of ['psi', 'hellinger'] as const) {
      expect(thrown(() => divergence(id, [2, 3], [1, 4])).details).toMatchObject({ problem: 'not-normalised', side: 'reference', total: 5 });
    }
    expect(divergence('kl', [2, 3], [1, 4])).toBeCloseTo(divergence('kl', [0.4, 0.6], [0.2, 0.8]), 14);
    expect(divergence('jensenshannon', [2, 3], [1, 4])).toBeCloseTo(divergence('jensenshannon', [0.4, 0.6], [0.2, 0.8]), 14);
  });

  it('each named function checks as the dispatcher does (no unchecked way in)', () => {
    const named = { psi: populationStabilityIndex, kl: klDivergence, jensenshannon: jensenShannonDistance, hellinger: hellingerDistance };
    for (const id of IDS) {
      expect(thrown(() => named[id]([0.5, 0.5], [0.5, NaN])).details, id).toMatchObject({ statistic: id, problem: 'not-finite' });
      expect(thrown(() => named[id]([1], [0.5, 0.5])).details, id).toMatchObject({ statistic: id, problem: 'length-mismatch' });
    }
    expect(thrown(() => jensenShannonDistance([0.5, 0.5], [0.2, 0.8], 1)).details).toMatchObject({ problem: 'bad-base', value: '1' });
    expect(thrown(() => jensenShannonDistance([0.5, 0.5], [0.2, 0.8], -2)).message).toMatch(/^Jensen–Shannon distance: /);
  });

  it('gives finite values for disjoint supports', () => {
    for (const id of IDS) expect(Number.isFinite(divergence(id, [1, 0], [0, 1])), id).toBe(true);
    expect(divergence('hellinger', [1, 0], [0, 1])).toBe(1);
  });
});
