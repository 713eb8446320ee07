import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeCsv } from '../data/importCsv';
import { BUILTIN_SCHEMAS } from '../data/builtinSchemas';
import { readSample } from '$lib/testing/sharedData';
import { crossValidate } from './crossValidation';
import { stratifiedFolds } from './split';
import { initTfjsForNode } from './tfjsNode';

describe('stratifiedFolds', () => {
  it('deals each class evenly: fold sizes per class differ by at most one, and every row gets one fold', () => {
    const label = new Uint8Array(1003);
    for (let i = 0; i < label.length; i++) label[i] = i % 7 < 3 ? 1 : 0;
    const fold = stratifiedFolds(label, 5, 9);
    for (const cls of [0, 1]) {
      const counts = [0, 0, 0, 0, 0];
      for (let i = 0; i < label.length; i++) if (label[i] === cls) counts[fold[i]]++;
      expect(Math.max(...counts) - Math.min(...counts), `class ${cls}`).toBeLessThanOrEqual(1);
    }
    expect(Array.from(fold).every((f) => f >= 0 && f < 5)).toBe(true);
    expect(stratifiedFolds(label, 5, 9)).toEqual(fold); // seeded
  });

  it('refuses fewer than 2 folds', () => {
    expect(() => stratifiedFolds(new Uint8Array(4), 1, 1)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});

describe('crossValidate on the synthetic UCI-style sample', () => {
  let input: Awaited<ReturnType<typeof analyzeCsv>>;
  beforeAll(async () => {
    await initTfjsForNode();
    input = await analyzeCsv(readSample('uci-synthetic.csv'), { sourceName: 'sample', schemas: [...BUILTIN_SCHEMAS] });
  });
  const request = () => ({ schema: input.schema, dataset: input.dataset, kind: 'tree' as const, seed: 3, alpha: 0.01, delta: 0.05 });

  it('holds out every row once, with both classes in every fold, and the totals add up', async () => {
    const progress: number[] = [];
    const cv = await crossValidate(request(), { onProgress: (p) => progress.push(p.done / p.total) });
    const ds = input.dataset;
    const poisonous = ds.label.reduce((n, v) => n + v, 0);
    expect(cv.folds).toBe(5);
    expect(cv.perFold).toHaveLength(5);
    expect(cv.rows).toBe(ds.rows);
    expect(cv.perFold.reduce((n, f) => n + f.rows, 0)).toBe(ds.rows);
    expect(cv.poisonous).toBe(poisonous);
    expect(cv.perFold.reduce((n, f) => n + f.poisonous, 0)).toBe(poisonous);
    expect(cv.perFold.reduce((n, f) => n + f.falseEdible, 0)).toBe(cv.falseEdible);
    const uncertain = cv.perFold.reduce((n, f) => n + f.uncertain, 0);
    expect(cv.uncertainShare).toBeCloseTo(uncertain / ds.rows, 12);
    for (const f of cv.perFold) {
      // Stratified: each fold's poisonous share is the data's, to within a row.
      expect(Math.abs(f.poisonous - (f.rows * poisonous) / ds.rows)).toBeLessThanOrEqual(1.5);
      expect(f.edibleAbove).toBeGreaterThanOrEqual(0.9);
      expect(f.guaranteeStated).toBe(false); // ~50 poisonous calibration rows: too few for α = 1 %
    }
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((v, i) => i === 0 || v >= progress[i - 1])).toBe(true);
    // Seeded: the same request gives the same figures.
    const again = await crossValidate(request());
    expect(again.perFold).toEqual(cv.perFold);
  });

  it('can be cancelled between and inside folds', async () => {
    const ac = new AbortController();
    const run = crossValidate(request(), {
      signal: ac.signal,
      onLog: (line) => {
        if (line.includes('fold 2')) ac.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    const pre = new AbortController();
    pre.abort();
    await expect(crossValidate(request(), { signal: pre.signal })).rejects.toMatchObject({ code: 'cancelled' });
  });
});
