import type { WorkspaceSchema } from '../data/schema';
import { EngineError } from '../errors';
import { FAMILY_INFO } from './families/params';
import type { ModelKind } from './model';

/**
 * What a training run holds in memory at its peak, counted from the arrays the pipeline allocates,
 * so a size that will not fit is refused before anything is loaded instead of failing halfway with
 * an allocation or stack error. Only data-sized arrays are counted; the code, tfjs and the page's
 * own memory are not (they do not grow with the rows).
 *
 * Per reference row, while the model trains:
 * - the data set as stored (8 bytes per number, 1 per category, 1 for the label), and its split
 *   copies (train / validation / test) once more;
 * - the encoded matrices of all three splits: 4 bytes (float32) per encoded column;
 * - per training row (70 %), what the model family allocates: tree and forest bin codes (1 byte per
 *   encoded column) with a float64 weight and an int32 index; the dense networks a shuffled int32
 *   order (batches are small); the baseline two standardised copies of the matrix.
 * The 5-fold check runs after the main run's matrices are let go (pipeline.ts): it holds the data set
 * and the training split (kept for the profile), and per fold its row lists, the fold's copies of the
 * data (rest, fit, calibration, test), their encoded matrices and the family's arrays for the fit
 * rows (68 %), counted half again: a fold's arrays become garbage only when the next fold has
 * begun, and the collector frees them late (250,000 Secondary rows, forest, in Node: +285 MB of
 * array buffers at the check's peak against +162 MB while the model trained). The peak is the
 * larger of the two phases.
 */

const TRAIN_SHARE = 0.7;
/** Four folds of five, less the inner calibration part (15 of 85). */
const FOLD_FIT_SHARE = 0.8 * (70 / 85);
/** The previous fold's arrays, half of them on average, still uncollected when the next fold allocates its own. */
const FOLD_GARBAGE = 1.5;

/** Bytes per row of a data set as stored in memory (typed columns and the label). */
export function storedRowBytes(schema: WorkspaceSchema): number {
  return 1 + schema.features.reduce((n, f) => n + (f.kind === 'numeric' ? 8 : 1), 0);
}

/** The widest the encoding can be: one column per number, one per code and one for "missing" per categorical feature. */
export function encodedWidthBound(schema: WorkspaceSchema): number {
  return schema.features.reduce((n, f) => n + (f.kind === 'numeric' ? 1 : f.codes.length + 1), 0);
}

/** Bytes a model family allocates per training row beyond the encoded matrix. */
function familyRowBytes(kind: ModelKind, width: number): number {
  switch (kind) {
    case 'tree':
    case 'forest':
      return width + 8 + 4;
    case 'baseline':
      return 2 * 4 * width + 4;
    default:
      return 4;
  }
}

export interface TrainingMemoryRequest {
  schema: WorkspaceSchema;
  kind: ModelKind;
  /** Whether the 5-fold check runs after training (the pipeline's default). */
  crossValidate: boolean;
}

/** Estimated peak bytes per reference row of a training run. */
export function trainingBytesPerRow(req: TrainingMemoryRequest): number {
  const stored = storedRowBytes(req.schema);
  const width = encodedWidthBound(req.schema);
  const family = familyRowBytes(req.kind, width);
  const run = 2 * stored + 4 * width + TRAIN_SHARE * family;
  if (!req.crossValidate) return run;
  // Data set + training split; fold row lists (JS number arrays, ~8 bytes an entry, and a uint32 copy);
  // the fold's data copies (0.8 + 0.8 + 0.2 of a row) and matrices; the family's arrays.
  const folds = (1 + TRAIN_SHARE) * stored + FOLD_GARBAGE * (8 + 0.8 * 4 + 1.8 * stored + 4 * width + FOLD_FIT_SHARE * family);
  return Math.max(run, folds);
}

/** Estimated peak bytes of training on `rows` rows. */
export function trainingBytes(req: TrainingMemoryRequest, rows: number): number {
  return Math.ceil(rows * trainingBytesPerRow(req));
}

/** The most rows whose training fits in `budgetBytes`. */
export function maxTrainableRows(req: TrainingMemoryRequest, budgetBytes: number): number {
  return Math.max(0, Math.floor(budgetBytes / trainingBytesPerRow(req)));
}

const count = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const size = (bytes: number) => (bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GB` : `${Math.round(bytes / 2 ** 20)} MB`);

/**
 * Refuses, before anything is loaded, a training run whose estimate exceeds the device's budget,
 * saying how many rows would fit (and how many without the 5-fold check, when it is on).
 */
export function checkTrainingFits(req: TrainingMemoryRequest, rows: number, budgetBytes: number): void {
  const need = trainingBytes(req, rows);
  if (need <= budgetBytes) return;
  const fits = maxTrainableRows(req, budgetBytes);
  const withoutCv = req.crossValidate ? maxTrainableRows({ ...req, crossValidate: false }, budgetBytes) : fits;
  const way =
    req.crossValidate && withoutCv >= rows
      ? 'Turn off the 5-fold check (then it fits), or train on a data version of at most that many rows.'
      : req.crossValidate
        ? `Train on a data version of at most that many rows (${count(withoutCv)} without the 5-fold check).`
        : 'Train on a data version of at most that many rows.';
  throw new EngineError(
    'too-large',
    `${FAMILY_INFO[req.kind].label} on ${count(rows)} rows needs about ${size(need)} of memory to train; this device allows about ${size(budgetBytes)}, enough for ${count(fits)} rows. ${way}`,
    { rows, maxRows: fits, maxRowsWithoutCrossValidation: withoutCv, neededBytes: need, budgetBytes },
  );
}
