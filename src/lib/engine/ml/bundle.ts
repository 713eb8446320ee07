import type { FeatureImportance } from './explain';
import type { ModelKind, SavedModel } from './model';

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
