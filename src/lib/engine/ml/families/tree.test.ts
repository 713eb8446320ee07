import { describe, expect, it } from 'vitest';
import { matrix, type Matrix } from '../matrix';
import type { ModelKind } from '../model';
import { binColumns, growTree, treePath, treeValue, type FlatTree } from './cart';
import { createModel, loadModel } from './index';
import { accuracy, syntheticProblem, viaJson } from './testData';

const problem = syntheticProblem();

describe.each<{ kind: ModelKind; params: Record<string, unknown> }>([
  { kind: 'tree', params: {} },
  { kind: 'tree', params: { gainFunction: 'entropy', maxDepth: 6 } },
  { kind: 'forest', params: { nEstimators: 25 } },
  { kind: 'forest', params: { nEstimators: 10, maxFeatures: 'all', sampleFraction: 0.5 } },
])('$kind $params', ({ kind, params }) => {
  it('learns a learnable problem and round-trips through JSON exactly', async () => {
    const model = createModel(kind, params);
    const progress: number[] = [];
    await model.fit(problem.train.x, problem.train.y, { seed: 1, onProgress: (p) => progress.push(p.done / p.total) });
    const p = await model.predictProba(problem.test.x);
    expect(accuracy(p, problem.test.y)).toBeGreaterThanOrEqual(0.95);
    expect(progress.at(-1)).toBe(1);
    const loaded = await loadModel(viaJson(await model.toJSON()));
    expect(loaded.kind).toBe(kind);
    expect(loaded.params).toEqual(model.params);
    expect(Array.from(await loaded.predictProba(problem.test.x))).toEqual(Array.from(p));
  });

  it('repeats exactly with the same seed', async () => {
    const run = async (seed: number) => {
      const m = createModel(kind, params);
      await m.fit(problem.train.x, problem.train.y, { seed });
      return JSON.stringify(await m.toJSON());
    };
    expect(await run(4)).toBe(await run(4));
  });

  it('stops on an aborted signal with a typed error', async () => {
    const model = createModel(kind, params);
    await expect(model.fit(problem.train.x, problem.train.y, { seed: 1, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'cancelled' });
    await expect(model.predictProba(problem.test.x)).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});

describe('forest', () => {
  it('stops between trees when cancelled mid-way', async () => {
    const ctrl = new AbortController();
    const model = createModel('forest', { nEstimators: 50 });
    const done: number[] = [];
    const run = model.fit(problem.train.x, problem.train.y, { seed: 1, signal: ctrl.signal, onProgress: (p) => (done.push(p.done), p.done === 3 && ctrl.abort()) });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(done.at(-1)).toBe(3);
  });

  it('averages leaf shares into graded probabilities', async () => {
    const model = createModel('forest', { nEstimators: 20, maxDepth: 2 });
    await model.fit(problem.train.x, problem.train.y, { seed: 2 });
    const p = await model.predictProba(problem.test.x);
    expect(new Set(p).size).toBeGreaterThan(2);
    expect(p.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('refuses a malformed saved forest', async () => {
    const model = createModel('forest', { nEstimators: 2 });
    await model.fit(problem.train.x, problem.train.y, { seed: 2 });
    const saved = viaJson(await model.toJSON()) as { state: { trees: { left: number[] }[] } } & Parameters<typeof loadModel>[0];
    saved.state.trees[0].left[0] = 0; // a cycle
    await expect(loadModel(saved)).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});

describe('cart', () => {
  const grow = (x: Matrix, y: Uint8Array) =>
    growTree(binColumns(x), y, new Float64Array(x.rows).fill(1), { maxDepth: 10, minSamplesSplit: 2, gainFunction: 'gini', featuresPerNode: x.cols });
  const errors = (x: Matrix, y: Uint8Array, tree: FlatTree) => y.filter((v, r) => (treeValue(tree, x, r) >= 0.5 ? 1 : 0) !== v).length;

  it('splits numbers exactly between values when a column has few distinct values', () => {
    const data = Float32Array.from({ length: 2000 }, (_, i) => (i % 200) / 20);
    const y = Uint8Array.from(data, (v) => (v >= 3.5 ? 1 : 0));
    const x = matrix(data.length, 1, data);
    expect(errors(x, y, grow(x, y))).toBe(0);
  });

  it('splits numbers at quantile cuts when a column has many distinct values', () => {
    const data = Float32Array.from({ length: 20000 }, (_, i) => (i % 10000) / 1000);
    const y = Uint8Array.from(data, (v) => (v >= 3.5 ? 1 : 0));
    const x = matrix(data.length, 1, data);
    // 255 cuts over 10,000 distinct values: the boundary lands within one cut of 3.5.
    expect(errors(x, y, grow(x, y))).toBeLessThanOrEqual(data.length / 255);
  });

  it('sends missing values (NaN) to the right in training and prediction alike', () => {
    const x = matrix(6, 1, Float32Array.from([0, 0, 1, 1, NaN, NaN]));
    const y = Uint8Array.from([0, 0, 0, 0, 1, 1]);
    const tree = grow(x, y);
    expect(Array.from({ length: 6 }, (_, r) => treeValue(tree, x, r))).toEqual([0, 0, 0, 0, 1, 1]);
    // The missing-value cut survives JSON (Infinity would become null).
    expect(JSON.parse(JSON.stringify(tree))).toEqual(tree);
  });
});

describe('treePath', () => {
  // x0 < 0.5 → leaf 0.1; else x1 < 2 → leaf 0.7, else leaf 1.
  const tree: FlatTree = { feature: [0, -1, 1, -1, -1], threshold: [0.5, 0, 2, 0, 0], left: [1, -1, 3, -1, -1], right: [2, -1, 4, -1, -1], value: [0, 0.1, 0, 0.7, 1] };
  it('lists the tests a row passes down to its leaf, and agrees with the prediction', () => {
    const x = matrix(2, 2, Float32Array.of(1, 1.5, 0, 9));
    expect(treePath(tree, x, 0)).toEqual({
      steps: [
        { column: 0, threshold: 0.5, below: false },
        { column: 1, threshold: 2, below: true },
      ],
      value: 0.7,
    });
    expect(treePath(tree, x, 1)).toEqual({ steps: [{ column: 0, threshold: 0.5, below: true }], value: 0.1 });
    for (const r of [0, 1]) expect(treePath(tree, x, r).value).toBe(treeValue(tree, x, r));
  });

  it('is offered by the tree family (a forest explains by occlusion instead)', async () => {
    const model = createModel('tree', {});
    await model.fit(problem.train.x, problem.train.y, { seed: 1 });
    const p = await model.predictProba(problem.test.x);
    expect(model.decisionPath!(problem.test.x, 3).value).toBeCloseTo(p[3], 6);
    expect(createModel('forest', {}).decisionPath).toBeUndefined();
  });
});
