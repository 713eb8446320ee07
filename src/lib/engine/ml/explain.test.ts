import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset';
import type { WorkspaceSchema } from '../data/schema';
import { datasetFromInput, explainOne, featureImportance } from './explain';
import type { Matrix } from './matrix';
import type { Model } from './model';
import { Preprocessor } from './preprocess';

const schema: WorkspaceSchema = {
  id: 'custom-explain',
  name: 'Explain test',
  schemaVersion: 1,
  classColumn: 'class',
  features: [
    {
      name: 'odor',
      label: 'Odour',
      kind: 'categorical',
      codes: [
        { code: 'f', label: 'foul' },
        { code: 'n', label: 'none' },
        { code: 's', label: 'spicy' },
      ],
    },
    { name: 'width', label: 'Width', kind: 'numeric', unit: 'mm' },
  ],
};

/** Training data: width 1, 2, 3 → mean 2, population std √(2/3). */
const train: Dataset = {
  rows: 3,
  label: Uint8Array.of(1, 0, 0),
  columns: [
    { name: 'odor', kind: 'categorical', values: Uint8Array.of(0, 1, 1) },
    { name: 'width', kind: 'numeric', values: Float64Array.of(1, 2, 3) },
  ],
};

/** A stand-in model, linear in the encoded columns [odor=f, odor=n, width], so each push is known exactly. */
const linear: Model = {
  kind: 'logistic',
  params: {},
  fit: async () => {},
  predictProba: async (x: Matrix) => Float32Array.from({ length: x.rows }, (_, r) => 0.5 + 0.3 * x.data[r * 3] - 0.1 * x.data[r * 3 + 1] + 0.05 * x.data[r * 3 + 2]),
  toJSON: async () => ({ kind: 'logistic', schemaVersion: 1, params: {}, state: null }),
  dispose: () => {},
};

describe('explainOne', () => {
  const pre = Preprocessor.fit(schema, train);

  it('gives each answered feature its push on P(poisonous), largest first, in words', async () => {
    const z = (3 - 2) / Math.sqrt(2 / 3);
    const out = await explainOne(schema, pre, linear, { odor: 'f', width: 3 });
    expect(out.pPoisonous).toBeCloseTo(0.5 + 0.3 + 0.05 * z, 6);
    expect(out.contributions.map((c) => [c.label, c.value])).toEqual([
      ['Odour', 'foul'],
      ['Width', '3 mm'],
    ]);
    expect(out.contributions[0].contribution).toBeCloseTo(0.3, 6);
    expect(out.contributions[1].contribution).toBeCloseTo(0.05 * z, 6);
  });

  it('leaves out features not given, and refuses codes and numbers that are not valid', async () => {
    const out = await explainOne(schema, pre, linear, { odor: 'none', width: null });
    expect(out.contributions.map((c) => c.feature)).toEqual(['odor']);
    expect(out.contributions[0].contribution).toBeCloseTo(-0.1, 6);
    // Spicy never occurs in training: flagged as unknown; an empty field is just not given.
    expect((await explainOne(schema, pre, linear, { odor: 's' })).unknown).toEqual(['odor']);
    expect((await explainOne(schema, pre, linear, { odor: null, width: 2 })).unknown).toEqual([]);
    expect(() => datasetFromInput(schema, { odor: 'x' })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => datasetFromInput(schema, { width: 'wide' })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});

describe('explainOne with a tree', () => {
  it("adds the tree's own decision path, in words; other families have none", async () => {
    const pre = Preprocessor.fit(schema, train);
    const tree: Model = { ...linear, kind: 'tree', decisionPath: () => ({ steps: [{ column: 0, threshold: 0.5, below: false }], value: 0.8 }) };
    expect((await explainOne(schema, pre, tree, { odor: 'f' })).path).toEqual({ steps: ['Odour is foul'], leafPoisonous: 0.8 });
    expect((await explainOne(schema, pre, linear, { odor: 'f' })).path).toBeUndefined();
  });

  it('never states a fact the user did not give: a test on a field not given says so and how it was taken', async () => {
    const pre = Preprocessor.fit(schema, train);
    const tree: Model = {
      ...linear,
      kind: 'tree',
      decisionPath: () => ({
        steps: [
          { column: 0, threshold: 0.5, below: true },
          { column: 2, threshold: 0, below: false },
        ],
        value: 0.2,
      }),
    };
    const { path } = await explainOne(schema, pre, tree, { odor: null, width: 3 });
    expect(path!.steps[0]).toBe('Odour not given (taken as none of its values): the tree went the way of “Odour is not foul”');
    expect(path!.steps[1]).toBe('Width ≥ 2 mm');
    const noWidth = await explainOne(schema, pre, tree, { odor: 'n', width: null });
    expect(noWidth.path!.steps).toEqual(['Odour is not foul', 'Width not given (taken as the training median, 2 mm): the tree went the way of “Width ≥ 2 mm”']);
  });
});

describe('featureImportance', () => {
  const pre = Preprocessor.fit(schema, train);

  it("averages each feature's occlusion push over the rows, largest first", async () => {
    const x = pre.transform(train).x; // rows: odor f / n / n; width z = −1.22, 0, +1.22
    const out = await featureImportance(schema, pre, linear, x);
    const z = 1 / Math.sqrt(2 / 3);
    // odor: |0.3| on the foul row, |−0.1| on each none row → 0.5/3; width: 0.05·|z| on two rows → 0.1·z/3.
    expect(out.map((f) => f.feature)).toEqual(['odor', 'width']);
    expect(out[0].score).toBeCloseTo(0.5 / 3, 6);
    expect(out[1].score).toBeCloseTo((0.1 * z) / 3, 6);
    expect((await featureImportance(schema, pre, linear, x, 1))[0].score).toBeCloseTo(0.3, 6); // only the first row
  });
});
