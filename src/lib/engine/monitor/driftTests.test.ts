import { describe, expect, it } from 'vitest';
import type { CategoricalData, NumericData } from '../data/dataset';
import { driftOracle, DRIFT_ORACLE_SKIP, expectOracle, hasDriftOracle, type CategoricalOracleCase } from '../stats/driftOracle.testing';
import { summariseColumn } from './columnSummary';
import { EngineError } from '../errors';
import { appliesTo, DRIFT_TESTS, isDriftTestId } from './driftTests';
import { DRIFT_TEST_IDS } from './driftTypes';

const numericColumn = (values: number[]): NumericData => ({ name: 'x', kind: 'numeric', values: Float64Array.from(values) });

function categoricalColumns(c: CategoricalOracleCase): [CategoricalData, CategoricalData] {
  const code = (xs: string[]) => Uint8Array.from(xs, (x) => c.categories.indexOf(x));
  return [
    { name: 'x', kind: 'categorical', values: code(c.reference) },
    { name: 'x', kind: 'categorical', values: code(c.current) },
  ];
}

describe.skipIf(!hasDriftOracle)(`registry statistics from column summaries match the oracle (${hasDriftOracle ? 'oracle present' : DRIFT_ORACLE_SKIP})`, () => {
  it.each(driftOracle.numeric.map((c) => [c.name, c] as const))('numeric %s: ks, wasserstein', (_, c) => {
    const ref = summariseColumn(numericColumn(c.reference));
    const cur = summariseColumn(numericColumn(c.current));
    const ks = DRIFT_TESTS.ks.compute(ref, cur)!;
    expectOracle(ks.score, c.ks_pvalue, `${c.name} KS p`);
    expectOracle(ks.statistic!, c.ks_statistic, `${c.name} KS D`);
    const w = DRIFT_TESTS.wasserstein.compute(ref, cur)!;
    expectOracle(w.score, c.wasserstein_normed, `${c.name} W1 normed`);
    expectOracle(w.statistic!, c.wasserstein, `${c.name} W1`);
  });

  it.each(driftOracle.categorical.map((c) => [c.name, c] as const))('categorical %s: chisquare, contingency, jensenshannon, psi, kl, hellinger', (_, c) => {
    const [r, k] = categoricalColumns(c);
    const ref = summariseColumn(r);
    const cur = summariseColumn(k);
    const gof = DRIFT_TESTS.chisquare.compute(ref, cur);
    if (c.chisquare_goodness_of_fit_pvalue === null) expect(gof).toBeNull();
    else expectOracle(gof!.score, c.chisquare_goodness_of_fit_pvalue, `${c.name} GOF p`);
    expectOracle(DRIFT_TESTS.chisquare_contingency.compute(ref, cur)!.score, c.chi2_contingency_pvalue, `${c.name} contingency p`);
    expectOracle(DRIFT_TESTS.jensenshannon.compute(ref, cur)!.score, c.jensenshannon_distance_natural_log, `${c.name} JS`);
    expectOracle(DRIFT_TESTS.psi.compute(ref, cur)!.score, c.psi, `${c.name} PSI`);
    expectOracle(DRIFT_TESTS.kl.compute(ref, cur)!.score, c.kl_ref_cur, `${c.name} KL`);
    expectOracle(DRIFT_TESTS.hellinger.compute(ref, cur)!.score, c.hellinger, `${c.name} Hellinger`);
  });

  it.each(driftOracle.two_proportion_ztest.map((c) => [`${c.successes} of ${c.trials}`, c] as const))(
    'ztest on binary columns with %s matches the pooled two-proportion z-test',
    (_, c) => {
      // A binary categorical column per window: code 0 `successes` times, code 1 for the rest.
      const column = (x: number, n: number): CategoricalData => ({ name: 'x', kind: 'categorical', values: Uint8Array.from({ length: n }, (_, i) => (i < x ? 0 : 1)) });
      const z = DRIFT_TESTS.ztest.compute(summariseColumn(column(c.successes[0], c.trials[0])), summariseColumn(column(c.successes[1], c.trials[1])))!;
      expectOracle(z.statistic!, c.z, 'z');
      expectOracle(z.score, c.pvalue, 'p-value');
    },
  );
});

