import { describe, expect, it } from 'vitest';
import { chiSquareContingency, chiSquareGoodnessOfFit } from './chiSquare';
import { categoryCounts, driftOracle, DRIFT_ORACLE_SKIP, expectOracle, hasDriftOracle } from './driftOracle.testing';

describe.skipIf(!hasDriftOracle)(`χ² tests against SciPy 1.10 (${hasDriftOracle ? 'oracle present' : DRIFT_ORACLE_SKIP})`, () => {
  it.each(driftOracle.categorical.map((c) => [c.name, c] as const))('%s: goodness of fit and 2×k contingency to 1e-6', (_, c) => {
    const { reference, current } = categoryCounts(c);
    const gof = chiSquareGoodnessOfFit(current, reference);
    if (c.chisquare_goodness_of_fit_statistic === null) {
      // A category unseen in the reference: expected count 0, the test is undefined.
      expect(gof).toBeNull();
    } else {
      expect(gof).not.toBeNull();
      expectOracle(gof!.statistic, c.chisquare_goodness_of_fit_statistic, `${c.name} GOF statistic`);
      expectOracle(gof!.pvalue, c.chisquare_goodness_of_fit_pvalue!, `${c.name} GOF p-value`);
    }
    const table = chiSquareContingency(reference, current)!;
    expectOracle(table.statistic, c.chi2_contingency_statistic, `${c.name} contingency statistic`);
    expectOracle(table.pvalue, c.chi2_contingency_pvalue, `${c.name} contingency p-value`);
    expect(table.dof).toBe(c.chi2_contingency_dof);
  });
});

describe('χ² edge cases', () => {
  it('leaves out categories empty in both windows (they would add degrees of freedom)', () => {
    expect(chiSquareContingency([10, 0, 20], [5, 0, 10])).toEqual(chiSquareContingency([10, 20], [5, 10]));
    expect(chiSquareGoodnessOfFit([5, 0, 10], [10, 0, 20])).toEqual(chiSquareGoodnessOfFit([5, 10], [10, 20]));
  });

  it('gives p = 1 with a single category, null with an empty side', () => {
    expect(chiSquareContingency([7], [3])).toEqual({ statistic: 0, pvalue: 1, dof: 0 });
    expect(chiSquareGoodnessOfFit([3], [7])?.pvalue).toBe(1);
    expect(chiSquareContingency([0, 0], [1, 2])).toBeNull();
    expect(chiSquareGoodnessOfFit([0, 0], [1, 2])).toBeNull();
  });
});
