import type { Dataset } from '../data/dataset';
import { profileDataset } from '../data/profile';
import type { WorkspaceSchema } from '../data/schema';
import { EngineError, throwIfCancelled } from '../errors';
import type { ProgressCallback } from '../progress';
import type { CrossValidation, Evaluation, ModelBundle, SafetyThreshold } from './bundle';
import { createModel } from './families';
import { featureImportance, type FeatureImportance } from './explain';
import type { Matrix } from './matrix';
import { evaluate } from './metrics';
import type { Model, ModelKind } from './model';
import { fitPca } from './pca';
import { Preprocessor, schemaFingerprint } from './preprocess';
import { concatDatasets, DEFAULT_SPLIT, stratifiedSplit, takeDatasetRows, type SplitFractions, type SplitIndices } from './split';
import { chooseSafetyThreshold, MIN_EDIBLE_ABOVE } from './threshold';
import { checkAlphaDelta, DEFAULT_ALPHA, DEFAULT_DELTA } from './conformal';
import { CV_FOLDS, crossValidate } from './crossValidation';

/** The steps of a training run, in order, as the Models page draws them. */
export const PIPELINE_STEPS = [
  { id: 'validate', label: 'Validate' },
  { id: 'split', label: 'Split (stratified)' },
  { id: 'impute', label: 'Clean / impute' },
  { id: 'encode', label: 'Encode' },
  { id: 'pca', label: 'Fit PCA' },
  { id: 'train', label: 'Train' },
  { id: 'evaluate', label: 'Evaluate' },
  { id: 'crossValidate', label: '5-fold check' },
  { id: 'register', label: 'Register' },
] as const;

export type StepId = (typeof PIPELINE_STEPS)[number]['id'];
export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled' | 'skipped';

export interface TrainRequest {
  workspaceId: string;
  schema: WorkspaceSchema;
  dataset: Dataset;
  /**
   * Rows added to the training split only (a retraining's feedback): the validation and test splits
   * stay those of `dataset`, so a retrained version is measured on the same held-out rows as before.
   */
  extraTrainRows?: Dataset;
  dataSha256: string;
  kind: ModelKind;
  params?: Record<string, unknown>;
  seed: number;
  split?: SplitFractions;
  pcaComponents?: number;
  /** The safety guarantee's bound on poisonous called edible (conformal.ts; default DEFAULT_ALPHA = 1 %). */
  alpha?: number;
  /** The chance the bound may fail for this calibration draw (default DEFAULT_DELTA = 5 %). */
  delta?: number;
  /**
   * Run the 5-fold check after evaluating (default true). It trains the model five more times, so
   * it takes about 5× a training; a caller in a hurry may skip it (the step is then 'skipped').
   */
  crossValidate?: boolean;
  appVersion: string;
}

export interface PipelineEvents {
  signal?: AbortSignal;
  onStep?: (id: StepId, status: StepStatus, ms?: number) => void;
  onLog?: (line: string) => void;
  onProgress?: ProgressCallback;
  onEpoch?: (epoch: number, loss: number, valLoss?: number) => void;
}

export interface TrainResult {
  bundle: ModelBundle;
  /** The trained model, still live (the worker may serve it at once); dispose when done. */
  model: Model;
  preprocessor: Preprocessor;
}

/** Threshold (with its guarantee) on the calibration rows, metrics on the test rows, and global importance; logs each. */
async function evaluateModel(
  schema: WorkspaceSchema,
  pre: Preprocessor,
  model: Model,
  calibration: { x: Matrix; y: Uint8Array },
  test: { x: Matrix; y: Uint8Array },
  alpha: number,
  delta: number,
  log: (line: string) => void,
): Promise<{ evaluation: Evaluation; threshold: SafetyThreshold; importance: FeatureImportance[] }> {
  const threshold = chooseSafetyThreshold(calibration.y, await model.predictProba(calibration.x), { alpha, delta, floor: MIN_EDIBLE_ABOVE });
  const evaluation = evaluate(test.y, await model.predictProba(test.x), threshold);
  log(guaranteeLine(threshold, alpha, delta));
  log(
    `Test: accuracy ${evaluation.atHalf.accuracy.toFixed(4)}, poisonous called edible ${evaluation.atHalf.falseEdible} at 0.5 and ${evaluation.atSafety.falseEdible} at the safety threshold (edible only above P = ${threshold.edibleAbove.toFixed(3)}).`,
  );
  const importance = await featureImportance(schema, pre, model, calibration.x);
  log(
    `Fields that matter most (mean change in P when removed): ${importance
      .slice(0, 5)
      .map((f) => `${f.label} ${f.score.toFixed(3)}`)
      .join(', ')}.`,
  );
  return { evaluation, threshold, importance };
}

