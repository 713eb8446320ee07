import type { AbTestRow, PredictionBatchRow, SporeprintDb } from '$lib/db/db';
import { logBatch, logPrediction } from '$lib/db/predictions';
import type { WorkspaceSchema } from '$lib/engine/data/schema';
import { servingSnapshot, type ServingSnapshot } from './servingSnapshot';
import { routeArm, type Arm } from '$lib/engine/abtest/routing';
import type { Dataset } from '$lib/engine/data/dataset';
import { EngineError } from '$lib/engine/errors';
import { datasetFromInput, explainOne, type FeatureInput } from '$lib/engine/ml/explain';
import { decide, DECISION_CODE } from '$lib/engine/ml/threshold';
import { assertProbabilities } from '$lib/engine/ml/verify';
import { predictRows } from '$lib/engine/ml/preprocess';
import { completionCandidates, worstCase, type FieldCandidates } from '$lib/engine/ml/worstCase';
import { matchReference } from '$lib/engine/ml/referenceMatch';
import { applyAnswerRuleToBatch, heldBack, HELD_BY_REFERENCE, HELD_NONE, type BatchHeldBack } from '$lib/engine/ml/answerRule';
import { findDatasetVersion, loadDataset } from '$lib/db/datasets';
import type { DatasetProfile } from '$lib/engine/data/profile';
import type { BatchSummary, PredictOneResult } from './api';
import { analyzeCsv } from '$lib/engine/data/importCsv';
import type { CsvInput } from '$lib/engine/data/csv';
import type { ProgressCallback } from '$lib/engine/progress';
import { BatchTableView, countBatch, type BatchTable } from '$lib/engine/ml/batchTable';
import { holdBatch } from './batchRows';
import { rememberDigest } from './batchDigests';
import { releaseChallengers, servePrediction, withChallenger, type LiveModel } from './serving';
import { isUnusable } from './fallback';

/** Production alone, or production and the challenger of the workspace's running A/B test. */
async function serveWithTest<T>(
  db: SporeprintDb,
  snapshot: ServingSnapshot,
  workspaceId: string,
  use: (champion: LiveModel, test: AbTestRow | undefined, challenger: LiveModel | null) => Promise<T>,
): Promise<T> {
  const { test, production } = snapshot;
  if (!test) releaseChallengers();
  return servePrediction(db, workspaceId, production, async (champion) => {
    if (!test) return use(champion, undefined, null);
    try {
      return await withChallenger(db, workspaceId, test.challenger.versionId, (challenger) => use(champion, test, challenger));
    } catch (e) {
      // A challenger that cannot answer must not take serving down with it: production answers alone, outside the test.
      if (!isUnusable(e) || e.details.versionId !== test.challenger.versionId) throw e;
      console.error(`A/B test #${test.id}: challenger v${test.challenger.version} cannot be used; production answers alone.`, e);
      return use(champion, undefined, null);
    }
  });
}

async function workspaceSnapshot(db: SporeprintDb, workspaceId: string): Promise<ServingSnapshot & { schema: WorkspaceSchema }> {
  const snapshot = await servingSnapshot(db, workspaceId);
  if (!snapshot.schema) throw new EngineError('not-found', `No workspace "${workspaceId}".`);
  return snapshot as ServingSnapshot & { schema: WorkspaceSchema };
}

/** Each bundle's completion candidates, worked out once rather than on every prediction. */
const candidatesOf = new WeakMap<LiveModel['bundle'], FieldCandidates[]>();
function candidates(schema: WorkspaceSchema, m: LiveModel): FieldCandidates[] {
  let c = candidatesOf.get(m.bundle);
  if (!c) candidatesOf.set(m.bundle, (c = completionCandidates(schema, m.bundle.referenceProfile as DatasetProfile)));
  return c;
}

/** Training data held for look-ups, by data version id (versions never change; at most two kept). */
const referenceCache = new Map<number, Promise<Dataset>>();

