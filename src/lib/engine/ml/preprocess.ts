import { MISSING_CODE, rowsView, type Dataset } from '../data/dataset';
import type { Model } from './model';
import type { WorkspaceSchema } from '../data/schema';
import { EngineError } from '../errors';
import { matrix, type Matrix } from './matrix';

/** One feature that a row could not encode: a code (or a missing value) never seen in training. */
export interface UnknownValue {
  row: number;
  column: string;
  /** The code, or null for a missing value when training had no missing values in that column. */
  code: string | null;
}

export interface Encoded {
  x: Matrix;
  /** Unknown values, row by row; such a row's one-hot block is all zeros and the row is flagged. */
  unknown: UnknownValue[];
  /** Number of unknown values per row (0 = clean). */
  unknownPerRow: Uint16Array;
}

interface CategoricalStep {
  kind: 'categorical';
  name: string;
  /** Code indices seen in training, in code order; MISSING_CODE (255) stands for "missing" as its own category. */
  vocabulary: number[];
}

interface NumericStep {
  kind: 'numeric';
  name: string;
  /** Training median, used for missing values. */
  median: number;
  mean: number;
  std: number;
}

export interface SavedPreprocessor {
  kind: 'preprocessor';
  schemaVersion: 1;
  schemaFingerprint: string;
  /** Explicit class → label map: the model's output is P(label 1). */
  classes: { 0: 'edible'; 1: 'poisonous' };
  steps: (CategoricalStep | NumericStep)[];
}

/**
 * Imputation, one-hot encoding and standardisation, fitted on the training split only and saved
 * with the model version: categorical missing values are a category of their own; numeric missing
 * values take the training median; numbers are standardised with the training mean and std.
 */
export class Preprocessor {
  readonly #schema: WorkspaceSchema;
  readonly #saved: SavedPreprocessor;
  /** Per categorical step: code index → output column offset within the block, -1 = unknown. */
  readonly #lookups: (Int16Array | null)[];
  /** Where each feature's block starts in an encoded row. */
  readonly #offsets: number[];
  readonly dims: number;
  readonly featureNames: string[];

