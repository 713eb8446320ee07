import Dexie, { type EntityTable } from 'dexie';
import type { WorkspaceSchema } from '$lib/engine/data/schema';
import type { DatasetChunk } from '$lib/engine/data/dataset';
import type { DatasetProfile } from '$lib/engine/data/profile';
import type { ImportReport } from '$lib/engine/data/importCsv';
import type { Evaluation, ModelBundle, SafetyThreshold } from '$lib/engine/ml/bundle';
import type { ModelKind } from '$lib/engine/ml/model';
import type { FeatureImportance } from '$lib/engine/ml/explain';
import type { MonitorReference } from '$lib/engine/monitor/reference';
import type { MonitorReport } from '$lib/engine/monitor/report';
import type { AlertRuleId } from '$lib/engine/monitor/alerts';
import type { AbTest } from '$lib/engine/abtest/record';
import type { Arm } from '$lib/engine/abtest/routing';
import type { AbTestStatus } from '$lib/engine/abtest/analysis';
import type { ModelStage } from '$lib/engine/ml/bundle';
import { legacyUid } from '$lib/engine/backup/identity';

export type { AbTestStatus };

export interface WorkspaceRow {
  id: string;
  name: string;
  builtin: boolean;
  schema: WorkspaceSchema;
  createdAt: number;
}

/** One imported reference data set (the DVC role): identity is the SHA-256 of its canonical content. */
export interface DatasetVersionRow {
  id?: number;
  workspaceId: string;
  sha256: string;
  rows: number;
  classCounts: [number, number];
  /** The version this one follows in its workspace (the previous newest), or null for the first. */
  parentId: number | null;
  sourceName: string;
  createdAt: number;
  chunkCount: number;
  profile: DatasetProfile;
  report: Omit<ImportReport, 'rejections'> & { rejectionsListed: number };
}

export interface DatasetChunkRow extends DatasetChunk {
  versionId: number;
}

export interface SettingRow {
  key: string;
  value: unknown;
}

export type RunStatus = 'running' | 'finished' | 'failed' | 'cancelled';
export type RunStepStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled' | 'skipped';

export interface RunStep {
  id: string;
  label: string;
  status: RunStepStatus;
  ms?: number;
}

export interface RunEpoch {
  epoch: number;
  loss: number;
  valLoss?: number;
}

/** What went wrong in a run: an EngineError code (or 'interrupted', 'internal'…) and the message shown. */
export interface RunError {
  code: string;
  message: string;
}

/** One training run (the MLflow-tracking role): inputs, live progress, and its outcome. */
export interface RunRow {
  id?: number;
  workspaceId: string;
  datasetVersionId: number;
  dataSha256: string;
  appVersion: string;
  kind: ModelKind;
  params: Record<string, unknown>;
  seed: number;
  status: RunStatus;
  startedAt: number;
  endedAt?: number;
  durationMs?: number;
  epochs: RunEpoch[];
  evaluation?: Evaluation;
  threshold?: SafetyThreshold;
  steps: RunStep[];
  log: string[];
  error?: RunError;
  /** The model version registered from this run, if any. */
  modelVersionId?: number;
  /** Why the run started, when the app started it ("10 new feedbacks"). */
  reason?: string;
  /** A retraining: how many waiting feedbacks it learns from (feedback arriving later waits for the next). */
  feedbackCount?: number;
}

export type { ModelStage } from '$lib/engine/ml/bundle';
export type ModelSource = 'trained' | 'shipped' | 'imported' | 'retrained';
export type StageActor = 'user' | 'auto';

export interface StageChange {
  at: number;
  /** null for the entry that registered the version. */
  from: ModelStage | null;
  to: ModelStage;
  reason: string;
  actor: StageActor;
  /** A retrained version that passed the gate but waits in staging for this running A/B test to end. */
  waitsForAbTest?: number;
  /** Taken out of production by the serving worker because it could not be loaded: why. It is not tried again as a fallback. */
  unloadable?: string;
  /** Put into production by the serving worker because the production version could not be loaded: which one, and why. */
  fallbackFor?: { versionId: number; version: number; reason: string };
}

/** The light summary of a bundle shown in lists (the model card); the bundle itself is in `modelBundles`. */
export interface ModelCard {
  datasetSha256: string;
  datasetRows: number;
  params: Record<string, unknown>;
  seed: number;
  trainingMs: number;
  threshold: SafetyThreshold;
  metrics: Evaluation['atHalf'];
  metricsAtSafety: Evaluation['atSafety'];
  /** The fields that matter most to this version (absent for bundles made before it existed). */
  importance?: FeatureImportance[];
}

