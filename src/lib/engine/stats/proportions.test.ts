import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DIR } from '$lib/testing/sharedData';
import { fisherExact, logFactorial, mcnemar, twoProportionZTest, wilsonInterval } from './proportions';

const ABTEST = resolve(SHARED_DIR, 'oracles', 'abtest.json');
const DRIFT = resolve(SHARED_DIR, 'oracles', 'drift.json');
const hasAbtest = existsSync(ABTEST);
const hasDrift = existsSync(DRIFT);
const skipReason = (path: string) => `oracle not found at ${path} (a fresh clone without ../shared): skipped`;
if (!hasAbtest) console.warn(skipReason(ABTEST));
if (!hasDrift) console.warn(skipReason(DRIFT));

type Table = [[number, number], [number, number]];
const TABLE_KEY = 'table_[[both_right,a_right_b_wrong],[a_wrong_b_right,both_wrong]]';
interface McNemarCase {
  [TABLE_KEY]: Table;
  mcnemar_exact_pvalue: number;
  mcnemar_chi2_corrected_statistic: number;
  mcnemar_chi2_corrected_pvalue: number;
}
interface FisherCase {
  successes: [number, number];
  trials: [number, number];
  fisher_exact_two_sided_pvalue: number;
}
interface ZCase {
  successes: [number, number];
  trials: [number, number];
  z: number;
  pvalue: number;
}

function expectRel(actual: number, expected: number, what: string, rtol: number) {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(rtol * Math.abs(expected));
}

/**
 * Oracle values are printed rounded to 10 decimal places, so a tiny p-value carries few significant
 * digits (3.305e-07 has four): accept 1e-6 relative or half a unit in the 10th decimal (5e-11),
 * whichever is larger. Every value above 5e-5 is therefore held to the full 1e-6.
 */
function expectOracle(actual: number, expected: number, what: string) {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(Math.max(1e-6 * Math.abs(expected), 5e-11));
}

describe.skipIf(!hasAbtest)(`McNemar and Fisher against statsmodels 0.13 / SciPy 1.10 (${hasAbtest ? 'oracle present' : skipReason(ABTEST)})`, () => {
  const oracle = hasAbtest ? (JSON.parse(readFileSync(ABTEST, 'utf8')) as { mcnemar: McNemarCase[]; fisher: FisherCase[] }) : { mcnemar: [], fisher: [] };

  it.each(oracle.mcnemar.map((c) => [JSON.stringify(c[TABLE_KEY]), c] as const))('mcnemar %s: exact p, corrected statistic and p to 1e-6', (_, c) => {
    const r = mcnemar(c[TABLE_KEY]);
    expectOracle(r.exactPvalue, c.mcnemar_exact_pvalue, 'exact p');
    expectOracle(r.chi2Statistic, c.mcnemar_chi2_corrected_statistic, 'corrected statistic');
    expectOracle(r.chi2Pvalue, c.mcnemar_chi2_corrected_pvalue, 'corrected p');
  });

  it.each(oracle.fisher.map((c) => [`${c.successes}/${c.trials}`, c] as const))('fisher %s: two-sided p to 1e-6', (_, c) => {
    expectOracle(fisherExact(c.successes, c.trials), c.fisher_exact_two_sided_pvalue, 'fisher p');
  });
});

describe.skipIf(!hasDrift)(`two-proportion z-test against statsmodels 0.13 (${hasDrift ? 'oracle present' : skipReason(DRIFT)})`, () => {
  const cases = hasDrift ? (JSON.parse(readFileSync(DRIFT, 'utf8')) as { two_proportion_ztest: ZCase[] }).two_proportion_ztest : [];

  it.each(cases.map((c) => [`${c.successes}/${c.trials}`, c] as const))('%s: z and p to 1e-6 (3.305e-07 to its printed 10 decimals)', (_, c) => {
    const r = twoProportionZTest(c.successes, c.trials);
    expectOracle(r.z, c.z, 'z');
    expectOracle(r.pvalue, c.pvalue, 'p');
  });
});

