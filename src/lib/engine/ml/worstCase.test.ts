import { describe, expect, it } from 'vitest';
import { MISSING_CODE, type Dataset } from '../data/dataset';
import { profileDataset } from '../data/profile';
import type { WorkspaceSchema } from '../data/schema';
import { datasetFromInput } from './explain';
import type { Matrix } from './matrix';
import type { Model } from './model';
import { Preprocessor } from './preprocess';
import { completionCandidates, worstCase } from './worstCase';

const codes = (...c: string[]) => c.map((code) => ({ code, label: `${code}-word` }));
const schema: WorkspaceSchema = {
  id: 'custom-worst',
  name: 'Worst case test',
  schemaVersion: 1,
  classColumn: 'class',
  features: [
    { name: 'a', label: 'A', kind: 'categorical', codes: codes('x', 'y', 'z') },
    { name: 'b', label: 'B', kind: 'categorical', codes: codes('x', 'y', 'z') },
    { name: 'c', label: 'C', kind: 'categorical', codes: codes('x', 'y', 'z', 'never') },
    { name: 'w', label: 'Width', kind: 'numeric', unit: 'mm' },
  ],
};

// Every code but c=never occurs in training; b has missing values there, the others do not.
const n = 12;
const train: Dataset = {
  rows: n,
  label: Uint8Array.from({ length: n }, (_, i) => i % 2),
  columns: [
    { name: 'a', kind: 'categorical', values: Uint8Array.from({ length: n }, (_, i) => i % 3) },
    { name: 'b', kind: 'categorical', values: Uint8Array.from({ length: n }, (_, i) => (i === 5 ? MISSING_CODE : (i + 1) % 3)) },
    { name: 'c', kind: 'categorical', values: Uint8Array.from({ length: n }, (_, i) => (i + 2) % 3) },
    { name: 'w', kind: 'numeric', values: Float64Array.from({ length: n }, (_, i) => 1 + i) },
  ],
};
const pre = Preprocessor.fit(schema, train);
const candidates = completionCandidates(schema, profileDataset(schema, train));
const column = (name: string) => pre.featureNames.indexOf(name);

/** A model with an interaction: a=z with b=y is far worse than either alone, so one change at a time misleads. */
const interacting: Model = {
  kind: 'logistic',
  params: {},
  fit: async () => {},
  predictProba: async (x: Matrix) =>
    Float32Array.from({ length: x.rows }, (_, r) => {
      const v = (name: string) => x.data[r * x.cols + column(name)];
      return 0.05 + 0.1 * v('a=x') + 0.12 * v('b=x') + 0.6 * v('a=z') * v('b=y') + 0.02 * v('c=y') + 0.01 * v('w');
    }),
  toJSON: async () => ({ kind: 'logistic', schemaVersion: 1, params: {}, state: null }),
  dispose: () => {},
};

/** Every completion of the fields not given, by brute force: the known worst case. */
async function bruteForce(model: Model, input: Record<string, string | null>): Promise<number> {
  const unknown = schema.features.map((_, j) => j).filter((j) => input[schema.features[j].name] == null);
  let best = -Infinity;
  const walk = async (k: number, assign: Record<string, string | number | null>) => {
    if (k === unknown.length) {
      const [p] = await model.predictProba(pre.transform(datasetFromInput(schema, assign)).x);
      best = Math.max(best, p);
      return;
    }
    const j = unknown[k];
    const f = schema.features[j];
    for (const v of candidates[j]) {
      const value = f.kind === 'categorical' ? (v === MISSING_CODE ? null : f.codes[v].code) : Number.isNaN(v) ? null : v;
      await walk(k + 1, { ...assign, [f.name]: value });
    }
  };
  await walk(0, { ...input });
  return best;
}

describe('completionCandidates', () => {
  it('offers the codes seen in training, "missing" only where training had it, and quantiles of a number', () => {
    expect(candidates[0]).toEqual([0, 1, 2]);
    expect(candidates[1]).toEqual([0, 1, 2, MISSING_CODE]);
    expect(candidates[2]).toEqual([0, 1, 2]); // "never" never occurs
    expect(candidates[3][0]).toBe(1);
    expect(candidates[3][candidates[3].length - 1]).toBe(12);
    expect(candidates[3]).toEqual([...candidates[3]].sort((p, q) => p - q));
  });
});

describe('worstCase', () => {
  const run = (input: Record<string, string | null>, options = {}) => worstCase(schema, pre, interacting, input, datasetFromInput(schema, input), candidates, options);

  it('finds the exact worst completion when it can enumerate them, and names it', async () => {
    const input = { a: null, b: null, c: 'x', w: null };
    const out = (await run(input))!;
    expect(out.exhaustive).toBe(true);
    expect(out.pPoisonous).toBeCloseTo(await bruteForce(interacting, input), 6);
    expect(out.completion.map((c) => `${c.label}=${c.value}`)).toEqual(['A=z-word', 'B=y-word', 'Width=12 mm']);
  });

  it('coordinate ascent from several starts finds the same worst case where it cannot enumerate', async () => {
    const input = { a: null, b: null, c: null, w: null };
    const out = (await run(input, { enumerateUpTo: 0, starts: 6, seed: 3 }))!;
    expect(out.exhaustive).toBe(false);
    expect(out.pPoisonous).toBeCloseTo(await bruteForce(interacting, input), 6);
  });

  it('ranks the fields to check by how far one of them alone can raise P(poisonous)', async () => {
    const out = (await run({ a: 'y', b: null, c: null, w: null }))!;
    // From the answers as given: b=x adds 0.12, width at its largest 0.01 × z, c=y 0.02.
    expect(out.checks.map((c) => c.label)).toEqual(['B', 'C', 'Width']);
    expect(out.checks[0].value).toBe('x-word');
    expect(out.checks[0].pPoisonous).toBeGreaterThan(out.checks[1].pPoisonous);
  });

  it('stops as soon as a completion reaches stopAt, and is null when every field is given', async () => {
    const out = (await run({ a: null, b: null, c: null, w: null }, { enumerateUpTo: 0, stopAt: 0.1 }))!;
    expect(out.pPoisonous).toBeGreaterThanOrEqual(0.1);
    expect(await run({ a: 'x', b: 'x', c: 'x', w: '3' } as never)).toBeNull();
  });
});
