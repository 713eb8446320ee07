import type { ModelVersionRow, SporeprintDb } from '$lib/db/db';
import { getProduction, loadBundle } from '$lib/db/registry';
import { workspaceSchema } from '$lib/db/workspaces';
import { EngineError } from '$lib/engine/errors';
import type { ModelBundle } from '$lib/engine/ml/bundle';
import { loadModel } from '$lib/engine/ml/families';
import type { Model } from '$lib/engine/ml/model';
import { Preprocessor } from '$lib/engine/ml/preprocess';
import { matrix } from '$lib/engine/ml/matrix';
import { initTfjs } from './tfjsBackend';

/** A model ready to answer in this worker: the production version of a workspace, held in memory. */
export interface LiveModel {
  versionId: number;
  /** The version's number in its workspace (v1, v2…), as the log and the answer show it. */
  version: number;
  workspaceId: string;
  bundle: ModelBundle;
  model: Model;
  preprocessor: Preprocessor;
  /** Predictions running on it now; a retired model is freed only when this reaches 0. */
  users: number;
  retired: boolean;
}

/** Runs `use` on a live model; a swap meanwhile retires it, and the last user frees its tensors. */
async function withLiveModel<T>(m: LiveModel, use: (m: LiveModel) => Promise<T>): Promise<T> {
  m.users++;
  try {
    return await use(m);
  } finally {
    m.users--;
    if (m.retired && m.users === 0) m.model.dispose();
  }
}

function retire(m: LiveModel | undefined): void {
  if (!m) return;
  m.retired = true;
  if (m.users === 0) m.model.dispose();
}

/**
 * A prediction on the production model: it is taken (counted as a user) in the same step that finds
 * it, so a swap can never free it between being chosen and being used.
 */
export async function servePrediction<T>(db: SporeprintDb, workspaceId: string, production: ModelVersionRow | undefined, use: (m: LiveModel) => Promise<T>): Promise<T> {
  const m = await liveModel(db, workspaceId, { serveWhileLoading: true, production });
  if (!m) throw new EngineError('not-found', 'No production model in this workspace: promote a version on the Models page.');
  return withLiveModel(m, use);
}

/** Lets predictions queued on this worker run between the steps of loading a model. */
const yieldToPredictions = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * A version's model, preprocessing and bundle, ready to answer. Loaded in steps with predictions
 * let through in between, and warmed up with one row, so that swapping to it never holds a
 * prediction behind the whole load or behind the new model's first, slower call.
 */
async function loadVersion(db: SporeprintDb, workspaceId: string, versionId: number): Promise<LiveModel> {
  await initTfjs();
  const bundle = await loadBundle(db, versionId);
  const schema = await workspaceSchema(db, workspaceId);
  if (!bundle || !schema) throw new EngineError('not-found', `The bundle of model version #${versionId} is missing.`);
  const version = (await db.modelVersions.get(versionId))?.version ?? 0;
  await yieldToPredictions();
  const model = await loadModel(bundle.model);
  await yieldToPredictions();
  const preprocessor = Preprocessor.load(schema, bundle.preprocessor);
  await model.predictProba(matrix(1, preprocessor.dims));
  await yieldToPredictions();
  return { versionId, version, workspaceId, bundle, model, preprocessor, users: 0, retired: false };
}

/** Challengers of running A/B tests, by version id: loaded once, freed when their test ends. */
const challengers = new Map<number, Promise<LiveModel>>();

/**
 * Runs `use` on a challenger's model (an A/B test's other arm). Challengers no longer under test
 * are retired on the way, so their tensors are freed once their last prediction is done.
 */
/** No test running: challengers still in memory are freed. */
export function releaseChallengers(): void {
  for (const [id, p] of challengers) {
    challengers.delete(id);
    void p.then(retire, () => {});
  }
}

export async function withChallenger<T>(db: SporeprintDb, workspaceId: string, versionId: number, use: (m: LiveModel) => Promise<T>): Promise<T> {
  for (const [id, p] of challengers) {
    if (id === versionId) continue;
    challengers.delete(id);
    void p.then(retire, () => {});
  }
  let p = challengers.get(versionId);
  if (!p) {
    p = loadVersion(db, workspaceId, versionId);
    challengers.set(versionId, p);
    p.catch(() => challengers.delete(versionId));
  }
  return withLiveModel(await p, use);
}

const live = new Map<string, LiveModel>();
const loading = new Map<string, { versionId: number; promise: Promise<LiveModel> }>();

/**
 * The production model of a workspace, loaded once and kept in memory for predictions. When
 * production has changed, `serveWhileLoading` (predictions) answers with the model in memory while
 * the new one loads in the background, so no prediction waits for a swap; everything else waits for it.
 */
export async function liveModel(
  db: SporeprintDb,
  workspaceId: string,
  opts: { serveWhileLoading?: boolean; production?: ModelVersionRow | undefined } = {},
): Promise<LiveModel | null> {
  const serveWhileLoading = opts.serveWhileLoading ?? false;
  // Predictions pass the production version they already know (servingSnapshot); others read it now.
  const production = 'production' in opts ? opts.production : await getProduction(db, workspaceId);
  const current = live.get(workspaceId);
  if (!production) {
    retire(current);
    live.delete(workspaceId);
    return null;
  }
  if (current && current.versionId === production.id) return current;
  // Several predictions may notice the new version at once: load it once.
  const pending = loading.get(workspaceId);
  if (pending && pending.versionId === production.id) return serveWhileLoading && current ? current : pending.promise;
  const promise = (async () => {
    const next = await loadVersion(db, workspaceId, production.id!);
    // Swap in one assignment: a prediction is answered wholly by the old model or wholly by the new.
    const old = live.get(workspaceId);
    live.set(workspaceId, next);
    retire(old);
    return next;
  })();
  loading.set(workspaceId, { versionId: production.id!, promise });
  const settled = promise.finally(() => {
    if (loading.get(workspaceId)?.promise === promise) loading.delete(workspaceId);
  });
  if (serveWhileLoading && current) {
    // A version that fails to load leaves the current one serving; the next prediction retries.
    settled.catch((e) => console.error(`Model version #${production.id} could not be loaded; the current one keeps serving.`, e));
    return current;
  }
  return settled;
}

/** The version serving a workspace's predictions in this worker (loaded now if need be), or null. */
export async function liveModelInfo(db: SporeprintDb, workspaceId: string): Promise<{ versionId: number; kind: ModelBundle['kind'] } | null> {
  const m = await liveModel(db, workspaceId);
  return m ? { versionId: m.versionId, kind: m.bundle.kind } : null;
}
