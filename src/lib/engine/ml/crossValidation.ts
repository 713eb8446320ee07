import type { Dataset } from '../data/dataset';
import type { WorkspaceSchema } from '../data/schema';
import { throwIfCancelled } from '../errors';
import type { ProgressCallback } from '../progress';
import type { CrossValidation } from './bundle';
import { createModel } from './families';
import type { ModelKind } from './model';
import { Preprocessor } from './preprocess';
import { DEFAULT_SPLIT, stratifiedFolds, stratifiedHoldout, takeDatasetRows } from './split';
import { chooseSafetyThreshold, decide, MIN_EDIBLE_ABOVE } from './threshold';

export const CV_FOLDS = 5;

export interface CrossValidationRequest {
  schema: WorkspaceSchema;
  dataset: Dataset;
  kind: ModelKind;
  params?: Record<string, unknown>;
  seed: number;
  alpha: number;
  delta: number;
  folds?: number;
}

export interface CrossValidationEvents {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  onLog?: (line: string) => void;
}

/** The same share of the training rows the pipeline calibrates on (15 of 85 parts). */
const CALIBRATION_SHARE = DEFAULT_SPLIT.validation / (DEFAULT_SPLIT.train + DEFAULT_SPLIT.validation);

/** A fold's seed, different per fold and from the main run's, yet fixed by the recorded seed. */
const foldSeed = (seed: number, fold: number) => (Math.imul(seed >>> 0, 0x9e3779b1) + 0x85ebca6b * (fold + 1)) >>> 0;

/**
 * Stratified k-fold check of the whole recipe, poisonous-called-edible first: for each fold, fit
 * preprocessing and a fresh model of the same kind and params on the other folds (less an inner
 * calibration part), choose the safety threshold on that part exactly as the pipeline does, and
 * count on the held-out fold the poisonous rows called edible and the rows answered "uncertain".
 * Every row is held out once, so the totals cover the whole data set.
 */
export async function crossValidate(req: CrossValidationRequest, ev: CrossValidationEvents = {}): Promise<CrossValidation> {
  const started = performance.now();
  const k = req.folds ?? CV_FOLDS;
  const ds = req.dataset;
  const fold = stratifiedFolds(ds.label, k, req.seed);
  const out: CrossValidation = { folds: k, falseEdible: 0, uncertainShare: 0, poisonous: 0, rows: ds.rows, perFold: [], seed: req.seed, ms: 0 };
  let uncertainTotal = 0;
  const unit = 1000;
  for (let f = 0; f < k; f++) {
    throwIfCancelled(ev.signal);
    const held: number[] = [];
    const rest: number[] = [];
    for (let i = 0; i < ds.rows; i++) (fold[i] === f ? held : rest).push(i);
    const restIdx = Uint32Array.from(rest);
    const restDs = takeDatasetRows(ds, restIdx);
    const inner = stratifiedHoldout(restDs.label, CALIBRATION_SHARE, foldSeed(req.seed, f));
    const fit = takeDatasetRows(restDs, inner.kept);
    const cal = takeDatasetRows(restDs, inner.held);
    const test = takeDatasetRows(ds, Uint32Array.from(held));
    const pre = Preprocessor.fit(req.schema, fit);
    const [xFit, xCal, xTest] = [fit, cal, test].map((d) => pre.transform(d).x);
    const model = createModel(req.kind, req.params);
    try {
      await model.fit(xFit, fit.label, {
        seed: foldSeed(req.seed, f),
        signal: ev.signal,
        validation: { x: xCal, y: cal.label },
        onProgress: (p) =>
          ev.onProgress?.({ phase: '5-fold check', done: f * unit + Math.round((unit * p.done) / Math.max(1, p.total)), total: k * unit, detail: `fold ${f + 1} of ${k}` }),
      });
      throwIfCancelled(ev.signal);
      const threshold = chooseSafetyThreshold(cal.label, await model.predictProba(xCal), { alpha: req.alpha, delta: req.delta, floor: MIN_EDIBLE_ABOVE });
      const p = await model.predictProba(xTest);
      const row = { rows: test.rows, poisonous: 0, falseEdible: 0, uncertain: 0, edibleAbove: threshold.edibleAbove, guaranteeStated: threshold.guarantee?.stated ?? false };
      for (let i = 0; i < test.rows; i++) {
        const verdict = decide(p[i], threshold);
        if (test.label[i] === 1) {
          row.poisonous++;
          if (verdict === 'edible') row.falseEdible++;
        }
        if (verdict === 'uncertain') row.uncertain++;
      }
      out.perFold.push(row);
      out.falseEdible += row.falseEdible;
      out.poisonous += row.poisonous;
      uncertainTotal += row.uncertain;
      ev.onLog?.(
        `5-fold check, fold ${f + 1}: ${row.falseEdible} of ${row.poisonous} poisonous called edible, ${row.uncertain} of ${row.rows} uncertain (edible only above P = ${threshold.edibleAbove.toFixed(3)}).`,
      );
      ev.onProgress?.({ phase: '5-fold check', done: (f + 1) * unit, total: k * unit, detail: `fold ${f + 1} of ${k}` });
    } finally {
      model.dispose();
    }
  }
  out.uncertainShare = ds.rows ? uncertainTotal / ds.rows : 0;
  out.ms = Math.round(performance.now() - started);
  return out;
}
