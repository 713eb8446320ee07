import type { SporeprintDb } from '$lib/db/db';
import { logPrediction } from '$lib/db/predictions';
import { allSchemas } from '$lib/db/workspaces';
import { EngineError } from '$lib/engine/errors';
import { explainOne, type FeatureInput } from '$lib/engine/ml/explain';
import { decide } from '$lib/engine/ml/threshold';
import type { BatchResult, PredictOneResult } from './api';
import { analyzeCsv } from '$lib/engine/data/importCsv';
import type { ProgressCallback } from '$lib/engine/progress';
import * as Comlink from 'comlink';
import { servePrediction } from './serving';

/** One mushroom through the production model held in memory: decision, probability, why, and a log entry. */
export async function predictOne(db: SporeprintDb, workspaceId: string, input: FeatureInput): Promise<PredictOneResult> {
  const started = performance.now();
  const schema = (await allSchemas(db)).find((s) => s.id === workspaceId);
  if (!schema) throw new EngineError('not-found', `No workspace "${workspaceId}".`);
  return servePrediction(db, workspaceId, async (m) => {
    const { pPoisonous, contributions, unknown, path } = await explainOne(schema, m.preprocessor, m.model, input);
    const decision = decide(pPoisonous, m.bundle.threshold);
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const version = (await db.modelVersions.get(m.versionId))?.version ?? 0;
    const clean = Object.fromEntries(schema.features.map((f) => [f.name, input[f.name] === undefined || input[f.name] === '' ? null : input[f.name]!]));
    const predictionId = await logPrediction(db, {
      workspaceId, versionId: m.versionId, version, kind: m.bundle.kind, createdAt: Date.now(), source: 'form', input: clean, pPoisonous, decision, latencyMs,
    });
    return { predictionId, versionId: m.versionId, version, kind: m.bundle.kind, pPoisonous, decision, edibleAbove: m.bundle.threshold.edibleAbove, contributions, unknown, ...(path ? { path } : {}), latencyMs };
  });
}

const DECISION_CODE = { edible: 0, uncertain: 1, poisonous: 2 } as const;

/**
 * A whole file: the same parsing and validation as an import (class column optional), every valid
 * row through the production model in one batched call, and one log entry holding the batch as
 * typed columns. The arrays cross back to the page by transfer, not by copy.
 */
export async function predictBatch(db: SporeprintDb, workspaceId: string, blob: Blob, sourceName: string, signal: AbortSignal, onProgress?: ProgressCallback): Promise<BatchResult> {
  const schema = (await allSchemas(db)).find((s) => s.id === workspaceId);
  if (!schema) throw new EngineError('not-found', `No workspace "${workspaceId}".`);
  const analysis = await analyzeCsv(blob, { sourceName, schemas: [schema], signal, onProgress, classOptional: true });
  const ds = analysis.dataset;
  if (ds.rows === 0) throw new EngineError('no-valid-rows', `No valid row to predict in ${sourceName}: see the rejected rows.`, { rejected: analysis.report.rowsRejected });
  return servePrediction(db, workspaceId, async (m) => {
    onProgress?.({ phase: 'Predicting', done: 0, total: 1 });
    const t0 = performance.now();
    const x = m.preprocessor.transform(ds).x;
    const pPoisonous = await m.model.predictProba(x);
    const predictMs = performance.now() - t0;
    const decision = new Uint8Array(ds.rows);
    for (let i = 0; i < ds.rows; i++) decision[i] = DECISION_CODE[decide(pPoisonous[i], m.bundle.threshold)];
    onProgress?.({ phase: 'Predicting', done: 1, total: 1 });
    const version = (await db.modelVersions.get(m.versionId))?.version ?? 0;
    const label = analysis.report.hasClass ? ds.label : null;
    const batchId = (await db.predictionBatches.add({
      workspaceId, versionId: m.versionId, version, kind: m.bundle.kind, createdAt: Date.now(), source: sourceName, rows: ds.rows,
      columns: ds.columns, label, pPoisonous, decision, edibleAbove: m.bundle.threshold.edibleAbove, predictMs,
    })) as number;
    const result: BatchResult = {
      batchId, report: analysis.report, versionId: m.versionId, version, kind: m.bundle.kind, edibleAbove: m.bundle.threshold.edibleAbove,
      rows: ds.rows, columns: ds.columns, label, pPoisonous, decision, predictMs: Math.round(predictMs), rowsPerSecond: Math.round(ds.rows / (predictMs / 1000)),
    };
    const buffers = [pPoisonous.buffer, decision.buffer, ...ds.columns.map((c) => c.values.buffer), ...(label ? [label.buffer] : [])] as ArrayBuffer[];
    return Comlink.transfer(result, [...new Set(buffers)]);
  });
}