/** The version's training data, where it is on this device (the reference mushrooms answers are checked against). */
async function referenceData(db: SporeprintDb, m: LiveModel): Promise<Dataset | null> {
  const version = await findDatasetVersion(db, m.workspaceId, m.bundle.data.sha256);
  if (!version?.id) return null;
  let data = referenceCache.get(version.id);
  if (!data) {
    data = loadDataset(db, version.id);
    referenceCache.set(version.id, data);
    data.catch(() => referenceCache.delete(version.id!)); // not kept: the next prediction tries again
    if (referenceCache.size > 2) referenceCache.delete(referenceCache.keys().next().value!);
  }
  return data;
}

/**
 * One mushroom: decision, probability, why, and a log entry. During an A/B test the prediction's id
 * routes it (split) to one version, or (shadow) the challenger answers too, unseen; the log records
 * the arm and the version that answered.
 */
export async function predictOne(db: SporeprintDb, workspaceId: string, input: FeatureInput): Promise<PredictOneResult> {
  const started = performance.now();
  const snapshot = await workspaceSnapshot(db, workspaceId);
  const schema = snapshot.schema;
  const uid = crypto.randomUUID();
  return serveWithTest(db, snapshot, workspaceId, async (champion, test, challenger) => {
    const arm: Arm = test?.mode === 'split' ? routeArm(uid, test.challengerShare, String(test.id)) : 'champion';
    const m = arm === 'challenger' ? challenger! : champion;
    const { pPoisonous, contributions, unknown, path } = await explainOne(schema, m.preprocessor, m.model, input);
    // Never served: an answer that is not a probability makes the version unusable (serving.ts falls back).
    assertProbabilities([pPoisonous], `v${m.version}`, { versionId: m.versionId });
    const { decision, worst, match } = await answerWithRule(db, schema, m, input, pPoisonous);
    const shadow = test?.mode === 'shadow' && challenger ? await shadowAnswer(schema, challenger, input) : undefined;
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const clean = Object.fromEntries(schema.features.map((f) => [f.name, input[f.name] === undefined || input[f.name] === '' ? null : input[f.name]!]));
    const predictionId = await logPrediction(db, {
      workspaceId,
      versionId: m.versionId,
      version: m.version,
      kind: m.bundle.kind,
      createdAt: Date.now(),
      source: 'form',
      input: clean,
      pPoisonous,
      decision,
      latencyMs,
      uid,
      ...(test ? { ab: { testId: test.id!, arm } } : {}),
      ...(shadow ? { shadow } : {}),
    });
    return {
      predictionId,
      versionId: m.versionId,
      version: m.version,
      kind: m.bundle.kind,
      pPoisonous,
      decision,
      edibleAbove: m.bundle.threshold.edibleAbove,
      contributions,
      unknown,
      ...(path ? { path } : {}),
      ...(match ? { reference: match } : {}),
      ...(worst ? { worstCase: { pPoisonous: worst.pPoisonous, exhaustive: worst.exhaustive, checks: worst.checks, completion: worst.completion } } : {}),
      ...(test ? { ab: { testId: test.id!, mode: test.mode, arm, ...(shadow ? { shadowVersion: shadow.version, shadowDecision: shadow.decision } : {}) } } : {}),
      latencyMs,
    };
  });
}

/**
 * The answer rule of a form prediction (answerRule.ts): the worst case over the fields not given and
 * the reference mushrooms sharing the answers are both shown, and either can hold an "edible" back.
 */
async function answerWithRule(db: SporeprintDb, schema: WorkspaceSchema, m: LiveModel, input: FeatureInput, pPoisonous: number) {
  let decision = decide(pPoisonous, m.bundle.threshold);
  if (decision === 'poisonous') return { decision, worst: null, match: null };
  const worst = await worstCase(schema, m.preprocessor, m.model, input, datasetFromInput(schema, input), candidates(schema, m), { stopAt: 1 - m.bundle.threshold.edibleAbove });
  const reference = await referenceData(db, m);
  const match = reference ? matchReference(schema, reference, input) : null;
  if (heldBack(decision, worst?.pPoisonous ?? null, match, m.bundle.threshold)) decision = 'uncertain';
  return { decision, worst, match };
}

