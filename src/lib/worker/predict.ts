import type { AbTestRow, PredictionBatchRow, SporeprintDb } from '$lib/db/db';
import { logPrediction } from '$lib/db/predictions';
import type { WorkspaceSchema } from '$lib/engine/data/schema';
import { servingSnapshot, type ServingSnapshot } from './servingSnapshot';
import { routeArm, type Arm } from '$lib/engine/abtest/routing';
import type { Dataset } from '$lib/engine/data/dataset';
import { EngineError } from '$lib/engine/errors';
import { datasetFromInput, explainOne, type FeatureInput } from '$lib/engine/ml/explain';
import { decide } from '$lib/engine/ml/threshold';
import { completionCandidates, worstCase, type FieldCandidates } from '$lib/engine/ml/worstCase';
import { matchReference, type ReferenceMatch } from '$lib/engine/ml/referenceMatch';
import { findDatasetVersion, loadDataset } from '$lib/db/datasets';
import type { DatasetProfile } from '$lib/engine/data/profile';
import type { BatchResult, PredictOneResult } from './api';
import { analyzeCsv } from '$lib/engine/data/importCsv';
import type { ProgressCallback } from '$lib/engine/progress';
import * as Comlink from 'comlink';
import { releaseChallengers, servePrediction, withChallenger, type LiveModel } from './serving';

/** Production alone, or production and the challenger of the workspace's running A/B test. */
async function serveWithTest<T>(db: SporeprintDb, snapshot: ServingSnapshot, workspaceId: string, use: (champion: LiveModel, test: AbTestRow | undefined, challenger: LiveModel | null) => Promise<T>): Promise<T> {
  const { test, production } = snapshot;
  if (!test) releaseChallengers();
  return servePrediction(db, workspaceId, production, (champion) => (test ? withChallenger(db, workspaceId, test.challenger.versionId, (challenger) => use(champion, test, challenger)) : use(champion, undefined, null)));
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

/** The mushrooms of the version's training data that share the given answers, where that data is on this device. */
async function referenceMatch(db: SporeprintDb, schema: WorkspaceSchema, m: LiveModel, input: FeatureInput): Promise<ReferenceMatch | null> {
  const version = await findDatasetVersion(db, m.workspaceId, m.bundle.data.sha256);
  if (!version?.id) return null;
  let data = referenceCache.get(version.id);
  if (!data) {
    data = loadDataset(db, version.id);
    referenceCache.set(version.id, data);
    data.catch(() => referenceCache.delete(version.id!)); // not kept: the next prediction tries again
    if (referenceCache.size > 2) referenceCache.delete(referenceCache.keys().next().value!);
  }
  return matchReference(schema, await data, input);
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
    let decision = decide(pPoisonous, m.bundle.threshold);
    // "Edible" only if no values of the fields not given could make it otherwise.
    const worst =
      decision === 'poisonous'
        ? null
        : await worstCase(schema, m.preprocessor, m.model, input, datasetFromInput(schema, input), candidates(schema, m), {
            stopAt: 1 - m.bundle.threshold.edibleAbove,
          });
    if (decision === 'edible' && worst && decide(worst.pPoisonous, m.bundle.threshold) !== 'edible') decision = 'uncertain';
    // Where the training data is here: no matching mushroom, or any poisonous one among them, is never "edible".
    const match = decision === 'poisonous' ? null : await referenceMatch(db, schema, m, input);
    if (decision === 'edible' && match && (match.rows === 0 || match.poisonous > 0)) decision = 'uncertain';
    let shadow: { versionId: number; version: number; pPoisonous: number; decision: ReturnType<typeof decide> } | undefined;
    if (test?.mode === 'shadow' && challenger) {
      const [p] = await challenger.model.predictProba(challenger.preprocessor.transform(datasetFromInput(schema, input)).x);
      shadow = { versionId: challenger.versionId, version: challenger.version, pPoisonous: p, decision: decide(p, challenger.bundle.threshold) };
    }
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const clean = Object.fromEntries(schema.features.map((f) => [f.name, input[f.name] === undefined || input[f.name] === '' ? null : input[f.name]!]));
    const predictionId = await logPrediction(db, {
      workspaceId, versionId: m.versionId, version: m.version, kind: m.bundle.kind, createdAt: Date.now(), source: 'form', input: clean, pPoisonous, decision, latencyMs,
      uid, ...(test ? { ab: { testId: test.id!, arm } } : {}), ...(shadow ? { shadow } : {}),
    });
    return {
      predictionId, versionId: m.versionId, version: m.version, kind: m.bundle.kind, pPoisonous, decision, edibleAbove: m.bundle.threshold.edibleAbove, contributions, unknown,
      ...(path ? { path } : {}), ...(match ? { reference: match } : {}), ...(worst ? { worstCase: { pPoisonous: worst.pPoisonous, exhaustive: worst.exhaustive, checks: worst.checks, completion: worst.completion } } : {}), ...(test ? { ab: { testId: test.id!, mode: test.mode, arm, ...(shadow ? { shadowVersion: shadow.version, shadowDecision: shadow.decision } : {}) } } : {}), latencyMs,
    };
  });
}