/** One registered model version (the model-registry role). */
export interface ModelVersionRow {
  id?: number;
  workspaceId: string;
  /** 1, 2, … per workspace; never reused, even after a version is deleted. */
  version: number;
  /** The run that trained it; null for shipped and imported bundles. */
  runId: number | null;
  kind: ModelKind;
  stage: ModelStage;
  createdAt: number;
  source: ModelSource;
  card: ModelCard;
  history: StageChange[];
}

/** The heavy part of a model version (weights, preprocessing, evaluation curves), keyed by its version id. */
export interface ModelBundleRow {
  versionId: number;
  bundle: ModelBundle;
}

/**
 * The one IndexedDB database. Every schema change is a new `version(n)` with an `upgrade()` where
 * data moves; never edit a published version's stores.
 */
export class SporeprintDb extends Dexie {
  workspaces!: EntityTable<WorkspaceRow, 'id'>;
  datasetVersions!: EntityTable<DatasetVersionRow, 'id'>;
  datasetChunks!: Dexie.Table<DatasetChunkRow, [number, number]>;
  settings!: EntityTable<SettingRow, 'key'>;
  runs!: EntityTable<RunRow, 'id'>;
  modelVersions!: EntityTable<ModelVersionRow, 'id'>;
  modelBundles!: EntityTable<ModelBundleRow, 'versionId'>;
  predictions!: EntityTable<PredictionRow, 'id'>;
  predictionBatches!: EntityTable<PredictionBatchRow, 'id'>;
  batchFeedback!: EntityTable<BatchFeedbackRow, 'batchId'>;
  monitorReferences!: EntityTable<MonitorReferenceRow, 'versionId'>;
  alerts!: EntityTable<AlertRow, 'id'>;
  monitorSnapshots!: EntityTable<MonitorSnapshotRow, 'id'>;
  abTests!: EntityTable<AbTestRow, 'id'>;

  constructor(name = 'sporeprint') {
    super(name);
    this.version(1).stores({
      workspaces: 'id',
      datasetVersions: '++id, workspaceId, [workspaceId+sha256], createdAt',
      datasetChunks: '[versionId+index], versionId',
      settings: 'key',
    });
    // Version 2: training runs and the model registry. Only new tables, so no data moves and no
    // upgrade() is needed; version 1 data is kept as it is.
    this.version(2).stores({
      runs: '++id, workspaceId, status, kind, startedAt',
      modelVersions: '++id, workspaceId, [workspaceId+version], stage, runId',
      modelBundles: 'versionId',
    });
    this.version(3).stores({
      predictions: '++id, workspaceId, [workspaceId+createdAt], versionId',
    });
    this.version(4).stores({
      predictionBatches: '++id, workspaceId, [workspaceId+createdAt], versionId',
    });
    // Version 5: a batch file's class column submitted as expert feedback. Its own table so that
    // counting pending feedback never loads the batch's input columns.
    this.version(5).stores({
      batchFeedback: 'batchId, workspaceId',
    });
    // Version 6: monitoring — each version's reference (computed once), raised alerts, saved reports.
    this.version(6).stores({
      monitorReferences: 'versionId',
      alerts: '++id, workspaceId, [workspaceId+at], key',
      monitorSnapshots: '++id, workspaceId, [workspaceId+createdAt]',
    });
    // Version 7: A/B tests of model versions. Prediction rows gain optional fields only.
    this.version(7).stores({
      abTests: '++id, workspaceId, [workspaceId+status]',
    });
    // Version 8: predictions and batches are matched by their uid when a backup from another device
    // is merged (ids are numbered by each browser on its own). Rows logged before uids existed get
    // one derived from their content, so the same old row gets the same uid on every device.
    this.version(8)
      .stores({
        predictions: '++id, workspaceId, [workspaceId+createdAt], versionId, uid',
        predictionBatches: '++id, workspaceId, [workspaceId+createdAt], versionId, uid',
      })
      .upgrade(async (tx) => {
        await tx
          .table('predictions')
          .toCollection()
          .modify((p: PredictionRow) => {
            p.uid ??= legacyUid(p);
          });
        await tx
          .table('predictionBatches')
          .toCollection()
          .modify((b: PredictionBatchRow) => {
            b.uid ??= legacyUid(b);
          });
      });
    // Version 9: batches also indexed by [workspaceId+createdAt+rows], so the Monitor learns when each
    // batch was served and how many rows it holds from the index alone and reads only the batches it
    // needs. IndexedDB builds the new index from the stored rows; nothing moves.
    this.version(9).stores({
      predictionBatches: '++id, workspaceId, [workspaceId+createdAt], versionId, uid, [workspaceId+createdAt+rows]',
    });
  }
}

