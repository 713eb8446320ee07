import { describe, expect, it } from 'vitest';
import { MISSING_CODE, type CategoricalData, type ColumnData, type NumericData } from '../data/dataset';
import { seededRng } from '../ml/rng';
import { columnDrift } from './columnDrift';
import { summariseColumn } from './columnSummary';
import type { ColumnDriftResult, DriftOptions, DriftTestId } from './driftTypes';

const num = (values: ArrayLike<number>, name = 'x'): NumericData => ({ name, kind: 'numeric', values: Float64Array.from(values) });
const cat = (values: ArrayLike<number>, name = 'c'): CategoricalData => ({ name, kind: 'categorical', values: Uint8Array.from(values) });

function normal(n: number, seed: number, shift = 0): number[] {
  const rng = seededRng(seed);
  return Array.from({ length: n }, () => rng() + rng() + rng() + rng() - 2 + shift);
}

/** Codes drawn with the given weights. */
function categories(n: number, weights: number[], seed: number): number[] {
  const rng = seededRng(seed);
  const total = weights.reduce((a, b) => a + b, 0);
  return Array.from({ length: n }, () => {
    let u = rng() * total;
    let k = 0;
    while (u >= weights[k] && k < weights.length - 1) u -= weights[k++];
    return k;
  });
}

function drift(reference: ColumnData, current: ColumnData, options?: DriftOptions): ColumnDriftResult {
  let result: ColumnDriftResult | undefined;
  expect(() => (result = columnDrift(summariseColumn(reference), current, options))).not.toThrow();
  // Every result must survive the worker boundary and a JSON export.
  expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  return result!;
}

const codes = (r: ColumnDriftResult) => r.reasons.map((x) => x.code);

describe('columnDrift: Evidently default choice and verdicts', () => {
  it('small reference, numeric with many values: KS; a shifted window drifts', () => {
    const ref = num(normal(800, 1));
    expect(drift(ref, num(normal(600, 2))).test).toBe('ks');
    const shifted = drift(ref, num(normal(600, 3, 0.5)));
    expect(shifted).toMatchObject({ test: 'ks', testKind: 'test', threshold: 0.05, drifted: true });
    expect(shifted.score).toBeLessThan(0.05);
    expect(shifted.severity).toBeGreaterThan(1);
    expect(drift(ref, num(normal(600, 2))).drifted).toBe(false);
  });

  it('large reference, numeric: normed Wasserstein ≥ 0.1; categorical: Jensen–Shannon ≥ 0.1', () => {
    const ref = num(normal(5000, 4));
    const r = drift(ref, num(normal(1000, 5, 0.3)));
    expect(r).toMatchObject({ test: 'wasserstein', testKind: 'distance', threshold: 0.1, drifted: true });
    const c = drift(cat(categories(5000, [5, 3, 2], 6)), cat(categories(1000, [2, 3, 5], 7)));
    expect(c).toMatchObject({ test: 'jensenshannon', testKind: 'distance', drifted: true });
  });

  it('small reference, categorical: χ² with 3+ values, Z with 2; numeric with 3–5 values is categorical', () => {
    expect(drift(cat(categories(500, [1, 1, 1], 8)), cat(categories(300, [1, 1, 1], 9))).test).toBe('chisquare');
    const binary = drift(cat(categories(500, [1, 1], 10)), cat(categories(300, [1, 1], 11)));
    expect(binary).toMatchObject({ test: 'ztest', type: 'binary' });
    expect(drift(num(categories(500, [1, 1, 1, 1], 12)), num(categories(300, [1, 1, 1, 1], 13))).test).toBe('chisquare');
    expect(drift(num(categories(5000, [1, 1, 1, 1], 12)), num(categories(300, [1, 1, 1, 1], 13))).test).toBe('jensenshannon');
  });

  it('honours a global test and a per-feature override; thresholds by test and by feature', () => {
    const ref = num(normal(800, 1), 'cap-diameter');
    const cur = num(normal(600, 2), 'cap-diameter');
    expect(drift(ref, cur, { test: 'psi' }).test).toBe('psi');
    expect(drift(ref, cur, { test: 'psi', tests: { 'cap-diameter': 'hellinger' } }).test).toBe('hellinger');
    expect(drift(ref, cur, { thresholds: { ks: 0.9 } }).threshold).toBe(0.9);
    expect(drift(ref, cur, { thresholds: { ks: 0.9 }, featureThresholds: { 'cap-diameter': 0.01 } }).threshold).toBe(0.01);
  });
});

