/**
 * The contracts between the page and its two workers: `ServingApi` (serving.worker.ts) and
 * `TrainingApi` (training.worker.ts). Each worker implements its own; the page imports only these
 * types. Long jobs take a job id (for that worker's `cancelJob`) and a progress callback.
 */
import type { ImportReport } from '$lib/engine/data/importCsv';
import type { WorkspaceSchema } from '$lib/engine/data/schema';
import type { ProgressCallback } from '$lib/engine/progress';
import type { ModelKind } from '$lib/engine/ml/model';
import type { Contribution, DecisionPath, FeatureInput } from '$lib/engine/ml/explain';
import type { FieldCheck, WorstCase } from '$lib/engine/ml/worstCase';
import type { ReferenceMatch } from '$lib/engine/ml/referenceMatch';
import type { DriftOptions } from '$lib/engine/monitor/driftTypes';
import type { Arm } from '$lib/engine/abtest/routing';
import type { AbTest, AbTestDesign } from '$lib/engine/abtest/record';
import type { ModelStage } from '$lib/engine/ml/bundle';
import type { Decision } from '$lib/engine/ml/threshold';
import type { Objection } from '$lib/engine/abtest/conclusion';
import type { AbTestStatus } from '$lib/engine/abtest/analysis';
import type { FiredAlert } from '$lib/engine/monitor/alerts';
import type { MonitorReport, WindowRequest } from '$lib/engine/monitor/report';
import type { BatchCounts, BatchDigest, BatchFilter, BatchRowsPage } from '$lib/engine/ml/batchTable';
import type { BackupScope, BackupWorkspace } from '$lib/engine/backup/format';
import type { FeedbackPolicy, MergeConflict, MergeSummary } from '$lib/engine/backup/mergePlan';
import type { TableCounts } from '$lib/engine/backup/tables';

// The contract's own types: the database's rows stay behind the workers (they pass them through
// these shapes, so a row that drifts from them fails the worker's type check, not the page's).

export type { ModelStage } from '$lib/engine/ml/bundle';
export type { AbTest, AbTestDesign } from '$lib/engine/abtest/record';
export type { BackupScope, BackupWorkspace, FeedbackPolicy, MergeConflict, MergeSummary, TableCounts };

/** A backup file made in the worker, for the page to download. */
export interface BackupMade {
  blob: Blob;
  fileName: string;
  bytes: number;
  /** The file's checksum (SHA-256 of everything before its last line). */
  sha256: string;
  ms: number;
}

/** What a merge of one workspace of a file would do here, under one rule for conflicting labels. */
export interface MergeReview {
  workspaceId: string;
  name: string;
  summary: MergeSummary;
  conflicts: MergeConflict[];
}

/** A checked backup file, read (not yet written anywhere): what it holds, and what restoring or merging it would do. */
export interface BackupReview {
  token: string;
  fileName: string;
  bytes: number;
  sha256: string;
  createdAt: number;
  appVersion: string;
  scope: BackupScope;
  workspaces: BackupWorkspace[];
  /** What a restore takes away here first: the same workspaces (or everything) as they are now. */
  replaces: { workspaceId: string | null; name: string; counts: TableCounts }[];
  /** A merge, per rule for labels both sides gave differently. */
  merge: Record<FeedbackPolicy, MergeReview[]>;
  /** Feedbacks per retraining. */
  k: number;
}

export interface BackupApplied {
  mode: 'restore' | 'merge';
  workspaceIds: string[];
  ms: number;
}

/** What starting an A/B test asks for: production against the staging version `challengerVersionId`. */
export interface NewAbTest {
  workspaceId: string;
  mode: 'split' | 'shadow';
  /** Split mode: share of rows the challenger answers. */
  challengerShare: number;
  design: AbTestDesign;
  autoConclude: boolean;
  challengerVersionId: number;
}

export interface MonitorResult {
  report: MonitorReport;
  /** Alerts this report raised now (a window raises each rule once). */
  raised: FiredAlert[];
}

export interface EngineInfo {
  /** The tfjs backend actually running: 'wasm' normally, 'cpu' when wasm could not start. */
  backend: string;
  tfjsVersion: string;
  /** Why the preferred backend was not used, if it was not. */
  fallbackReason: string | null;
  initMs: number;
  /** Whether the worker is cross-origin isolated: then, with 4 or more cores, tfjs-wasm runs its multi-threaded SIMD build. */
  crossOriginIsolated: boolean;
  /** Threads tfjs-wasm computes on (1 without isolation or with fewer than 4 cores). */
  threads: number;
  /** Why tfjs-wasm runs on one thread, when it does by choice (not isolated, or too few cores); null otherwise. */
  singleThreaded: string | null;
}

export type ImportSource = { kind: 'file'; file: File } | { kind: 'url'; url: string };

