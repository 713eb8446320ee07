import type { ColumnData } from '../data/dataset';
import type { WorkspaceSchema } from '../data/schema';
import type { Pca } from '../ml/pca';
import { EncodeBuffer, type Preprocessor } from '../ml/preprocess';
import { twoProportionZTest, type ZTestResult } from '../stats/proportions';
import { columnDrift } from './columnDrift';
import { driftReport, type DatasetDrift } from './datasetDrift';
import type { ColumnDriftResult, DriftOptions } from './driftTypes';
import { answeringVersions, type AnsweringVersion } from './answeredBy';
import { estimateShownAccuracy, type EstimatedAccuracy } from './estimatedAccuracy';
import { projectColumns, thinPoints, type Points } from './projection';
import { quality, type QualityMetrics } from './quality';
import { CHUNK_ROWS, MAX_MAP_POINTS, type MonitorReference } from './reference';

export const REPORT_FORMAT = 'sporeprint-monitor-report';

/**
 * Production rows (every prediction served, single or batch) as typed columns, oldest first, with
 * what was answered and, where an expert gave it, the true class.
 */
export interface ProductionRows {
  rows: number;
  columns: ColumnData[];
  pPoisonous: Float32Array;
  /** 1 where the answer shown was "edible" (uncertain counts as called poisonous). */
  calledEdible: Uint8Array;
  /** Expert label: 0 edible, 1 poisonous, 255 none. */
  feedback: Uint8Array;
  /** The version that answered each row: its registry id and its number (an A/B split row: the arm's version). */
  versionId: Int32Array;
  version: Int32Array;
  createdAt: Float64Array;
}

/**
 * The production rows behind the over-time charts: every row, or (past HISTORY_SAMPLE_ROWS) an even
 * sample of them, each with its place in serving order, so buckets and version changes keep the
 * row numbers of the whole history.
 */
export interface HistoryRows extends ProductionRows {
  /** Rows served in all; `rows` when every row is here. */
  totalRows: number;
  /** Serving-order index of each row, ascending; absent when every row is here (0, 1, 2…). */
  positions?: Float64Array;
}

/** Past this many production rows the over-time charts are drawn from an even sample of this size. */
export const HISTORY_SAMPLE_ROWS = 50_000;

/** What the Monitor page asks for: the last N production rows, a date range, or one batch file. */
export type WindowRequest = { kind: 'last'; n: number } | { kind: 'range'; from: number; to: number } | { kind: 'batch'; batchId: number };
export const DEFAULT_LAST_N = 500;

/** Which production rows a report looks at, as described in the report. */
export interface MonitorWindow {
  kind: 'last' | 'range' | 'batch';
  /** Stable id of the window's content (alerts are raised once per window and rule). */
  key: string;
  label: string;
}

export interface QualityBucket {
  /** Production rows [start, end) in serving order. */
  start: number;
  end: number;
  /** Time of the bucket's last row. */
  at: number;
  actual: QualityMetrics | null;
  estimated: Pick<EstimatedAccuracy, 'accuracy' | 'lower' | 'upper'>;
  /** Mean reconstruction error of the bucket's rows (multivariate drift). */
  reconstruction: number | null;
}