/** A shadow test's challenger answers the same input beside the champion, unseen by the user. */
async function shadowAnswer(schema: WorkspaceSchema, challenger: LiveModel, input: FeatureInput) {
  const [p] = await challenger.model.predictProba(challenger.preprocessor.transform(datasetFromInput(schema, input)).x);
  return { versionId: challenger.versionId, version: challenger.version, pPoisonous: p, decision: decide(p, challenger.bundle.threshold) };
}

/** Rows held back by each reason, after an A/B split mixed the two versions' rows. */
function countHeld(held: Uint16Array): { unknownFields: number; reference: number } {
  const c = { unknownFields: 0, reference: 0 };
  for (let i = 0; i < held.length; i++) {
    if (held[i] === HELD_BY_REFERENCE) c.reference++;
    else if (held[i] !== HELD_NONE) c.unknownFields++;
  }
  return c;
}

/** Every row through one version, and the form's rule on each (answerRule.ts): a batch row and the same row entered in the form get the same answer. */
async function answerAll(
  db: SporeprintDb,
  schema: WorkspaceSchema,
  m: LiveModel,
  ds: Dataset,
  signal: AbortSignal,
  onProgress?: ProgressCallback,
): Promise<{ p: Float32Array; decision: Uint8Array; held: BatchHeldBack; modelMs: number }> {
  const t0 = performance.now();
  const p = await predictRows(m.preprocessor, m.model, ds);
  assertProbabilities(p, `v${m.version}`, { versionId: m.versionId });
  const modelMs = performance.now() - t0;
  const decision = new Uint8Array(ds.rows);
  for (let i = 0; i < ds.rows; i++) decision[i] = DECISION_CODE[decide(p[i], m.bundle.threshold)];
  const held = await applyAnswerRuleToBatch(schema, m.preprocessor, m.model, m.bundle.threshold, ds, decision, candidates(schema, m), await referenceData(db, m), {
    signal,
    onProgress,
    importance: m.bundle.importance,
  });
  return { p, decision, held, modelMs };
}

/**
 * A whole file: the same parsing and validation as an import (class column optional), every valid
 * row through the production model in one batched call (and the challenger's, during an A/B test),
 * and one log entry holding the batch as typed columns. The page gets a summary; the rows stay in
 * this worker for `readBatchPage`.
 */