describe('drift test registry', () => {
  it('has every id with a descriptor, kind and default threshold (p < 0.05 for tests, 0.1 for distances)', () => {
    for (const id of DRIFT_TEST_IDS) {
      const t = DRIFT_TESTS[id];
      expect(t.id).toBe(id);
      expect(isDriftTestId(id)).toBe(true);
      expect(t.defaultThreshold).toBe(t.kind === 'test' ? 0.05 : 0.1);
    }
    expect(DRIFT_TEST_IDS.filter((id) => DRIFT_TESTS[id].kind === 'test')).toEqual(['ks', 'chisquare', 'chisquare_contingency', 'ztest']);
    expect(isDriftTestId('toString')).toBe(false);
  });

  it('applies KS and Wasserstein to numeric columns only, Z to binary ones only', () => {
    expect(appliesTo(DRIFT_TESTS.ks, 'categorical', 'categorical')).toBe(false);
    expect(appliesTo(DRIFT_TESTS.ks, 'numeric', 'binary')).toBe(true);
    expect(appliesTo(DRIFT_TESTS.wasserstein, 'categorical', 'binary')).toBe(false);
    expect(appliesTo(DRIFT_TESTS.ztest, 'categorical', 'categorical')).toBe(false);
    expect(appliesTo(DRIFT_TESTS.ztest, 'categorical', 'binary')).toBe(true);
    expect(appliesTo(DRIFT_TESTS.jensenshannon, 'numeric', 'numeric')).toBe(true);
  });

  it('bins a numeric column with > 20 distinct reference values (Sturges) for the category-based distances', () => {
    const ref = summariseColumn(numericColumn(Array.from({ length: 200 }, (_, i) => i / 10)));
    const same = DRIFT_TESTS.psi.compute(ref, ref)!;
    expect(same.score).toBeCloseTo(0, 12);
    const shifted = summariseColumn(numericColumn(Array.from({ length: 200 }, (_, i) => 5 + i / 10)));
    expect(DRIFT_TESTS.jensenshannon.compute(ref, shifted)!.score).toBeGreaterThan(0.1);
  });
});

/*
 * Evidently's Hellinger on a numeric column, reproduced in Python 3 (numpy 1.24, pandas) from its
 * legacy stattests/hellinger_distance.py; values printed with repr():
 *
 *   import numpy as np, pandas as pd
 *   from math import sqrt
 *   def evidently_numeric_hellinger(ref, cur):
 *       r = pd.Series(ref, dtype=float).dropna(); c = pd.Series(cur, dtype=float).dropna()
 *       keys = list(set(r.unique()) | set(c.unique()))        # distinct values of both windows
 *       edges = np.histogram_bin_edges(keys, bins="sturges")   # Sturges on the distinct values
 *       h1 = np.histogram(r.to_numpy(), bins=edges, density=True)[0]
 *       h2 = np.histogram(c.to_numpy(), bins=edges, density=True)[0]
 *       w = (max(edges) - min(edges)) / (len(edges) - 1)
 *       s = 0.0
 *       for a, b in zip(h1, h2): s += sqrt(float(a) * float(b)) * w
 *       return sqrt(1 - np.clip(s, 0, 1)), len(edges) - 1
 *
 *   small_ref = [1.2, 3.4, 3.4, 5.0, 7.7, 2.1, 9.9, 4.4, 4.4, 4.4, 6.1, 0.5]
 *   small_cur = [2.2, 3.4, 8.8, 9.9, 12.0, 6.1, 6.1, 11.5]
 *   big_ref = [(i * i % 61) / 4 for i in range(150)]   # 31 distinct values
 *   big_cur = [(i * 7 % 53) / 5 for i in range(80)]
 *   evidently_numeric_hellinger(small_ref, small_cur)  # (0.3873589672298218, 5)
 *   evidently_numeric_hellinger(big_ref, big_cur)      # (0.4235622347356744, 8)
 *   evidently_numeric_hellinger([7] * 4, [7] * 2)      # (0.0, 1)
 *   evidently_numeric_hellinger([5] * 5, [6] * 3)      # (1.0, 2)
 *
 * The PSI bins (Sturges over the pooled sample, only above 20 distinct reference values, each
 * distinct value its own category otherwise) gave 0.7805528763570225 and 0.4077717144165919.
 */