describe('columnDrift never throws: every edge case comes back with a reason', () => {
  const ref = num(normal(800, 1));

  it('empty current window: no score, reason empty-current', () => {
    const r = drift(ref, num([]));
    expect(r).toMatchObject({ score: null, drifted: false, severity: 0, missing: { current: null } });
    expect(codes(r)).toContain('empty-current');
  });

  it('all-missing current window: no score, missing share 1 flagged as shifted', () => {
    const r = drift(ref, num([NaN, NaN, NaN]));
    expect(r.score).toBeNull();
    expect(codes(r)).toContain('empty-current');
    expect(r.missing).toEqual({ reference: 0, current: 1, shifted: true });
    const c = drift(cat([0, 1, 2]), cat([MISSING_CODE, MISSING_CODE]));
    expect(codes(c)).toContain('empty-current');
  });

  it('empty or all-missing reference: no score, reason empty-reference', () => {
    expect(codes(drift(num([]), num([1, 2, 3])))).toContain('empty-reference');
    expect(codes(drift(num([NaN, Infinity]), num([1, 2, 3])))).toContain('empty-reference');
    expect(codes(drift(cat([MISSING_CODE]), cat([1, 2])))).toContain('empty-reference');
  });

  it('constant column, same value both sides: scored as no drift, reason constant', () => {
    const r = drift(num([7, 7, 7, 7]), num([7, 7]));
    expect(r).toMatchObject({ test: 'ztest', score: 1, drifted: false });
    expect(codes(r)).toContain('constant');
    for (const test of ['ks', 'wasserstein', 'jensenshannon', 'psi', 'kl', 'hellinger', 'chisquare', 'chisquare_contingency'] as DriftTestId[]) {
      const forced = drift(num([7, 7, 7, 7]), num([7, 7]), { test });
      expect(forced.drifted, test).toBe(false);
      expect(forced.score, test).not.toBeNull();
    }
  });

  it('constant reference, another constant current: drift, without dividing by zero', () => {
    const r = drift(num(Array(2000).fill(5)), num(Array(300).fill(6)));
    expect(r.drifted).toBe(true);
    const w = drift(num(Array(2000).fill(5)), num(Array(300).fill(6)), { test: 'wasserstein' });
    expect(w.score).toBeCloseTo(1 / 0.001, 6);
  });

  it('categories unseen in the reference: listed with their share; χ² goodness of fit falls back to the contingency test', () => {
    const reference = cat(categories(600, [1, 1, 1, 0], 20));
    const current = cat(categories(400, [1, 1, 1, 1], 21));
    const r = drift(reference, current);
    expect(r.requestedTest).toBeUndefined();
    expect(r.test).toBe('chisquare_contingency');
    expect(codes(r)).toEqual(expect.arrayContaining(['unseen-categories', 'test-undefined']));
    expect(r.unseen).toHaveLength(1);
    expect(r.unseen[0].key).toBe(3);
    expect(r.unseen[0].share).toBeCloseTo(current.values.filter((v) => v === 3).length / 400, 12);
    expect(r.drifted).toBe(true);
    // Distances stay defined (zero replacement) and also report the unseen category.
    const js = drift(reference, current, { test: 'jensenshannon' });
    expect(js.score).toBeGreaterThan(0);
    expect(codes(js)).toContain('unseen-categories');
  });

  it('a code beyond anything in the reference (e.g. a new schema code) is unseen, not a crash', () => {
    const r = drift(cat([0, 1, 0, 1, 2]), cat([0, 1, 200]));
    expect(r.unseen.map((u) => u.key)).toEqual([200]);
  });

  it('NaN and ±Infinity anywhere count as missing', () => {
    const r = drift(num([...normal(800, 1), NaN, Infinity]), num([...normal(600, 2), NaN, -Infinity, NaN]));
    expect(r.score).not.toBeNull();
    expect(r.compared).toEqual({ reference: 800, current: 600 });
    expect(r.missing.reference).toBeCloseTo(2 / 802, 12);
    expect(r.missing.current).toBeCloseTo(3 / 603, 12);
    expect(Number.isNaN(r.severity)).toBe(false);
  });

  it('a kind mismatch between reference and current: no score, reason kind-mismatch', () => {
    const r = drift(ref, cat([0, 1, 2]));
    expect(r.score).toBeNull();
    expect(codes(r)).toContain('kind-mismatch');
  });

  it('an override that does not apply, an unknown id or a bad threshold: default used, reason given', () => {
    const c = cat(categories(500, [1, 1, 1], 8));
    const notApplicable = drift(c, cat(categories(300, [1, 1, 1], 9)), { test: 'ks' });
    expect(notApplicable).toMatchObject({ test: 'chisquare', requestedTest: 'ks' });
    expect(codes(notApplicable)).toContain('test-not-applicable');
    const z = drift(c, cat(categories(300, [1, 1, 1], 9)), { test: 'ztest' });
    expect(codes(z)).toContain('test-not-applicable');
    const unknown = drift(c, c, { test: 'anderson' as DriftTestId });
    expect(unknown).toMatchObject({ test: 'chisquare', requestedTest: 'anderson' });
    expect(codes(unknown)).toContain('unknown-test');
    for (const bad of [NaN, 0, 1, -0.1, Infinity]) {
      const r = drift(c, c, { thresholds: { chisquare: bad } });
      expect(r.threshold).toBe(0.05);
      expect(codes(r)).toContain('invalid-threshold');
    }
  });

  it('tiny windows (one value each) still give a result', () => {
    expect(drift(num([1]), num([2])).score).not.toBeNull();
    expect(drift(cat([0]), cat([1])).score).not.toBeNull();
  });
});

describe('columnDrift mini distribution', () => {
  it('numeric: a small histogram of shares over the pooled range', () => {
    const r = drift(num(normal(800, 1)), num(normal(600, 2, 1)), { histogramBins: 8 });
    if (r.distribution.kind !== 'histogram') throw new Error('expected a histogram');
    expect(r.distribution.edges).toHaveLength(9);
    expect(r.distribution.reference.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(r.distribution.current.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('categorical: shares per code, the tail gathered as "other" (key −1) beyond 12 categories', () => {
    const weights = Array.from({ length: 15 }, (_, i) => 15 - i);
    const r = drift(cat(categories(3000, weights, 30)), cat(categories(500, weights, 31)));
    if (r.distribution.kind !== 'categories') throw new Error('expected categories');
    expect(r.distribution.keys).toHaveLength(12);
    expect(r.distribution.keys.at(-1)).toBe(-1);
    expect(r.distribution.reference.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});