// Large-count references: SciPy 1.17 (fisher_exact, binom.cdf, chi2.sf), printed with repr.
describe('large counts stay exact (log-space probabilities)', () => {
  it('fisher on tens of thousands of trials', () => {
    expectRel(fisherExact([9800, 9700], [10000, 10000]), 6.872944358902496e-6, 'fisher 10k', 1e-9);
    expectRel(fisherExact([30000, 29000], [30200, 29320]), 1.9033129250681168e-8, 'fisher 30k', 1e-9);
  });

  it('mcnemar exact and corrected with 24,000 discordant pairs', () => {
    const r = mcnemar([
      [50000, 11800],
      [12200, 900],
    ]);
    expectRel(r.exactPvalue, 0.010007087372992338, 'exact', 1e-9);
    expectRel(r.chi2Statistic, 6.633375, 'statistic', 1e-12);
    expectRel(r.chi2Pvalue, 0.010008545439571187, 'corrected p', 1e-9);
    expectRel(
      mcnemar([
        [0, 1200],
        [1300, 0],
      ]).exactPvalue,
      0.047681865221043444,
      'exact 2500',
      1e-9,
    );
  });

  it('logFactorial is continuous across the table/Stirling switch', () => {
    for (const n of [254, 255, 256, 257]) expectRel(logFactorial(n + 1) - logFactorial(n), Math.log(n + 1), `ln(${n + 1})`, 1e-12);
    expect(logFactorial(0)).toBe(0);
    expectRel(logFactorial(10), Math.log(3628800), '10!', 1e-15);
  });
});

describe('edge cases', () => {
  it('z-test: sign follows p1 − p2; zero pooled variance gives z 0, p 1; an empty arm gives NaN', () => {
    expect(twoProportionZTest([10, 20], [100, 100]).z).toBeLessThan(0);
    expect(twoProportionZTest([100, 50], [100, 50])).toEqual({ z: 0, pvalue: 1 });
    expect(twoProportionZTest([0, 0], [30, 40])).toEqual({ z: 0, pvalue: 1 });
    const empty = twoProportionZTest([0, 5], [0, 10]);
    expect(empty.z).toBeNaN();
    expect(empty.pvalue).toBeNaN();
  });

  it('fisher: the most probable table and an empty arm give p 1; a symmetric table equals its mirror', () => {
    expect(fisherExact([5, 5], [10, 10])).toBeCloseTo(1, 12);
    expect(fisherExact([0, 3], [0, 10])).toBeCloseTo(1, 12);
    expect(fisherExact([3, 7], [10, 10])).toBeCloseTo(fisherExact([7, 3], [10, 10]), 14);
  });

  it('mcnemar: no discordant pairs → statistic 0, p 1; b = c is not clamped (statsmodels: 1 / (b + c))', () => {
    expect(
      mcnemar([
        [10, 0],
        [0, 5],
      ]),
    ).toEqual({ b: 0, c: 0, exactPvalue: 1, chi2Statistic: 0, chi2Pvalue: 1 });
    const tie = mcnemar([
      [10, 5],
      [5, 5],
    ]);
    expect(tie.chi2Statistic).toBeCloseTo(0.1, 15);
    expect(tie.exactPvalue).toBe(1);
  });

  it('wilson 95% interval (statsmodels method="wilson", reference computed with SciPy)', () => {
    const w = wilsonInterval(95, 100);
    expectRel(w.lower, 0.8882495307680808, 'lower', 1e-12);
    expectRel(w.upper, 0.9784563208456319, 'upper', 1e-12);
    expect(wilsonInterval(0, 20).lower).toBe(0);
    expectRel(wilsonInterval(0, 20).upper, 0.16112515805281938, 'upper 0/20', 1e-12);
    expect(wilsonInterval(20, 20).upper).toBe(1);
    expectRel(wilsonInterval(20, 20).lower, 0.8388748419471806, 'lower 20/20', 1e-12);
    expect(wilsonInterval(0, 0)).toEqual({ lower: 0, upper: 1 });
  });

  it.each([
    ['negative successes', () => twoProportionZTest([-1, 2], [5, 5])],
    ['successes above trials', () => twoProportionZTest([6, 2], [5, 5])],
    ['NaN trials', () => twoProportionZTest([1, 2], [NaN, 5])],
    ['fractional counts in Fisher', () => fisherExact([1.5, 2], [5, 5])],
    [
      'a negative McNemar cell',
      () =>
        mcnemar([
          [1, -2],
          [3, 4],
        ]),
    ],
    ['confidence 1', () => wilsonInterval(1, 2, 1)],
  ])('rejects %s with invalid-argument', (_, f) => {
    expect(f).toThrow(expect.objectContaining({ name: 'EngineError', code: 'invalid-argument' }));
  });
});
