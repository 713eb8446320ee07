import type { ColumnData, Dataset } from '../data/dataset';
import { EngineError } from '../errors';
import { seededRng, shuffle } from './rng';

export interface SplitFractions {
  train: number;
  validation: number;
  test: number;
}

export const DEFAULT_SPLIT: SplitFractions = { train: 0.7, validation: 0.15, test: 0.15 };

export interface SplitIndices {
  train: Uint32Array;
  validation: Uint32Array;
  test: Uint32Array;
}

/**
 * Stratified, seeded train/validation/test split: each class is shuffled on its own and cut in the
 * same proportions, so the three parts keep the data's class balance (and a rare class can't vanish
 * from the test split by bad luck).
 */
export function stratifiedSplit(label: Uint8Array, fractions: SplitFractions, seed: number): SplitIndices {
  const sum = fractions.train + fractions.validation + fractions.test;
  if (Math.abs(sum - 1) > 1e-9 || fractions.train <= 0 || fractions.validation < 0 || fractions.test <= 0) {
    throw new EngineError('invalid-argument', `Split fractions must be positive and add up to 1 (got ${fractions.train}/${fractions.validation}/${fractions.test}).`);
  }
  const rng = seededRng(seed);
  const parts: { train: number[]; validation: number[]; test: number[] } = { train: [], validation: [], test: [] };
  for (const cls of [0, 1]) {
    const idx: number[] = [];
    for (let i = 0; i < label.length; i++) if (label[i] === cls) idx.push(i);
    shuffle(idx, rng);
    const nTest = Math.round(idx.length * fractions.test);
    const nVal = Math.round(idx.length * fractions.validation);
    // A loop, not push(...slice): spreading tens of thousands of indices can overflow the call stack.
    for (let r = 0; r < idx.length; r++) (r < nTest ? parts.test : r < nTest + nVal ? parts.validation : parts.train).push(idx[r]);
  }
  // Sorted row order: deterministic, and cache-friendly when gathering columns.
  const sorted = (xs: number[]) => Uint32Array.from(xs).sort();
  const out = { train: sorted(parts.train), validation: sorted(parts.validation), test: sorted(parts.test) };
  if (!out.train.length || !out.test.length) {
    throw new EngineError('invalid-argument', `Too few rows (${label.length}) to split into training and test data.`);
  }
  return out;
}

/** The rows at `indices` as a Dataset of their own. */
export function takeDatasetRows(ds: Dataset, indices: Uint32Array): Dataset {
  const pick = <T extends Uint8Array | Float64Array>(values: T): T => {
    const out = new (values.constructor as new (n: number) => T)(indices.length);
    for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]];
    return out;
  };
  return {
    rows: indices.length,
    label: pick(ds.label),
    columns: ds.columns.map((c) => ({ ...c, values: pick(c.values) }) as ColumnData),
  };
}

/** Two datasets of the same schema, one after the other (reference data + feedback rows). */
export function concatDatasets(a: Dataset, b: Dataset): Dataset {
  const cat = <T extends Uint8Array | Float64Array>(x: T, y: T): T => {
    const out = new (x.constructor as new (n: number) => T)(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return {
    rows: a.rows + b.rows,
    label: cat(a.label, b.label),
    columns: a.columns.map((c, i) => ({ ...c, values: cat(c.values, b.columns[i].values) }) as ColumnData),
  };
}

/**
 * Stratified k-fold assignment: each class is shuffled on its own and dealt round-robin into k folds,
 * so every fold keeps the class balance and fold sizes differ by at most one row per class.
 */
export function stratifiedFolds(label: Uint8Array, k: number, seed: number): Uint8Array {
  if (!Number.isInteger(k) || k < 2 || k > 255) throw new EngineError('invalid-argument', `The number of folds must be a whole number from 2 to 255, got ${k}.`, { k });
  const rng = seededRng(seed);
  const fold = new Uint8Array(label.length);
  for (const cls of [0, 1]) {
    const idx: number[] = [];
    for (let i = 0; i < label.length; i++) if (label[i] === cls) idx.push(i);
    shuffle(idx, rng);
    for (let r = 0; r < idx.length; r++) fold[idx[r]] = r % k;
  }
  return fold;
}

/** A stratified, seeded two-way cut: `share` of each class held out (rounded), the rest kept. Indices sorted. */
export function stratifiedHoldout(label: Uint8Array, share: number, seed: number): { kept: Uint32Array; held: Uint32Array } {
  if (!(share > 0 && share < 1)) throw new EngineError('invalid-argument', `The held-out share must be between 0 and 1, got ${share}.`, { share });
  const rng = seededRng(seed);
  const kept: number[] = [];
  const held: number[] = [];
  for (const cls of [0, 1]) {
    const idx: number[] = [];
    for (let i = 0; i < label.length; i++) if (label[i] === cls) idx.push(i);
    shuffle(idx, rng);
    const nHeld = Math.round(idx.length * share);
    for (let r = 0; r < idx.length; r++) (r < nHeld ? held : kept).push(idx[r]);
  }
  return { kept: Uint32Array.from(kept).sort(), held: Uint32Array.from(held).sort() };
}