/**
 * validate → split → impute/encode (fitted on the training split only) → PCA → train → evaluate →
 * 5-fold check (optional).
 * Registration is the caller's (it needs storage). Every step reports its status and time, the run
 * can be cancelled between steps and inside training, and a failure names its step.
 */
type Step = <T>(id: StepId, run: () => T | Promise<T>) => Promise<T>;

/** Runs one step: checks for a cancel first, reports running / done / failed / cancelled with its time. */
function stepRunner(ev: PipelineEvents): Step {
  return async (id, run) => {
    throwIfCancelled(ev.signal);
    ev.onStep?.(id, 'running');
    const t0 = performance.now();
    try {
      const out = await run();
      ev.onStep?.(id, 'done', Math.round(performance.now() - t0));
      return out;
    } catch (e) {
      const cancelled = (e as EngineError)?.code === 'cancelled';
      ev.onStep?.(id, cancelled ? 'cancelled' : 'failed', Math.round(performance.now() - t0));
      if (!cancelled) ev.onLog?.(`${id} failed: ${(e as Error).message}`);
      throw e;
    }
  };
}

/** Refuses data a classifier cannot be trained and tested on; returns the line for the log. */
function validateTrainingData(schema: WorkspaceSchema, ds: Dataset, alpha: number, delta: number): string {
  checkAlphaDelta(alpha, delta);
  const poisonous = ds.label.reduce((n, v) => n + v, 0);
  if (ds.rows < 20) throw new EngineError('invalid-argument', `Only ${ds.rows} rows: too few to train and test a model.`);
  if (poisonous === 0 || poisonous === ds.rows) throw new EngineError('invalid-argument', 'The data holds only one class: a classifier needs both edible and poisonous rows.');
  if (ds.columns.length !== schema.features.length) throw new EngineError('invalid-argument', 'The data does not match the workspace schema.');
  return `${ds.rows} rows, ${ds.rows - poisonous} edible / ${poisonous} poisonous, ${schema.features.length} features.`;
}

/** The guarantee the threshold states, or why it states none, for the log. */
function guaranteeLine(threshold: SafetyThreshold, alpha: number, delta: number): string {
  const g = threshold.guarantee!;
  return g.stated
    ? `Guarantee: at most ${alpha} of poisonous rows called edible, with probability ≥ ${1 - delta} (calibrated on ${g.calibrationPoisonous} poisonous validation rows; conformal cut lets ${g.allowedAbove} through, edible only above P = ${threshold.edibleAbove.toFixed(3)}).`
    : `No guarantee stated: ${g.reason}. Threshold falls back to the most edible-looking poisonous validation row.`;
}

/**
 * The 5-fold check on all the rows (the reference data and any feedback), unless the caller skips it
 * or a class is too small to hold out in every fold.
 */
async function crossValidateStep(
  req: TrainRequest,
  params: Record<string, unknown>,
  alpha: number,
  delta: number,
  step: Step,
  ev: PipelineEvents,
): Promise<CrossValidation | undefined> {
  const log = (line: string) => ev.onLog?.(line);
  const whole = req.extraTrainRows ? concatDatasets(req.dataset, req.extraTrainRows) : req.dataset;
  const poisonousRows = whole.label.reduce((n, v) => n + v, 0);
  const tooSmall = Math.min(poisonousRows, whole.rows - poisonousRows) < 2 * CV_FOLDS;
  if (req.crossValidate === false || tooSmall) {
    ev.onStep?.('crossValidate', 'skipped');
    log(tooSmall ? `5-fold check skipped: each class needs at least ${2 * CV_FOLDS} rows.` : '5-fold check skipped.');
    return undefined;
  }
  const cv = await step('crossValidate', () =>
    crossValidate(
      { schema: req.schema, dataset: whole, kind: req.kind, params, seed: req.seed, alpha, delta, folds: CV_FOLDS },
      { signal: ev.signal, onProgress: ev.onProgress, onLog: log },
    ),
  );
  log(
    `5-fold check: ${cv.falseEdible} of ${cv.poisonous} poisonous called edible; ${(cv.uncertainShare * 100).toFixed(2)} % of ${cv.rows} rows uncertain (${(cv.ms / 1000).toFixed(1)} s).`,
  );
  return cv;
}

/** The split rows and their encoding: the run's largest arrays. */
interface EncodedSplits {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
  xTrain: Matrix;
  xVal: Matrix;
  xTest: Matrix;
}

