import { describe, expect, it } from 'vitest';
import type { CategoricalData, NumericData } from '../data/dataset';
import { driftOracle, DRIFT_ORACLE_SKIP, expectOracle, hasDriftOracle, type CategoricalOracleCase } from '../stats/driftOracle.testing';
import { summariseColumn } from './columnSummary';
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