  private constructor(schema: WorkspaceSchema, saved: SavedPreprocessor) {
    this.#schema = schema;
    this.#saved = saved;
    this.#lookups = saved.steps.map((s) => {
      if (s.kind !== 'categorical') return null;
      const lut = new Int16Array(256).fill(-1);
      s.vocabulary.forEach((code, i) => (lut[code] = i));
      return lut;
    });
    this.featureNames = saved.steps.flatMap((s, j) => {
      if (s.kind === 'numeric') return [s.name];
      const col = schema.features[j];
      return s.vocabulary.map((c) => `${s.name}=${c === MISSING_CODE ? 'missing' : col.kind === 'categorical' ? col.codes[c].code : c}`);
    });
    this.dims = this.featureNames.length;
    let offset = 0;
    this.#offsets = saved.steps.map((step) => {
      const at = offset;
      offset += step.kind === 'numeric' ? 1 : step.vocabulary.length;
      return at;
    });
  }

  static fit(schema: WorkspaceSchema, train: Dataset): Preprocessor {
    if (train.rows === 0) throw new EngineError('invalid-argument', 'No training rows to fit the preprocessing on.');
    const steps = train.columns.map((c): CategoricalStep | NumericStep => {
      if (c.kind === 'categorical') {
        const seen = new Uint8Array(256);
        for (let i = 0; i < c.values.length; i++) seen[c.values[i]] = 1;
        const vocabulary: number[] = [];
        for (let code = 0; code < 256; code++) if (seen[code]) vocabulary.push(code);
        return { kind: 'categorical', name: c.name, vocabulary };
      }
      const present = Float64Array.from(c.values.filter((v) => !Number.isNaN(v))).sort();
      const median = present.length ? medianOfSorted(present) : 0;
      let sum = 0;
      for (const v of c.values) sum += Number.isNaN(v) ? median : v;
      const mean = sum / c.values.length;
      let ss = 0;
      for (const v of c.values) ss += ((Number.isNaN(v) ? median : v) - mean) ** 2;
      const std = Math.sqrt(ss / c.values.length) || 1; // a constant column: leave it centred, unscaled
      return { kind: 'numeric', name: c.name, median, mean, std };
    });
    return new Preprocessor(schema, {
      kind: 'preprocessor',
      schemaVersion: 1,
      schemaFingerprint: schemaFingerprint(schema),
      classes: { 0: 'edible', 1: 'poisonous' },
      steps,
    });
  }

  static load(schema: WorkspaceSchema, json: unknown): Preprocessor {
    const saved = json as SavedPreprocessor;
    if (saved?.kind !== 'preprocessor' || saved.schemaVersion !== 1) {
      throw new EngineError('invalid-argument', 'Not a saved Sporeprint preprocessing step (or a newer format).');
    }
    if (saved.schemaFingerprint !== schemaFingerprint(schema)) {
      throw new EngineError('invalid-argument', `This preprocessing was fitted on another column layout than ${schema.name}.`);
    }
    return new Preprocessor(schema, saved);
  }

  /** Each feature's columns in the encoded matrix, [start, end), in schema order. */
  featureBlocks(): { start: number; end: number }[] {
    let start = 0;
    return this.#saved.steps.map((s) => {
      const end = start + (s.kind === 'numeric' ? 1 : s.vocabulary.length);
      const block = { start, end };
      start = end;
      return block;
    });
  }

  /** The feature (schema index) an encoded column belongs to. */
  featureOf(column: number): number {
    return this.featureBlocks().findIndex((b) => column >= b.start && column < b.end);
  }

  /** How a value that was not given reaches the model, in words. */
  describeMissing(feature: number): string {
    const step = this.#saved.steps[feature];
    const f = this.#schema.features[feature];
    if (step?.kind === 'numeric') return `taken as the training median, ${Number(step.median.toPrecision(4))}${f?.kind === 'numeric' && f.unit ? ` ${f.unit}` : ''}`;
    return step?.vocabulary.includes(MISSING_CODE) ? 'taken as "not known", as in the training rows without it' : 'taken as none of its values';
  }

  /**
   * A tree's test on one encoded column, in the user's words: a one-hot column (0 or 1) becomes
   * "Odour is foul" / "is not foul"; a standardised number is turned back into its unit.
   */
  describeSplit(column: number, threshold: number, below: boolean): string {
    const blocks = this.featureBlocks();
    const j = this.featureOf(column);
    const step = this.#saved.steps[j];
    const f = this.#schema.features[j];
    if (!step || !f) return `column ${column} ${below ? '<' : '≥'} ${threshold}`;
    if (step.kind === 'numeric') {
      const raw = threshold * step.std + step.mean;
      return `${f.label} ${below ? '<' : '≥'} ${Number(raw.toPrecision(4))}${f.kind === 'numeric' && f.unit ? ` ${f.unit}` : ''}`;
    }
    const code = step.vocabulary[column - blocks[j].start];
    const value = code === MISSING_CODE ? 'not known' : f.kind === 'categorical' ? f.codes[code].label : String(code);
    // The one-hot column is 1 when the row has this value: "below the cut" means it does not.
    return `${f.label} is ${below ? 'not ' : ''}${value}`;
  }

  toJSON(): SavedPreprocessor {
    return structuredClone(this.#saved);
  }

  /** `into`: encode into that buffer's memory instead of a new matrix (see EncodeBuffer). */
  transform(ds: Dataset, into?: EncodeBuffer): Encoded {
    const x = into ? into.matrix(ds.rows, this.dims) : matrix(ds.rows, this.dims);
    const steps = this.#saved.steps;
    const unknownByStep: UnknownValue[][] = steps.map(() => []);
    const unknownPerRow = new Uint16Array(ds.rows);
    // A block of rows at a time, every column into it: the block's part of the matrix stays in
    // cache (about twice as fast as column after column over a 16 MB matrix).
    for (let start = 0; start < ds.rows; start += ENCODE_BLOCK_ROWS) {
      const end = Math.min(ds.rows, start + ENCODE_BLOCK_ROWS);
      let offset = 0;
      steps.forEach((step, j) => {
        if (step.kind === 'numeric') this.#encodeNumber(step, ds.columns[j].values as Float64Array, x, offset, start, end);
        else this.#encodeCategory(j, ds.columns[j].values as Uint8Array, x, offset, start, end, unknownPerRow, unknownByStep[j]);
        offset += step.kind === 'numeric' ? 1 : step.vocabulary.length;
      });
    }
    return { x, unknown: unknownByStep.flat(), unknownPerRow };
  }

  /** Feature j of encoded row `row` set to `value` (a code index, or a number; NaN or MISSING_CODE = missing), its block cleared first: as transform would encode the row with that value. */
  encodeFeature(x: Matrix, row: number, j: number, value: number): void {
    const step = this.#saved.steps[j];
    const at = row * this.dims + this.#offsets[j];
    if (step.kind === 'numeric') {
      x.data[at] = ((Number.isNaN(value) ? step.median : value) - step.mean) / step.std;
      return;
    }
    x.data.fill(0, at, at + step.vocabulary.length);
    const k = this.#lookups[j]![value];
    if (k >= 0) x.data[at + k] = 1;
  }

  #encodeNumber(step: NumericStep, values: Float64Array, x: Matrix, offset: number, start: number, end: number): void {
    for (let r = start; r < end; r++) {
      const v = Number.isNaN(values[r]) ? step.median : values[r];
      x.data[r * this.dims + offset] = (v - step.mean) / step.std;
    }
  }

  /** One-hot: a value outside the training vocabulary sets no column and is listed (by column, then row). */
  #encodeCategory(j: number, values: Uint8Array, x: Matrix, offset: number, start: number, end: number, unknownPerRow: Uint16Array, unknown: UnknownValue[]): void {
    const lut = this.#lookups[j]!;
    for (let r = start; r < end; r++) {
      const k = lut[values[r]];
      if (k >= 0) x.data[r * this.dims + offset + k] = 1;
      else {
        unknownPerRow[r]++;
        const feature = this.#schema.features[j];
        const code = values[r] === MISSING_CODE ? null : feature.kind === 'categorical' ? (feature.codes[values[r]]?.code ?? String(values[r])) : String(values[r]);
        unknown.push({ row: r, column: this.#saved.steps[j].name, code });
      }
    }
  }
}