/** Who answered, where and when: every logged prediction, single or batch, carries this. */
interface ServedPrediction {
  id?: number;
  workspaceId: string;
  versionId: number;
  version: number;
  kind: ModelKind;
  createdAt: number;
  /** 'form', or the batch file's name. */
  source: string;
}

/** A prediction served to the user: production data, kept with the version that answered it. */
export interface PredictionRow extends ServedPrediction {
  /** The answers as given (codes; numbers; null = not given). */
  input: Record<string, string | number | null>;
  pPoisonous: number;
  decision: 'edible' | 'uncertain' | 'poisonous';
  latencyMs: number;
  /** An expert's answer (1 = poisonous); `usedByRun` once a retraining has learnt from it. */
  feedback?: { label: 0 | 1; at: number; usedByRun?: number };
  /** Its id on every device (random, made before the answer): A/B tests route by it, merged backups join on it. */
  uid: string;
  /** Set while an A/B test ran: its arm; `version` above is the version that answered. */
  ab?: { testId: number; arm: Arm };
  /** Shadow mode: the challenger's answer on the same row (not shown to the user). */
  shadow?: { versionId: number; version: number; pPoisonous: number; decision: 'edible' | 'uncertain' | 'poisonous' };
}

/** A whole file predicted at once, kept as typed columns (61k per-row objects would take seconds to write). */
export interface PredictionBatchRow extends ServedPrediction {
  rows: number;
  /** The inputs, as validated typed columns in schema order. */
  columns: DatasetChunk['columns'];
  /** The file's own class column, when it had one. */
  label: Uint8Array | null;
  pPoisonous: Float32Array;
  /** 0 = edible, 1 = uncertain (treat as poisonous), 2 = poisonous. */
  decision: Uint8Array;
  /** Why an "edible" was held back as uncertain (engine/ml/answerRule.ts); absent in batches logged before the rule. */
  held?: Uint16Array;
  edibleAbove: number;
  predictMs: number;
  /** Its id on every device; rows are routed by `${uid}:${row}` during an A/B test. */
  uid: string;
  /** Split mode: 1 where the challenger answered that row (its answer is in pPoisonous/decision). */
  ab?: { testId: number; challengerVersionId: number; challengerVersion: number; challengerEdibleAbove: number; arm: Uint8Array };
  /** Shadow mode: the challenger's answers on every row. */
  shadow?: { testId: number; versionId: number; version: number; pPoisonous: Float32Array; decision: Uint8Array };
}

/** A batch file's own class column, submitted as expert feedback for every row of that batch. */
export interface BatchFeedbackRow {
  batchId: number;
  workspaceId: string;
  /** One per batch row: 0 = edible, 1 = poisonous (the file's class). */
  label: Uint8Array;
  at: number;
  /** Set once a retraining has learnt from these rows (a batch's labels are always used together). */
  usedByRun?: number;
}

/** The monitoring reference of one model version, computed once (monitor/reference.ts). */
export interface MonitorReferenceRow {
  versionId: number;
  createdAt: number;
  reference: MonitorReference;
}

/** An alert rule that fired: when, which rule, on which window, and the values that broke it. */
export interface AlertRow {
  id?: number;
  workspaceId: string;
  at: number;
  rule: AlertRuleId;
  /** The version whose answers broke a quality rule; null for a rule on the data; absent on alerts stored before alerts named versions. */
  version?: number | null;
  /** rule + window (+ version for a quality rule): the same window never raises the same alert twice. */
  key: string;
  windowLabel: string;
  message: string;
  values: Record<string, number | string>;
}

/** A monitoring report saved as it was (the history of reports, like a monitoring workspace). */
export interface MonitorSnapshotRow {
  id?: number;
  workspaceId: string;
  createdAt: number;
  label: string;
  report: MonitorReport;
}

/** One A/B test (engine/abtest/record.ts), as stored. */
export type AbTestRow = AbTest;

let instance: SporeprintDb | null = null;

/** The shared database of this context (page or worker); each opens its own connection. */
export function getDb(): SporeprintDb {
  instance ??= new SporeprintDb();
  return instance;
}