export interface AnalyzeResult {
  /** Handle of the analysed rows held in the worker until committed or discarded. */
  importId: string;
  report: ImportReport;
  schema: WorkspaceSchema;
  /** The workspace the rows would go to. */
  workspaceId: string;
  /** True when no known schema matched and committing creates a new workspace. */
  createsWorkspace: boolean;
  /** The stored version with exactly this content, if any (re-import of the same data). */
  existingVersionId: number | null;
}

export interface CommitResult {
  status: 'stored' | 'duplicate';
  versionId: number;
  workspaceId: string;
  rows: number;
}

export interface TrainOptions {
  workspaceId: string;
  datasetVersionId: number;
  kind: ModelKind;
  params?: Record<string, unknown>;
  /** Drawn at random (and recorded with the run) when not given. */
  seed?: number;
  /** The safety guarantee's bound on poisonous called edible (default 1 %, see engine/ml/conformal.ts). */
  alpha?: number;
  /** The chance the bound may fail for the calibration draw (default 5 %). */
  delta?: number;
  /** Run the 5-fold check after training (default true; it takes about 5× a training). */
  crossValidate?: boolean;
}

export interface TrainOutcome {
  runId: number;
  versionId: number;
  version: number;
}

export interface PredictOneResult {
  predictionId: number;
  versionId: number;
  version: number;
  kind: ModelKind;
  pPoisonous: number;
  decision: Decision;
  /** The version's safety threshold: "edible" only when P(edible) is above it. */
  edibleAbove: number;
  contributions: Contribution[];
  /** Features whose value the model never saw in training (answered as if not given). */
  unknown: string[];
  /** Single trees only: the tests on the way to the leaf. */
  path?: DecisionPath;
  /**
   * With fields not given (and an answer that was not already "poisonous"): the highest P(poisonous)
   * found over their values, the completion that gives it, and the fields to check first.
   * "edible" is answered only if even this completion is called edible.
   */
  /** Where the version's training data is on this device: the mushrooms in it sharing the given answers. */
  reference?: ReferenceMatch;
  worstCase?: { pPoisonous: number; exhaustive: boolean; checks: FieldCheck[]; completion: WorstCase['completion'] };
  /** During an A/B test: its arm (the version above answered); in shadow mode, the challenger's unseen answer. */
  ab?: { testId: number; mode: 'split' | 'shadow'; arm: Arm; shadowVersion?: number; shadowDecision?: Decision };
  latencyMs: number;
}

/**
 * What the page holds of a predicted batch: its numbers and its report, never its rows. The rows stay
 * in the serving worker (and in IndexedDB); the page reads them a page at a time (`readBatchPage`),
 * so a million-row batch costs the page what fifty rows cost.
 */
export interface BatchSummary {
  batchId: number;
  report: ImportReport;
  versionId: number;
  version: number;
  kind: ModelKind;
  edibleAbove: number;
  rows: number;
  /** The file had a class column (its labels can be submitted as feedback). */
  hasLabel: boolean;
  /** The table's columns, as the download writes them. */
  columns: string[];
  counts: BatchCounts;
  heldCounts: { unknownFields: number; reference: number };
  /** The model alone, all rows. */
  predictMs: number;
  /** The model and the answer rule (worst case over blank fields, reference look-up): what the user waited for. */
  answerMs: number;
  rowsPerSecond: number;
  /** Split A/B test: the rows the challenger (challengerVersion) answered. */
  ab?: { testId: number; challengerVersion: number; challengerRows: number };
  /** Shadow A/B test: the challenger answered every row too (its answers are a column of the rows). */
  shadow?: { testId: number; version: number };
}

/** One page of a batch's rows under a filter (engine/ml/batchTable.ts `BatchRowsPage`). */
export interface BatchPage extends BatchRowsPage {
  batchId: number;
  filter: BatchFilter;
}

/**
 * The serving worker: imports, predictions and the live model, the registry's stage changes and
 * exports. Predictions never queue behind a training epoch: that runs in the training worker.
 */