/**
 * One matrix's memory, reused by every transform into it: for the many model calls of the answer
 * rule's searches. Fresh memory is slow to touch the first time (a fresh 16 MB array takes ~50 ms to
 * fill on the bench machine, the same array again ~1 ms), and the batch's answer rule encoded a new
 * 16 MB matrix per call. A matrix it gives is valid until the next one: use it, then ask again.
 */
export class EncodeBuffer {
  #data = new Float32Array(0);

  /** `zeroed` false: for a caller that writes every value (zeroing 16 MB per call added up). */
  matrix(rows: number, cols: number, zeroed = true): Matrix {
    const size = rows * cols;
    if (this.#data.length < size) this.#data = new Float32Array(size);
    const data = this.#data.subarray(0, size);
    if (zeroed) data.fill(0);
    return matrix(rows, cols, data);
  }
}

/** Rows encoded and predicted together by predictRows: 8,192 × ~128 columns of float32 is 4 MB. */
const PREDICT_BLOCK_ROWS = 8192;

/**
 * P(poisonous) for every row of `ds`, encoded and predicted a block of rows at a time into the same
 * memory: a batch's whole encoded matrix (31 MB for the Secondary file, 512 MB for a million rows)
 * is never held, nor written to fresh memory.
 */
export async function predictRows(pre: Preprocessor, model: Pick<Model, 'predictProba'>, ds: Dataset): Promise<Float32Array> {
  const p = new Float32Array(ds.rows);
  const buffer = new EncodeBuffer();
  for (let start = 0; start < ds.rows; start += PREDICT_BLOCK_ROWS) {
    const end = Math.min(ds.rows, start + PREDICT_BLOCK_ROWS);
    p.set(await model.predictProba(pre.transform(rowsView(ds, start, end), buffer).x), start);
  }
  return p;
}

/** Rows encoded together by Preprocessor.transform: 256 rows × ~160 columns of float32 is 160 kB. */
const ENCODE_BLOCK_ROWS = 256;

function medianOfSorted(xs: Float64Array): number {
  const m = xs.length >> 1;
  return xs.length % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}

/** A short, stable fingerprint of a schema's layout (names, kinds, codes): models refuse other layouts. */
export function schemaFingerprint(schema: WorkspaceSchema): string {
  const text = schema.features.map((f) => `${f.name}:${f.kind}${f.kind === 'categorical' ? `[${f.codes.map((c) => c.code).join(',')}]` : ''}`).join('|');
  // FNV-1a, 32 bit, twice with different offsets for 64 bits of spread.
  const fnv = (seed: number) => {
    let h = seed >>> 0;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    return h.toString(16).padStart(8, '0');
  };
  return fnv(0x811c9dc5) + fnv(0x050c5d1f);
}
