import type { PathStep } from './families/cart';
import type { ProgressCallback } from '../progress';
import type { Matrix } from './matrix';

/** The model families the app trains. `baseline` = scaler + PCA(3) + logistic regression. */
/** Every model family this build can train and read: the one list (families/ and bundle validation use it). */
export const MODEL_KINDS = ['logistic', 'mlp', 'tree', 'forest', 'baseline'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export interface FitOptions {
  seed: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Called after each epoch (neural families) with the training loss and, if given, validation loss. */
  onEpoch?: (epoch: number, loss: number, valLoss?: number) => void;
  /** Optional validation data for the per-epoch validation loss curve. */
  validation?: { x: Matrix; y: Uint8Array };
}

/** A saved model: plain JSON (tfjs weights as base64 inside), with its kind and format version. */
export interface SavedModel {
  kind: ModelKind;
  schemaVersion: number;
  params: Record<string, unknown>;
  /** Family-specific state. */
  state: unknown;
}

/**
 * Every family implements this. `predictProba` returns P(poisonous) per row (label 1 = poisonous).
 * `dispose` frees tensors (tfjs families); a no-op elsewhere.
 */
export interface Model {
  readonly kind: ModelKind;
  readonly params: Record<string, unknown>;
  fit(x: Matrix, y: Uint8Array, opts: FitOptions): Promise<void>;
  predictProba(x: Matrix): Promise<Float32Array>;
  /** Only single trees: the tests one row passes from root to leaf (other families explain by occlusion). */
  decisionPath?(x: Matrix, r: number): { steps: PathStep[]; value: number };
  toJSON(): Promise<SavedModel>;
  dispose(): void;
}