export interface MonitorReport {
  format: typeof REPORT_FORMAT;
  createdAt: number;
  workspace: { id: string; name: string };
  /**
   * The production version when the report was made: its training data is the drift reference and
   * its PCA draws the map. It need not have answered any row of the window: `answeredBy` says who did.
   */
  version: { id: number; number: number; edibleAbove: number };
  /** The versions that answered the window's rows, with counts and each one's quality on its own rows; most rows first. */
  answeredBy: AnsweringVersion[];
  window: MonitorWindow & { rows: number; from: number | null; to: number | null };
  reference: { source: MonitorReference['source']; rows: number };
  /** Labels for display: the report is read without the app (exported HTML). */
  features: { name: string; label: string; unit?: string; codes?: string[] }[];
  drift: DatasetDrift;
  prediction: {
    referencePredictedPoisonous: number | null;
    currentPredictedPoisonous: number | null;
    currentCalledEdible: number | null;
    probability: ColumnDriftResult | null;
  };
  target: { referencePoisonous: number; labelled: number; currentPoisonous: number | null; test: ZTestResult | null };
  pca: {
    explained: number[];
    reference: Points | null;
    current: Points;
    components: ColumnDriftResult[];
  } | null;
  /**
   * The window's estimated accuracy (no labels needed) and, with feedback, its measured quality: over
   * all its rows, whichever version answered them (per version: `answeredBy`).
   */
  estimated: EstimatedAccuracy;
  actual: QualityMetrics | null;
  /** Worker-side time of the drift tests alone, and of the whole report (rows loaded, projected, scored). */
  timings: { driftMs: number; totalMs: number | null };
  /**
   * Quality over all production rows, in buckets, and where the answering version changed (a
   * bucket that straddles a change holds both versions' answers).
   */
  history: {
    rows: number;
    bucketRows: number;
    buckets: QualityBucket[];
    swaps: { at: number; row: number; version: number }[];
    /** Reference mean ± 3σ of the reconstruction error of bucketRows-row means; null without reference data. */
    band: { mean: number; lower: number; upper: number } | null;
    /** Set when the buckets were measured on an even sample of the rows: its size. */
    sampledRows?: number;
  };
}

export interface MonitorInput {
  schema: WorkspaceSchema;
  workspaceName: string;
  version: { id: number; number: number; edibleAbove: number };
  reference: MonitorReference;
  pre: Preprocessor;
  pca: Pca;
  window: MonitorWindow;
  current: ProductionRows;
  history: HistoryRows;
  options?: DriftOptions;
  shareThreshold?: number;
  now?: number;
}

/** Everything the Monitor page shows for one window, computed in the worker in one pass. */
export function buildMonitorReport(input: MonitorInput): MonitorReport {
  const { schema, reference, current } = input;
  const t0 = performance.now();
  const drift = driftReport(reference.summary, current.columns, input.options, input.shareThreshold);
  const driftMs = Math.round((performance.now() - t0) * 10) / 10;
  // The window and the history are encoded into the same memory (fresh memory is slow to touch).
  const buffer = new EncodeBuffer();
  const pca = pcaSection(input, buffer);
  const probability =
    reference.predictions && current.rows
      ? columnDrift(reference.predictions.summary, { name: 'P(poisonous)', kind: 'numeric', values: Float64Array.from(current.pPoisonous) }, input.options)
      : null;
  let predictedPoisonous = 0;
  let calledEdible = 0;
  for (let i = 0; i < current.rows; i++) {
    if (current.pPoisonous[i] >= 0.5) predictedPoisonous++;
    calledEdible += current.calledEdible[i];
  }
  const actual = quality(current, 0, current.rows);
  const refPoisonous = Math.round(reference.poisonousShare * reference.rows);
  return {
    format: REPORT_FORMAT,
    createdAt: input.now ?? Date.now(),
    workspace: { id: schema.id, name: input.workspaceName },
    version: input.version,
    answeredBy: answeringVersions(current),
    window: { ...input.window, rows: current.rows, from: current.rows ? current.createdAt[0] : null, to: current.rows ? current.createdAt[current.rows - 1] : null },
    reference: { source: reference.source, rows: reference.rows },
    features: schema.features.map((f) =>
      f.kind === 'categorical' ? { name: f.name, label: f.label, codes: f.codes.map((c) => c.label) } : { name: f.name, label: f.label, ...(f.unit ? { unit: f.unit } : {}) },
    ),
    drift,
    prediction: {
      referencePredictedPoisonous: reference.predictions?.predictedPoisonousShare ?? null,
      currentPredictedPoisonous: current.rows ? predictedPoisonous / current.rows : null,
      currentCalledEdible: current.rows ? calledEdible / current.rows : null,
      probability,
    },
    target: {
      referencePoisonous: reference.poisonousShare,
      labelled: actual?.labelled ?? 0,
      currentPoisonous: actual ? labelledPoisonous(current) / actual.labelled : null,
      test: actual && reference.rows ? twoProportionZTest([labelledPoisonous(current), refPoisonous], [actual.labelled, reference.rows]) : null,
    },
    pca,
    estimated: estimateShownAccuracy(current.pPoisonous, current.calledEdible),
    actual,
    timings: { driftMs, totalMs: null },
    history: historySection(input, buffer),
  };
}

