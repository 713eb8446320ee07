import { describe, expect, it } from 'vitest';
import { MISSING_CODE, type Dataset } from '../data/dataset';
import { profileDataset } from '../data/profile';
import type { WorkspaceSchema } from '../data/schema';
import { applyAnswerRuleToBatch, heldBack, HELD_BY_REFERENCE, HELD_NONE } from './answerRule';
import { datasetFromInput, type FeatureInput } from './explain';
import type { Matrix } from './matrix';
import type { Model } from './model';
import { Preprocessor } from './preprocess';
import { matchReference } from './referenceMatch';
import { decide } from './threshold';
import { completionCandidates, worstCase } from './worstCase';

const codes = (...c: string[]) => c.map((code) => ({ code, label: `${code}-word` }));
const schema: WorkspaceSchema = {
  id: 'custom-rule',
  name: 'Answer rule test',
  schemaVersion: 1,
  classColumn: 'class',
  features: [
    { name: 'a', label: 'A', kind: 'categorical', codes: codes('x', 'y', 'z') },
    { name: 'b', label: 'B', kind: 'categorical', codes: codes('x', 'y', 'z') },
    { name: 'w', label: 'Width', kind: 'numeric', unit: 'mm' },
  ],
};
const n = 12;
const train: Dataset = {
  rows: n,
  label: Uint8Array.from({ length: n }, (_, i) => (i === 3 ? 1 : 0)), // a=x, b=y, width 4: poisonous
  columns: [
    { name: 'a', kind: 'categorical', values: Uint8Array.from({ length: n }, (_, i) => i % 3) },
    { name: 'b', kind: 'categorical', values: Uint8Array.from({ length: n }, (_, i) => (i + 1) % 3) },
    { name: 'w', kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => 1 + i) },
  ],
};
const pre = Preprocessor.fit(schema, train);
const candidates = completionCandidates(schema, profileDataset(schema, train));
const column = (name: string) => pre.featureNames.indexOf(name);
const threshold = { edibleAbove: 0.8 }; // edible while P(poisonous) < 0.2

/** a=z with b=y is far worse than either alone: a one-change-at-a-time screen misses it. */
const model: Model = {
  kind: 'logistic',
  params: {},
  fit: async () => {},
  predictProba: async (x: Matrix) =>
    Float32Array.from({ length: x.rows }, (_, r) => {
      const v = (name: string) => x.data[r * x.cols + column(name)];
      return 0.05 + 0.1 * v('a=x') + 0.12 * v('b=x') + 0.6 * v('a=z') * v('b=y') + 0.2 * v('a=y') * v('b=z');
    }),
  toJSON: async () => ({ kind: 'logistic', schemaVersion: 1, params: {}, state: null }),
  dispose: () => {},
};

const M = MISSING_CODE;
/** Rows as a user might send them: complete, one blank, two blanks whose only danger is together. */
const rows: [number, number, number][] = [
  [0, 1, 1], // complete, edible; one reference mushroom shares it (row 0), edible: stands
  [1, M, 3], // b blank: b=z gives 0.25 → held by a single change
  [M, M, 5], // both blank: a=z & b=y together → 0.65; singles reach only 0.17
  [0, 0, 2], // 0.27: uncertain already, not checked
  [2, 2, 9], // complete, edible by the model; a=z, b=z is in no reference row → held by reference
  [0, 1, 4], // complete, edible by the model; shares its answers with reference row 3, poisonous → held by reference
];
const batch: Dataset = {
  rows: rows.length,
  label: new Uint8Array(rows.length),
  columns: [
    { name: 'a', kind: 'categorical', values: Uint8Array.from(rows, (r) => r[0]) },
    { name: 'b', kind: 'categorical', values: Uint8Array.from(rows, (r) => r[1]) },
    { name: 'w', kind: 'numeric', values: Float64Array.from(rows, (r) => r[2]) },
  ],
};
const asInput = (r: [number, number, number]): FeatureInput => ({
  a: r[0] === M ? null : schema.features[0].kind === 'categorical' ? schema.features[0].codes[r[0]].code : null,
  b: r[1] === M ? null : schema.features[1].kind === 'categorical' ? schema.features[1].codes[r[1]].code : null,
  w: r[2],
});

/** The form's path (worker/predict.ts predictOne) for one input. */
async function formDecision(input: FeatureInput, reference: Dataset | null) {
  const [p] = await model.predictProba(pre.transform(datasetFromInput(schema, input)).x);
  const decision = decide(p, threshold);
  const worst = decision === 'poisonous' ? null : await worstCase(schema, pre, model, input, datasetFromInput(schema, input), candidates, { stopAt: 1 - threshold.edibleAbove });
  const match = reference && decision !== 'poisonous' ? matchReference(schema, reference, input) : null;
  return heldBack(decision, worst?.pPoisonous ?? null, match, threshold) ? 'uncertain' : decision;
}

async function batchDecisions(reference: Dataset | null) {
  const p = await model.predictProba(pre.transform(batch).x);
  const decision = Uint8Array.from(p, (v) => ({ edible: 0, uncertain: 1, poisonous: 2 })[decide(v, threshold)]);
  const out = await applyAnswerRuleToBatch(schema, pre, model, threshold, batch, decision, candidates, reference);
  return { decision, ...out };
}

describe('the answer rule over a batch', () => {
  it('holds back every "edible" the form would, for the same reason, row for row', async () => {
    for (const reference of [null, train]) {
      const { decision, held, byUnknownFields, byReference } = await batchDecisions(reference);
      const words = Array.from(decision, (d) => ['edible', 'uncertain', 'poisonous'][d]);
      const form = [];
      for (const r of rows) form.push(await formDecision(asInput(r), reference));
      expect(words).toEqual(form);
      // Row 1 by a single blank field (b), row 2 only by the two blanks together (found by the search).
      expect(held[1]).toBe(2);
      expect(held[2]).not.toBe(HELD_NONE);
      expect(held[3]).toBe(HELD_NONE); // already uncertain: nothing was held
      expect(byUnknownFields).toBe(2);
      expect(held[4]).toBe(reference ? HELD_BY_REFERENCE : HELD_NONE);
      expect(held[5]).toBe(reference ? HELD_BY_REFERENCE : HELD_NONE);
      expect(byReference).toBe(reference ? 2 : 0);
      expect(words[0]).toBe('edible');
    }
  });

  it('names no reason for a row whose answer stands', () => {
    expect(heldBack('edible', 0.01, { rows: 3, edible: 3, poisonous: 0, fields: 2 }, threshold)).toBeNull();
    expect(heldBack('edible', 0.5, null, threshold)).toBe('unknown-fields');
    expect(heldBack('edible', null, { rows: 0, edible: 0, poisonous: 0, fields: 2 }, threshold)).toBe('reference');
    expect(heldBack('edible', null, { rows: 9, edible: 8, poisonous: 1, fields: 2 }, threshold)).toBe('reference');
    expect(heldBack('uncertain', 0.9, null, threshold)).toBeNull();
  });
});