/** Split → impute → encode: the training split (plus any feedback rows), the validation and test splits, and their matrices. */
async function splitAndEncode(req: TrainRequest, step: Step, log: (line: string) => void): Promise<{ idx: SplitIndices; pre: Preprocessor; splits: EncodedSplits }> {
  const ds = req.dataset;
  const idx = await step('split', () => stratifiedSplit(ds.label, req.split ?? DEFAULT_SPLIT, req.seed));
  log(`Split (seed ${req.seed}): ${idx.train.length} train / ${idx.validation.length} validation / ${idx.test.length} test.`);
  const train = req.extraTrainRows ? concatDatasets(takeDatasetRows(ds, idx.train), req.extraTrainRows) : takeDatasetRows(ds, idx.train);
  if (req.extraTrainRows) log(`Training split: ${idx.train.length} reference rows + ${req.extraTrainRows.rows} feedback rows.`);
  const validation = takeDatasetRows(ds, idx.validation);
  const test = takeDatasetRows(ds, idx.test);
  const pre = await step('impute', () => Preprocessor.fit(req.schema, train));
  const splits = await step('encode', () => {
    const [t, v, s] = [train, validation, test].map((d) => pre.transform(d));
    log(`Encoded to ${pre.dims} columns (one-hot + standardised numbers). Unseen in training: ${v.unknown.length} validation and ${s.unknown.length} test values.`);
    return { train, validation, test, xTrain: t.x, xVal: v.x, xTest: s.x };
  });
  return { idx, pre, splits };
}

/** PCA → train → evaluate on the encoded splits; the model is disposed if any of it fails. */
async function fitAndEvaluate(req: TrainRequest, pre: Preprocessor, d: EncodedSplits, alpha: number, delta: number, step: Step, ev: PipelineEvents) {
  const log = (line: string) => ev.onLog?.(line);
  const pcaComponents = Math.min(req.pcaComponents ?? 3, pre.dims);
  const pca = await step('pca', () => fitPca(d.xTrain, pcaComponents));
  log(`PCA: explained variance ratio ${pca.explainedVarianceRatio.map((r) => r.toFixed(3)).join(', ')}.`);
  const model = createModel(req.kind, req.params);
  try {
    const trainStarted = performance.now();
    await step('train', () =>
      model.fit(d.xTrain, d.train.label, {
        seed: req.seed,
        signal: ev.signal,
        onProgress: ev.onProgress,
        onEpoch: ev.onEpoch,
        validation: d.validation.rows ? { x: d.xVal, y: d.validation.label } : undefined,
      }),
    );
    const trainingMs = Math.round(performance.now() - trainStarted);
    log(`Trained ${req.kind} in ${(trainingMs / 1000).toFixed(2)} s.`);
    // The safety threshold comes from the validation split (the training split when there is none); the test split only measures.
    const calibration = d.validation.rows ? { x: d.xVal, y: d.validation.label } : { x: d.xTrain, y: d.train.label };
    const evaluated = await step('evaluate', () => evaluateModel(req.schema, pre, model, calibration, { x: d.xTest, y: d.test.label }, alpha, delta, log));
    return { model, pca, trainingMs, ...evaluated };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * Split, encode, fit and evaluate, returning no matrix: the encoded splits die with this call, so
 * the 5-fold check (which encodes folds of its own) never holds them beside its own.
 */
async function trainOnSplits(req: TrainRequest, alpha: number, delta: number, step: Step, ev: PipelineEvents) {
  const { idx, pre, splits } = await splitAndEncode(req, step, (line) => ev.onLog?.(line));
  const fitted = await fitAndEvaluate(req, pre, splits, alpha, delta, step, ev);
  return { idx, pre, train: splits.train, ...fitted };
}

export async function runTrainingPipeline(req: TrainRequest, ev: PipelineEvents = {}): Promise<TrainResult> {
  const log = (line: string) => ev.onLog?.(line);
  const step = stepRunner(ev);
  const started = performance.now();
  const { dataset: ds, schema } = req;
  const alpha = req.alpha ?? DEFAULT_ALPHA;
  const delta = req.delta ?? DEFAULT_DELTA;
  log(await step('validate', () => validateTrainingData(schema, ds, alpha, delta)));

  const { idx, pre, train, model, pca, trainingMs, evaluation, threshold, importance } = await trainOnSplits(req, alpha, delta, step, ev);
  try {
    const cv = await crossValidateStep(req, model.params, alpha, delta, step, ev);
    if (cv) evaluation.crossValidation = cv;

    const bundle: ModelBundle = {
      format: 'sporeprint-model',
      formatVersion: 1,
      workspaceId: req.workspaceId,
      schemaFingerprint: schemaFingerprint(schema),
      kind: req.kind,
      params: model.params,
      seed: req.seed,
      createdAt: Date.now(),
      appVersion: req.appVersion,
      data: { sha256: req.dataSha256, rows: ds.rows, split: { train: train.rows, validation: idx.validation.length, test: idx.test.length } },
      trainingMs,
      model: await model.toJSON(),
      preprocessor: pre.toJSON(),
      pca: pca.toJSON(),
      threshold,
      evaluation,
      importance,
      referenceProfile: profileDataset(schema, train),
    };
    log(`Pipeline finished in ${((performance.now() - started) / 1000).toFixed(2)} s.`);
    return { bundle, model, preprocessor: pre };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
