import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PCA } from 'ml-pca';
import { describe, expect, it } from 'vitest';
import { SHARED_DIR } from '$lib/testing/sharedData';
import { EngineError } from '../errors';
import { matrix, type Matrix } from './matrix';
import { fitPca, loadPca, type Rows } from './pca';
import { seededRng } from './rng';

const ORACLE = resolve(SHARED_DIR, 'oracles', 'pca.json');
const hasOracle = existsSync(ORACLE);
const SKIP_REASON = `PCA oracle not found at ${ORACLE} (a fresh clone without ../shared): skipped`;
if (!hasOracle) console.warn(SKIP_REASON);

interface PcaOracle {
  X: number[][];
  explained_variance: number[];
  explained_variance_ratio: number[];
  components: number[][];
  mean: number[];
}

/** Float64, as the oracle's X: rounding it to float32 would move the near-zero means by ~1e-6 relative. */
function fromRows(rows: number[][]): Rows {
  return { rows: rows.length, cols: rows[0].length, data: Float64Array.from(rows.flat()) };
}

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = seededRng(seed);
  const data = new Float32Array(rows * cols);
  // Columns of different spread, so the components are well separated.
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[r * cols + c] = (rng() - 0.5) * (1 + c) + (c % 3 === 0 ? rng() : 0);
  return matrix(rows, cols, data);
}

