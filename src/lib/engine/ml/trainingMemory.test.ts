import { describe, expect, it } from 'vitest';
import { BUILTIN_SCHEMAS } from '../data/builtinSchemas';
import { analyzeCsv } from '../data/importCsv';
import { isEngineError, type EngineError } from '../errors';
import { readSample } from '$lib/testing/sharedData';
import { MODEL_KINDS } from './model';
import { Preprocessor } from './preprocess';
import { checkTrainingFits, encodedWidthBound, maxTrainableRows, storedRowBytes, trainingBytes, type TrainingMemoryRequest } from './trainingMemory';

const secondary = BUILTIN_SCHEMAS.find((s) => s.id === 'secondary')!;
const GB = 2 ** 30;

function refusal(req: TrainingMemoryRequest, rows: number, budget: number): EngineError {
  try {
    checkTrainingFits(req, rows, budget);
  } catch (e) {
    if (isEngineError(e)) return e;
    throw e;
  }
  throw new Error(`${rows} rows were not refused within ${budget} bytes`);
}

describe('training memory estimate', () => {
  it('bounds the encoded width by what the encoding can produce, and counts 8 bytes per number and 1 per category', async () => {
    const { dataset } = await analyzeCsv(readSample('secondary-synthetic.csv'), { sourceName: 'sample', schemas: [secondary] });
    const pre = Preprocessor.fit(secondary, dataset);
    expect(encodedWidthBound(secondary)).toBeGreaterThanOrEqual(pre.dims);
    // 3 numbers, 17 categories and the label.
    expect(storedRowBytes(secondary)).toBe(3 * 8 + 17 + 1);
  });

  it('lets a million Secondary rows train within 1.5 GB, 5-fold check included; the baseline (two standardised copies) needs it turned off to fit 2 GB', () => {
    for (const kind of MODEL_KINDS) {
      const [withCv, without] = [true, false].map((crossValidate) => trainingBytes({ schema: secondary, kind, crossValidate }, 1_000_000));
      expect(withCv, kind).toBeGreaterThanOrEqual(without);
      if (kind !== 'baseline') expect(withCv, kind).toBeLessThan(1.5 * GB);
    }
    const baseline: TrainingMemoryRequest = { schema: secondary, kind: 'baseline', crossValidate: true };
    expect(refusal(baseline, 1_000_000, 2 * GB).message).toContain('Turn off the 5-fold check (then it fits)');
  });

  it('refuses before starting with the size that fits, which is the largest that does', () => {
    const req: TrainingMemoryRequest = { schema: secondary, kind: 'forest', crossValidate: false };
    const budget = 0.5 * GB;
    const fits = maxTrainableRows(req, budget);
    expect(trainingBytes(req, fits)).toBeLessThanOrEqual(budget);
    expect(trainingBytes(req, fits + 1)).toBeGreaterThan(budget);
    expect(() => checkTrainingFits(req, fits, budget)).not.toThrow();
    const e = refusal(req, 3_000_000, budget);
    expect(e.code).toBe('too-large');
    expect(e.details).toMatchObject({ rows: 3_000_000, maxRows: fits });
    const shown = String(fits).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    expect(e.message).toBe(
      `Random forest on 3,000,000 rows needs about ${(trainingBytes(req, 3_000_000) / GB).toFixed(1)} GB of memory to train; this device allows about 512 MB, enough for ${shown} rows. Train on a data version of at most that many rows.`,
    );
  });

  it('says when turning off the 5-fold check would make it fit', () => {
    const req: TrainingMemoryRequest = { schema: secondary, kind: 'mlp', crossValidate: true };
    const budget = 0.5 * GB;
    const without = maxTrainableRows({ ...req, crossValidate: false }, budget);
    const withCv = maxTrainableRows(req, budget);
    expect(without).toBeGreaterThan(withCv);
    expect(refusal(req, without, budget).message).toContain('Turn off the 5-fold check (then it fits)');
    expect(refusal(req, without + 1, budget).message).toContain(`without the 5-fold check`);
    expect(refusal(req, without + 1, budget).details).toMatchObject({ maxRows: withCv, maxRowsWithoutCrossValidation: without });
  });
});
