import type { FeatureImportance } from './explain';
import { EngineError } from '../errors';
import { isNumber, isObject } from '../guards';
import { MODEL_KINDS, type ModelKind, type SavedModel } from './model';

/** Where a version stands in the registry: one production version per workspace. */
export type ModelStage = 'staging' | 'production' | 'archived';

/** Test-split metrics at one decision threshold (see metrics.ts). */
export interface MetricSet {
  threshold: number;
  confusion: { tp: number; fp: number; tn: number; fn: number };
  /** Poisonous rows called edible (= fn, positive class = poisonous): shown first everywhere. */
  falseEdible: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  balancedAccuracy: number;
  mcc: number;
  rocAuc: number;
  logLoss: number;
  brier: number;
  averagePrecision: number;
}

/**
 * Say "edible" only when P(edible) > `edibleAbove`; P(edible) ≤ 0.5 is "poisonous"; in between is
 * "uncertain — treat as poisonous". Chosen on the validation split (threshold.ts).
 */
export interface SafetyThreshold {
  edibleAbove: number;
  /** What the threshold promises (conformal.ts). Bundles made before it existed lack it: "no guarantee recorded". */
  guarantee?: SafetyGuarantee;
  /** Only in bundles made before the guarantee: the share of validation poisonous rows allowed to be called edible. */
  maxFalseEdibleRate?: number;
  validation: { poisonous: number; edible: number; falseEdible: number; edibleCalledEdible: number };
}

/**
 * "On new data like the calibration data, at most `alpha` of poisonous mushrooms are called edible,
 * with probability at least 1 − `delta`" — stated only when `stated`; otherwise `reason` says why not.
 */
export interface SafetyGuarantee {
  alpha: number;
  delta: number;
  /** Poisonous rows in the calibration (validation) split: the n of the guarantee. */
  calibrationPoisonous: number;
  /** Calibration poisonous rows the conformal cut lets through (j − 1); the 0.9 floor may let fewer. */
  allowedAbove: number;
  stated: boolean;
  reason?: string;
}

/** The 5-fold stratified check of the whole pipeline (crossValidation.ts): counts on held-out folds. */
export interface CrossValidation {
  folds: number;
  /** Poisonous rows called edible, summed over the held-out folds. */
  falseEdible: number;
  /** Share of all rows answered "uncertain — treat as poisonous". */
  uncertainShare: number;
  poisonous: number;
  rows: number;
  perFold: { rows: number; poisonous: number; falseEdible: number; uncertain: number; edibleAbove: number; guaranteeStated: boolean }[];
  seed: number;
  ms: number;
}

export interface Evaluation {
  /** At the plain 0.5 cut (P(poisonous) ≥ 0.5 → poisonous). */
  atHalf: MetricSet;
  /** At the safety threshold: anything not confidently edible counts as called poisonous. */
  atSafety: MetricSet;
  rows: number;
  /** The 5-fold check (bundles made before it existed, or trained with it skipped, lack it). */
  crossValidation?: CrossValidation;
  curves: {
    roc: { fpr: number[]; tpr: number[] };
    pr: { recall: number[]; precision: number[] };
    calibration: { predicted: number[]; observed: number[]; count: number[] };
  };
}

/**
 * One trained model with everything needed to use it elsewhere: the preprocessing fitted on its
 * training split, the PCA, the safety threshold, its evaluation and a reference profile (statistics
 * of the training data, never rows). This is the export/import file and the shipped artifact.
 */
export interface ModelBundle {
  format: 'sporeprint-model';
  formatVersion: 1;
  workspaceId: string;
  /** Schema fingerprint: the workspace's feature names and kinds, to refuse a bundle for another layout. */
  schemaFingerprint: string;
  kind: ModelKind;
  params: Record<string, unknown>;
  seed: number;
  createdAt: number;
  appVersion: string;
  data: { sha256: string; rows: number; split: { train: number; validation: number; test: number } };
  trainingMs: number;
  model: SavedModel;
  /** Saved Preprocessor (preprocess.ts). */
  preprocessor: unknown;
  /** Saved PCA (pca.ts) fitted on the encoded training split. */
  pca: unknown;
  threshold: SafetyThreshold;
  evaluation: Evaluation;
  /** Per-column statistics of the training split (profile.ts DatasetProfile) for drift. */
  referenceProfile: unknown;
  /** Global feature importance on the validation split (bundles made before it existed lack it). */
  importance?: FeatureImportance[];
}

declare const verified: unique symbol;

/**
 * A bundle that loaded and answered a probe mushroom with finite probabilities (verify.ts): the only
 * kind the registry stores, so a version that cannot answer is never registered.
 */
export type VerifiedBundle = ModelBundle & { readonly [verified]: true };

export function invalid(message: string, details: Record<string, string | number | null> = {}): EngineError {
  return new EngineError('invalid-argument', message, details);
}

/**
 * Checks that `b` is a bundle this app can store and use: the fields the registry reads are there
 * with the right types and the kind is known. Throws invalid-argument naming the first problem.
 */
export function validateBundle(b: unknown): ModelBundle {
  const bad = (what: string) => invalid(`This file is not a usable Sporeprint model: ${what}.`);
  if (!isObject(b)) throw bad('it holds no model bundle');
  if (b.format !== 'sporeprint-model') throw bad(`its bundle format is ${JSON.stringify(b.format ?? null)}, expected "sporeprint-model"`);
  if (b.formatVersion !== 1) {
    throw invalid(`This model was saved in bundle format version ${JSON.stringify(b.formatVersion ?? null)}; this app reads version 1. Update the app, or export the model again.`);
  }
  if (typeof b.workspaceId !== 'string' || !b.workspaceId) throw bad('it does not say which workspace it was trained for');
  if (typeof b.schemaFingerprint !== 'string' || !b.schemaFingerprint) throw bad('it has no schema fingerprint');
  if (!MODEL_KINDS.includes(b.kind as ModelKind)) {
    throw invalid(`Unknown model kind ${JSON.stringify(b.kind ?? null)}: this app knows ${MODEL_KINDS.join(', ')}.`, { kind: String(b.kind) });
  }
  if (!isObject(b.model)) throw bad('the trained model itself is missing');
  if (!isObject(b.params)) throw bad('its parameters are missing');
  if (!isNumber(b.seed)) throw bad('its seed is missing');
  if (!isNumber(b.trainingMs)) throw bad('its training time is missing');
  if (!isObject(b.data) || typeof b.data.sha256 !== 'string' || !isNumber(b.data.rows)) throw bad('the description of its training data is missing');
  if (!isObject(b.threshold) || !isNumber(b.threshold.edibleAbove)) throw bad('its safety threshold is missing');
  if (!isObject(b.evaluation) || !isObject(b.evaluation.atHalf) || !isObject(b.evaluation.atSafety)) throw bad('its evaluation is missing');
  if (
    b.importance !== undefined &&
    !(Array.isArray(b.importance) && b.importance.every((f) => isObject(f) && typeof f.feature === 'string' && typeof f.label === 'string' && isNumber(f.score)))
  ) {
    throw bad('its feature importance is malformed');
  }
  return b as unknown as ModelBundle;
}