describe('Hellinger on a numeric column bins as Evidently does', () => {
  const hellinger = (ref: number[], cur: number[]) => DRIFT_TESTS.hellinger.compute(summariseColumn(numericColumn(ref)), summariseColumn(numericColumn(cur)))!.score;
  const close = (actual: number, expected: number) => expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(1e-12 * Math.abs(expected) + 1e-15);

  it('bins a column with few distinct values too (Sturges over the 13 distinct values: 5 bins)', () => {
    close(hellinger([1.2, 3.4, 3.4, 5.0, 7.7, 2.1, 9.9, 4.4, 4.4, 4.4, 6.1, 0.5], [2.2, 3.4, 8.8, 9.9, 12.0, 6.1, 6.1, 11.5]), 0.3873589672298218);
  });

  it('counts distinct values, not rows, for the number of Sturges bins (78 distinct values: 8 bins)', () => {
    const ref = Array.from({ length: 150 }, (_, i) => ((i * i) % 61) / 4);
    const cur = Array.from({ length: 80 }, (_, i) => ((i * 7) % 53) / 5);
    close(hellinger(ref, cur), 0.4235622347356744);
  });

  it('scores one shared value 0 and two different constants 1', () => {
    expect(hellinger([7, 7, 7, 7], [7, 7])).toBe(0);
    expect(hellinger([5, 5, 5, 5, 5], [6, 6, 6])).toBe(1);
  });

  it('keeps the PSI bins for PSI, KL and Jensen–Shannon', () => {
    const ref = summariseColumn(numericColumn([1.2, 3.4, 3.4, 5.0, 7.7, 2.1, 9.9, 4.4, 4.4, 4.4, 6.1, 0.5]));
    const cur = summariseColumn(numericColumn([2.2, 3.4, 8.8, 9.9, 12.0, 6.1, 6.1, 11.5]));
    // Each distinct value its own category: ref and cur share only 3.4, 6.1 and 9.9.
    expect(DRIFT_TESTS.jensenshannon.compute(ref, cur)!.score).toBeGreaterThan(0.5);
  });
});

describe('category-based distances refuse a damaged summary instead of returning NaN', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(EngineError);
      return { code: (e as EngineError).code, details: (e as EngineError).details };
    }
    throw new Error('expected an EngineError');
  };

  it.each(['psi', 'kl', 'jensenshannon', 'hellinger'] as const)('%s: NaN count in a categorical reference → invalid-argument naming the position', (id) => {
    const ref = { name: 'x', kind: 'categorical' as const, rows: 3, missing: 0, n: 3, counts: [1, NaN, 2] };
    const cur = { name: 'x', kind: 'categorical' as const, rows: 3, missing: 0, n: 3, counts: [1, 1, 1] };
    expect(code(() => DRIFT_TESTS[id].compute(ref, cur))).toMatchObject({
      code: 'invalid-argument',
      details: { statistic: id, problem: 'not-finite', side: 'reference', index: 1 },
    });
  });

  it("Hellinger: NaN among a numeric summary's values → invalid-argument", () => {
    const good = summariseColumn(numericColumn([1, 2, 3]));
    const bad = { ...good, sample: { values: [1, NaN, 3], counts: [1, 1, 1], n: 3 } };
    expect(code(() => DRIFT_TESTS.hellinger.compute(bad, good))).toMatchObject({ code: 'invalid-argument', details: { problem: 'not-finite', side: 'reference', index: 1 } });
  });

  it('summaries of different kinds reaching a distance are a caller bug: internal', () => {
    const n = summariseColumn(numericColumn([1, 2, 3]));
    const c = summariseColumn({ name: 'x', kind: 'categorical', values: Uint8Array.from([0, 1]) });
    expect(code(() => DRIFT_TESTS.psi.compute(n, c)).code).toBe('internal');
  });
});