function expectClose(actual: number[], expected: number[], rtol = 1e-6, atol = 1e-9) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]), `index ${i}: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(rtol * Math.abs(expected[i]) + atol));
}

/** Components are defined up to sign: flip ours to the oracle's before comparing. */
function expectSameAxis(actual: number[], expected: number[]) {
  const dot = actual.reduce((s, a, i) => s + a * expected[i], 0);
  expectClose(dot < 0 ? actual.map((a) => -a) : actual, expected);
}

describe.skipIf(!hasOracle)(`fitPca against scikit-learn (${hasOracle ? 'oracle present' : SKIP_REASON})`, () => {
  const oracle = hasOracle ? (JSON.parse(readFileSync(ORACLE, 'utf8')) as PcaOracle) : null;

  it('matches mean, explained variance, ratio and components (up to sign) to 1e-6', () => {
    const o = oracle!;
    const pca = fitPca(fromRows(o.X), 3);
    expectClose(pca.mean, o.mean);
    expectClose(pca.explainedVariance, o.explained_variance);
    expectClose(pca.explainedVarianceRatio, o.explained_variance_ratio);
    pca.components.forEach((c, j) => expectSameAxis(c, o.components[j]));
  });
});

describe('fitPca', () => {
  it.each([8, 9])('agrees with ml-pca SVD on the full data, %i columns (variances and axes up to sign)', (cols) => {
    const x = randomMatrix(500, cols, 1);
    const pca = fitPca(x, 4);
    const rows = Array.from({ length: x.rows }, (_, r) => Array.from(x.data.subarray(r * x.cols, (r + 1) * x.cols)));
    const svd = new PCA(rows, { method: 'SVD', center: true, scale: false });
    expectClose(pca.explainedVariance, svd.getEigenvalues().slice(0, 4), 1e-9);
    expectClose(pca.explainedVarianceRatio, svd.getExplainedVariance().slice(0, 4), 1e-9);
    const u = svd.getEigenvectors();
    pca.components.forEach((c, j) => expectSameAxis(c, u.getColumn(j)));
  });

  it('gives unit, orthogonal components with the largest-|value| entry positive', () => {
    const pca = fitPca(randomMatrix(300, 6, 2), 3);
    for (const [j, c] of pca.components.entries()) {
      const big = c.reduce((b, v, i) => (Math.abs(v) > Math.abs(c[b]) ? i : b), 0);
      expect(c[big]).toBeGreaterThan(0);
      for (const [i, other] of pca.components.entries()) {
        const dot = c.reduce((s, v, t) => s + v * other[t], 0);
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
    expect(pca.explainedVariance[0]).toBeGreaterThanOrEqual(pca.explainedVariance[1]);
  });

  it('projects to k columns whose variances are the explained variances', () => {
    const x = randomMatrix(400, 5, 3);
    const pca = fitPca(x, 2);
    const z = pca.transform(x);
    expect([z.rows, z.cols]).toEqual([400, 2]);
    for (let j = 0; j < 2; j++) {
      let s = 0;
      for (let r = 0; r < z.rows; r++) s += z.data[r * 2 + j] ** 2;
      expect(s / (z.rows - 1)).toBeCloseTo(pca.explainedVariance[j], 4);
    }
  });

  it('round-trips through JSON to an identical transform', () => {
    const x = randomMatrix(200, 7, 4);
    const pca = fitPca(x, 3);
    const saved = JSON.parse(JSON.stringify(pca)) as unknown;
    expect(saved).toMatchObject({ kind: 'pca', schemaVersion: 1 });
    const loaded = loadPca(saved);
    expect(loaded.transform(x).data).toEqual(pca.transform(x).data);
    expect(loaded.toJSON()).toEqual(pca.toJSON());
  });

  it('is reproducible: a refit gives the same saved model', () => {
    const x = randomMatrix(200, 7, 5);
    expect(fitPca(x, 3).toJSON()).toEqual(fitPca(x, 3).toJSON());
  });

  it.each([
    ['too many components', () => fitPca(randomMatrix(10, 3, 6), 4)],
    ['zero components', () => fitPca(randomMatrix(10, 3, 6), 0)],
    ['one row', () => fitPca(randomMatrix(1, 3, 6), 1)],
    ['wrong column count', () => fitPca(randomMatrix(10, 3, 6), 2).transform(randomMatrix(2, 4, 7))],
    ['another kind', () => loadPca({ ...fitPca(randomMatrix(10, 3, 6), 2).toJSON(), kind: 'logistic' })],
    ['another version', () => loadPca({ ...fitPca(randomMatrix(10, 3, 6), 2).toJSON(), schemaVersion: 2 })],
    ['damaged arrays', () => loadPca({ ...fitPca(randomMatrix(10, 3, 6), 2).toJSON(), explainedVariance: [1] })],
    ['not an object', () => loadPca(null)],
  ])('rejects %s with invalid-argument', (_, f) => {
    expect(f).toThrow(EngineError);
    try {
      f();
    } catch (e) {
      expect((e as EngineError).code).toBe('invalid-argument');
    }
  });

  it.each([
    ['NaN', NaN],
    ['Infinity', Infinity],
  ])('refuses %s in the data to fit, naming the first such cell (0-based row and column)', (label, bad) => {
    const x = randomMatrix(10, 3, 9);
    x.data[4 * 3 + 2] = bad;
    x.data[7 * 3 + 0] = bad;
    const e = (() => {
      try {
        fitPca(x, 2);
      } catch (err) {
        return err as EngineError;
      }
      throw new Error('expected an EngineError');
    })();
    expect(e).toBeInstanceOf(EngineError);
    expect(e.code).toBe('invalid-argument');
    expect(e.details).toEqual({ row: 4, column: 2, value: label });
  });

  it('refuses NaN in rows to project, naming the row and column', () => {
    const pca = fitPca(randomMatrix(20, 4, 10), 2);
    const x = randomMatrix(5, 4, 11);
    x.data[3 * 4 + 1] = NaN;
    expect(() => pca.transform(x)).toThrow(EngineError);
    try {
      pca.transform(x);
    } catch (err) {
      expect((err as EngineError).code).toBe('invalid-argument');
      expect((err as EngineError).details).toEqual({ row: 3, column: 1, value: 'NaN' });
    }
  });

  it('fits 43,000 × 130 (timing printed, not asserted)', () => {
    const x = randomMatrix(43_000, 130, 8);
    const t0 = performance.now();
    const pca = fitPca(x, 3);
    const t1 = performance.now();
    pca.transform(x);
    const t2 = performance.now();
    console.log(`PCA 43,000 × 130: fit ${(t1 - t0).toFixed(0)} ms, transform ${(t2 - t1).toFixed(0)} ms`);
    expect(pca.components).toHaveLength(3);
  });
});