export async function predictBatch(
  db: SporeprintDb,
  workspaceId: string,
  input: CsvInput,
  sourceName: string,
  signal: AbortSignal,
  onProgress?: ProgressCallback,
): Promise<BatchSummary> {
  const { schema } = await workspaceSnapshot(db, workspaceId);
  const analysis = await analyzeCsv(input, { sourceName, schemas: [schema], signal, onProgress, classOptional: true });
  const ds = analysis.dataset;
  if (ds.rows === 0) throw new EngineError('no-valid-rows', `No valid row to predict in ${sourceName}: see the rejected rows.`, { rejected: analysis.report.rowsRejected });
  const uid = crypto.randomUUID();
  // Read after the file is parsed: a test started meanwhile routes this batch too.
  return serveWithTest(db, await servingSnapshot(db, workspaceId), workspaceId, async (m, test, challenger) => {
    onProgress?.({ phase: 'Predicting', done: 0, total: 1 });
    const t0 = performance.now();
    const { p: pPoisonous, decision, held, modelMs: predictMs } = await answerAll(db, schema, m, ds, signal, onProgress);
    const answerMs = performance.now() - t0;
    const extra = test && challenger ? await answerChallenger(db, schema, test, challenger, ds, uid, { p: pPoisonous, decision, held: held.held }, signal, onProgress) : {};
    onProgress?.({ phase: 'Predicting', done: 1, total: 1 });
    const label = analysis.report.hasClass ? ds.label : null;
    const answers = {
      versionId: m.versionId,
      version: m.version,
      kind: m.bundle.kind,
      edibleAbove: m.bundle.threshold.edibleAbove,
      rows: ds.rows,
      columns: ds.columns,
      label,
      pPoisonous,
      decision,
      held: held.held,
    };
    const createdAt = Date.now();
    const batchId = await logBatch(db, { ...answers, workspaceId, createdAt, source: sourceName, predictMs, uid, ...extra });
    const { view, counts } = keepForPages(schema, { id: batchId, source: sourceName, createdAt }, { ...answers, ...extra });
    return {
      batchId,
      report: analysis.report,
      versionId: m.versionId,
      version: m.version,
      kind: m.bundle.kind,
      edibleAbove: m.bundle.threshold.edibleAbove,
      rows: ds.rows,
      hasLabel: !!label,
      columns: view.columns,
      counts,
      heldCounts: countHeld(held.held),
      predictMs: Math.round(predictMs),
      answerMs: Math.round(answerMs),
      rowsPerSecond: Math.round(ds.rows / (predictMs / 1000)),
      ...(extra.ab ? { ab: { testId: extra.ab.testId, challengerVersion: extra.ab.challengerVersion, challengerRows: countOnes(extra.ab.arm) } } : {}),
      ...(extra.shadow ? { shadow: { testId: extra.shadow.testId, version: extra.shadow.version } } : {}),
    };
  });
}

/**
 * The rows of a batch just logged stay in this worker (batchRows.ts): the page gets the numbers,
 * then reads a page of rows at a time; its counts are kept for the list of batches (batchDigests.ts).
 */
function keepForPages(schema: WorkspaceSchema, logged: { id: number; source: string; createdAt: number }, batch: BatchTable & { kind: string }) {
  const view = new BatchTableView(schema, batch);
  holdBatch(logged.id, logged.source, view);
  const counts = countBatch(batch);
  rememberDigest({ ...logged, version: batch.version, kind: batch.kind, rows: batch.rows, hasClass: !!batch.label, counts });
  return { view, counts };
}

function countOnes(a: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) n += a[i];
  return n;
}

/**
 * The challenger's side of a batch under an A/B test. Split: the rows routed to it take its answers
 * in place (`own` is overwritten), keyed by the batch's uid and the row's index. Shadow: its answers
 * are kept beside the champion's.
 */
async function answerChallenger(
  db: SporeprintDb,
  schema: WorkspaceSchema,
  test: AbTestRow,
  challenger: LiveModel,
  ds: Dataset,
  uid: string,
  own: { p: Float32Array; decision: Uint8Array; held: Uint16Array },
  signal: AbortSignal,
  onProgress?: ProgressCallback,
): Promise<Pick<PredictionBatchRow, 'ab' | 'shadow'>> {
  const other = await answerAll(db, schema, challenger, ds, signal, onProgress);
  if (test.mode !== 'split') return { shadow: { testId: test.id!, versionId: challenger.versionId, version: challenger.version, pPoisonous: other.p, decision: other.decision } };
  const arm = new Uint8Array(ds.rows);
  for (let i = 0; i < ds.rows; i++) {
    if (routeArm(`${uid}:${i}`, test.challengerShare, String(test.id)) !== 'challenger') continue;
    arm[i] = 1;
    own.p[i] = other.p[i];
    own.decision[i] = other.decision[i];
    own.held[i] = other.held.held[i];
  }
  return {
    ab: { testId: test.id!, challengerVersionId: challenger.versionId, challengerVersion: challenger.version, challengerEdibleAbove: challenger.bundle.threshold.edibleAbove, arm },
  };
}