export interface ServingApi {
  getEngineInfo(): Promise<EngineInfo>;
  /** `classColumn`: for a file of unknown layout, the class column the user chose in the import review. */
  analyzeCsv(jobId: string, source: ImportSource, onProgress?: ProgressCallback, options?: { classColumn?: string }): Promise<AnalyzeResult>;
  /** Stores the accepted rows of an analysed import in one transaction. */
  commitImport(importId: string, options?: { workspaceName?: string }): Promise<CommitResult>;
  discardImport(importId: string): Promise<void>;
  /** Aborts a long job of this worker (between chunks or epochs); an unknown job is ignored. */
  cancelJob(jobId: string): Promise<void>;
  /** One mushroom through the production model; logged as production data. */
  predictOne(workspaceId: string, input: FeatureInput): Promise<PredictOneResult>;
  /** A whole CSV through the production model (validated like an import; class column optional); logged. */
  predictBatch(jobId: string, workspaceId: string, source: ImportSource, onProgress?: ProgressCallback): Promise<BatchSummary>;
  /** Rows `offset`… of a logged batch under a filter, at most `limit` (≤ 500); an offset past the end gives the last page. */
  readBatchPage(batchId: number, filter: BatchFilter, offset: number, limit: number): Promise<BatchPage>;
  /** The page no longer shows the batch: the worker need not keep its rows in memory. */
  releaseBatch(batchId: number): Promise<void>;
  /** Logged batches' counts, each worked out once in this worker (batchDigests.ts); a batch no longer stored is left out. */
  batchDigests(refs: { id: number; createdAt: number }[]): Promise<BatchDigest[]>;
  /** A logged batch's results as a CSV file (the rows `filter` keeps), written in the worker in parts. */
  exportBatchCsv(jobId: string, batchId: number, filter: BatchFilter, onProgress?: ProgressCallback): Promise<{ fileName: string; blob: Blob }>;
  /** The version serving predictions in this worker, or null. */
  getLiveModel(workspaceId: string): Promise<{ versionId: number; kind: ModelKind } | null>;
  /** First launch: installs each workspace's shipped bundle as v1 production if it has no models. */
  installShippedModels(bundleUrls: Record<string, string>): Promise<string[]>;
  /** Moves a version to a stage (promotion archives the old production); the live model follows. */
  setModelStage(versionId: number, stage: ModelStage, reason: string): Promise<void>;
  /** One file with everything needed to use the version elsewhere. */
  exportModel(versionId: number): Promise<{ fileName: string; json: string }>;
  /** Validates and registers an exported version as staging in the workspace. */
  importModel(workspaceId: string, json: string): Promise<{ versionId: number; version: number }>;
}

/**
 * The training worker: training and retraining, feedback (which may start a retraining or
 * conclude an A/B test), A/B tests and monitoring reports. A new production version reaches the
 * serving worker through IndexedDB, which it watches.
 */
export interface TrainingApi {
  /** Runs the training pipeline as a run; registers a staging version only if it finishes. */
  trainModel(jobId: string, options: TrainOptions, onProgress?: ProgressCallback): Promise<TrainOutcome>;
  /** Aborts a long job of this worker (between chunks or epochs); an unknown job is ignored. */
  cancelJob(jobId: string): Promise<void>;
  /** An expert's label for a logged prediction; every k-th pending feedback starts one retraining. */
  submitFeedback(predictionId: number, label: 0 | 1): Promise<void>;
  /** A batch file's class column as feedback for each of its rows; returns how many rows that is. */
  submitBatchFeedback(batchId: number): Promise<{ rows: number }>;
  /**
   * Saves k (feedbacks per retraining, every workspace); a workspace whose waiting feedback already
   * reaches it starts its retraining now (in the background: the call returns once k is saved).
   */
  saveRetrainEvery(k: number): Promise<void>;
  /** At start: a retraining cut short by a reload or crash left its feedback waiting; pick it up. */
  resumeRetraining(workspaceIds: string[]): Promise<void>;
  /** Starts an A/B test of production against a staging version (one running test per workspace). */
  startAbTest(options: NewAbTest): Promise<AbTest>;
  /** A test's outcomes per arm and its statistics (final numbers once concluded). */
  abTestStatus(testId: number): Promise<AbTestStatus>;
  /**
   * Ends a running test by hand; a winning challenger becomes production through the same hot-swap.
   * `acknowledged`: the objections (not significant, short of the minimum…) the user confirmed;
   * one not confirmed refuses the conclusion (invalid-argument, `details.objections`).
   */
  concludeAbTest(testId: number, winner: Arm, acknowledged?: Objection[]): Promise<AbTest>;
  /** A monitoring report of the production version on one window of production rows; raises and stores alerts. */
  computeMonitor(workspaceId: string, window: WindowRequest, options?: DriftOptions): Promise<MonitorResult>;
  /** Writes a workspace, or everything, to one backup file (streamed, with progress; cancel with the job id). */
  backupData(jobId: string, scope: BackupScope, onProgress?: ProgressCallback): Promise<BackupMade>;
  /** Checks a backup file (refusing another app's, a newer, a cut or an edited one) and reads it aside for review; writes nothing here. */
  inspectBackup(jobId: string, file: Blob, fileName: string, onProgress?: ProgressCallback): Promise<BackupReview>;
  /** Restores or merges the reviewed file in one transaction; a merge whose conflicts changed since the review is refused. */
  applyBackup(jobId: string, token: string, mode: 'restore' | 'merge', policy: FeedbackPolicy, onProgress?: ProgressCallback): Promise<BackupApplied>;
  /** Gives up a reviewed file (its staged copy is deleted). */
  discardBackup(token: string): Promise<void>;
  /** What a workspace, or everything, holds: shown before erasing it. */
  countData(scope: BackupScope): Promise<TableCounts>;
  /** Erases a workspace, or everything, in one transaction; returns what was erased. */
  eraseData(scope: BackupScope): Promise<TableCounts>;
}
