import { describe, expect, it } from 'vitest';
import { hellingerDistance, jensenShannonDistance, klDivergence, populationStabilityIndex, replaceZeroProportions, toProportions } from './divergences';
import { categoryCounts, driftOracle, DRIFT_ORACLE_SKIP, expectOracle, hasDriftOracle } from './driftOracle.testing';

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