function labelledPoisonous(rows: ProductionRows): number {
  let n = 0;
  for (let i = 0; i < rows.rows; i++) if (rows.feedback[i] === 1) n++;
  return n;
}

function pcaSection({ reference, pre, pca, current, options }: MonitorInput, buffer: EncodeBuffer): MonitorReport['pca'] {
  if (!current.rows) return null;
  const { pcs, k } = projectColumns(pre, pca, current.columns, current.rows, { buffer });
  const components = reference.pca
    ? reference.pca.components.map((ref, j) =>
        columnDrift(ref, { name: `PC${j + 1}`, kind: 'numeric', values: Float64Array.from({ length: current.rows }, (_, r) => pcs[r * k + j]) }, options),
      )
    : [];
  return {
    explained: pca.explainedVarianceRatio,
    reference: reference.pca?.points ?? null,
    current: thinPoints(pcs, k, MAX_MAP_POINTS),
    components,
  };
}

/** Up to this many buckets over all production rows; each holds at least MIN_BUCKET_ROWS. */
const MAX_BUCKETS = 40;
const MIN_BUCKET_ROWS = 25;

function historySection({ history, reference, pre, pca }: MonitorInput, buffer: EncodeBuffer): MonitorReport['history'] {
  const m = history.rows;
  const n = history.totalRows;
  const at = (i: number) => (history.positions ? history.positions[i] : i);
  const bucketRows = Math.max(MIN_BUCKET_ROWS, Math.ceil(n / MAX_BUCKETS));
  const recon = projectColumns(pre, pca, history.columns, m, { buffer }).reconstruction;
  const buckets: QualityBucket[] = [];
  // Buckets cut the whole history (n rows); each is measured on the rows of `history` that fall in it.
  for (let start = 0, a = 0; start < n;) {
    // A tail shorter than MIN_BUCKET_ROWS joins this bucket rather than standing alone as a noisy last point.
    const end = n - (start + bucketRows) < MIN_BUCKET_ROWS ? n : start + bucketRows;
    let b = a;
    while (b < m && at(b) < end) b++;
    if (b > a) {
      let sum = 0;
      for (let i = a; i < b; i++) sum += recon[i];
      const est = estimateShownAccuracy(history.pPoisonous.subarray(a, b), history.calledEdible.subarray(a, b));
      buckets.push({
        start,
        end,
        at: history.createdAt[b - 1],
        actual: quality(history, a, b),
        estimated: { accuracy: est.accuracy, lower: est.lower, upper: est.upper },
        reconstruction: sum / (b - a),
      });
    }
    start = end;
    a = b;
  }
  const swaps: MonitorReport['history']['swaps'] = [];
  for (let i = 1; i < m; i++) if (history.version[i] !== history.version[i - 1]) swaps.push({ at: history.createdAt[i], row: at(i), version: history.version[i] });
  return {
    rows: n,
    bucketRows,
    buckets,
    swaps,
    band: reference.pca ? reconstructionBand(reference.pca.reconstruction, bucketRows) : null,
    ...(m < n ? { sampledRows: m } : {}),
  };
}

/**
 * Reference mean ± 3σ for means of `bucketRows` rows. The reference's σ is that of CHUNK_ROWS-row
 * chunk means; a mean of b rows spreads √(CHUNK_ROWS / b) times as much (independent rows).
 */
export function reconstructionBand(ref: { mean: number; std: number }, bucketRows: number): { mean: number; lower: number; upper: number } {
  const sigma = ref.std * Math.sqrt(CHUNK_ROWS / bucketRows);
  return { mean: ref.mean, lower: Math.max(0, ref.mean - 3 * sigma), upper: ref.mean + 3 * sigma };
}