const DECISION_CODE = { edible: 0, uncertain: 1, poisonous: 2 } as const;

async function answerAll(m: LiveModel, ds: Dataset): Promise<{ p: Float32Array; decision: Uint8Array }> {
  const p = await m.model.predictProba(m.preprocessor.transform(ds).x);
  const decision = new Uint8Array(ds.rows);
  for (let i = 0; i < ds.rows; i++) decision[i] = DECISION_CODE[decide(p[i], m.bundle.threshold)];
  return { p, decision };
}

/**
 * A whole file: the same parsing and validation as an import (class column optional), every valid
 * row through the production model in one batched call (and the challenger's, during an A/B test),
 * and one log entry holding the batch as typed columns. The arrays cross back by transfer.
 */
export async function predictBatch(db: SporeprintDb, workspaceId: string, blob: Blob, sourceName: string, signal: AbortSignal, onProgress?: ProgressCallback): Promise<BatchResult> {
  const { schema } = await workspaceSnapshot(db, workspaceId);
  const analysis = await analyzeCsv(blob, { sourceName, schemas: [schema], signal, onProgress, classOptional: true });
  const ds = analysis.dataset;
  if (ds.rows === 0) throw new EngineError('no-valid-rows', `No valid row to predict in ${sourceName}: see the rejected rows.`, { rejected: analysis.report.rowsRejected });
  const uid = crypto.randomUUID();
  // Read after the file is parsed: a test started meanwhile routes this batch too.
  return serveWithTest(db, await servingSnapshot(db, workspaceId), workspaceId, async (m, test, challenger) => {
    onProgress?.({ phase: 'Predicting', done: 0, total: 1 });
    const t0 = performance.now();
    const { p: pPoisonous, decision } = await answerAll(m, ds);
    const predictMs = performance.now() - t0;
    const extra: Pick<PredictionBatchRow, 'ab' | 'shadow'> = {};
    if (test && challenger) {
      const other = await answerAll(challenger, ds);
      if (test.mode === 'split') {
        // Rows routed to the challenger take its answer; the row's id is the batch's uid and its index.
        const arm = new Uint8Array(ds.rows);
        for (let i = 0; i < ds.rows; i++) {
          if (routeArm(`${uid}:${i}`, test.challengerShare, String(test.id)) !== 'challenger') continue;
          arm[i] = 1;
          pPoisonous[i] = other.p[i];
          decision[i] = other.decision[i];
        }
        extra.ab = { testId: test.id!, challengerVersionId: challenger.versionId, challengerVersion: challenger.version, challengerEdibleAbove: challenger.bundle.threshold.edibleAbove, arm };
      } else {
        extra.shadow = { testId: test.id!, versionId: challenger.versionId, version: challenger.version, pPoisonous: other.p, decision: other.decision };
      }
    }
    onProgress?.({ phase: 'Predicting', done: 1, total: 1 });
    const label = analysis.report.hasClass ? ds.label : null;
    const batchId = (await db.predictionBatches.add({
      workspaceId, versionId: m.versionId, version: m.version, kind: m.bundle.kind, createdAt: Date.now(), source: sourceName, rows: ds.rows,
      columns: ds.columns, label, pPoisonous, decision, edibleAbove: m.bundle.threshold.edibleAbove, predictMs, uid, ...extra,
    })) as number;
    const result: BatchResult = {
      batchId, report: analysis.report, versionId: m.versionId, version: m.version, kind: m.bundle.kind, edibleAbove: m.bundle.threshold.edibleAbove,
      rows: ds.rows, columns: ds.columns, label, pPoisonous, decision, predictMs: Math.round(predictMs), rowsPerSecond: Math.round(ds.rows / (predictMs / 1000)),
      ...(extra.ab ? { ab: { testId: extra.ab.testId, challengerVersion: extra.ab.challengerVersion, arm: extra.ab.arm } } : {}),
      ...(extra.shadow ? { shadow: { testId: extra.shadow.testId, version: extra.shadow.version, decision: extra.shadow.decision } } : {}),
    };
    const buffers = [pPoisonous.buffer, decision.buffer, ...ds.columns.map((c) => c.values.buffer), ...(label ? [label.buffer] : [])] as ArrayBuffer[];
    // The A/B arrays stay copied: the same buffers were just stored and may be read again here.
    return Comlink.transfer(result, [...new Set(buffers)]);
  });
}
