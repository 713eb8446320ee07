import type { SporeprintDb } from '$lib/db/db';
import { logPrediction } from '$lib/db/predictions';
import { allSchemas } from '$lib/db/workspaces';
import { EngineError } from '$lib/engine/errors';
import { explainOne, type FeatureInput } from '$lib/engine/ml/explain';
import { decide } from '$lib/engine/ml/threshold';
import type { PredictOneResult } from './api';
import { liveModel, withLiveModel } from './training';

/** One mushroom through the production model held in memory: decision, probability, why, and a log entry. */
export async function predictOne(db: SporeprintDb, workspaceId: string, input: FeatureInput): Promise<PredictOneResult> {
  const started = performance.now();
  const m = await liveModel(db, workspaceId);
  if (!m) throw new EngineError('not-found', 'No production model in this workspace: promote a version on the Models page.');
  const schema = (await allSchemas(db)).find((s) => s.id === workspaceId)!;
  return withLiveModel(m, async (m) => {
    const { pPoisonous, contributions, unknown } = await explainOne(schema, m.preprocessor, m.model, input);
    const decision = decide(pPoisonous, m.bundle.threshold);
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const version = (await db.modelVersions.get(m.versionId))?.version ?? 0;
    const clean = Object.fromEntries(schema.features.map((f) => [f.name, input[f.name] === undefined || input[f.name] === '' ? null : input[f.name]!]));
    const predictionId = await logPrediction(db, {
      workspaceId, versionId: m.versionId, version, kind: m.bundle.kind, createdAt: Date.now(), source: 'form', input: clean, pPoisonous, decision, latencyMs,
    });
    return { predictionId, versionId: m.versionId, version, kind: m.bundle.kind, pPoisonous, decision, edibleAbove: m.bundle.threshold.edibleAbove, contributions, unknown, latencyMs };
  });
}
