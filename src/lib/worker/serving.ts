import type { ModelVersionRow, SporeprintDb } from '$lib/db/db';
import { getProduction } from '$lib/db/registry';
import { workspaceSchema } from '$lib/db/workspaces';
import { EngineError } from '$lib/engine/errors';
import { validateBundle, type ModelBundle } from '$lib/engine/ml/bundle';
import type { Model } from '$lib/engine/ml/model';
import type { Preprocessor } from '$lib/engine/ml/preprocess';
import { loadUsableModel, unusableModel } from '$lib/engine/ml/verify';
import { fallBack, isUnusable } from './fallback';
import { shippedBundle } from './install';
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
  try {
    return await withLiveModel(m, use);
  } catch (e) {
    // An answer that is not a probability (predict.ts checks) is a load failure found late: fall
    // back as if the version had not loaded, and answer with the fallback.
    if (!isUnusable(e) || e.details.versionId !== m.versionId || live.get(workspaceId) !== m) throw e;
    const row = await db.modelVersions.get(m.versionId);
    if (!row) throw e;
    return withLiveModel(await load(db, workspaceId, row, e), use);
  }
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
  const [row, stored, schema] = await Promise.all([db.modelVersions.get(versionId), db.modelBundles.get(versionId), workspaceSchema(db, workspaceId)]);
  if (!row) throw new EngineError('not-found', `Model version #${versionId} does not exist (deleted in another tab?).`, { versionId });
  if (!schema) throw new EngineError('not-found', `No workspace "${workspaceId}".`);
  const what = `v${row.version}`;
  // What is stored may have been damaged since it was verified at registration: each fault is "unusable".
  if (!stored) throw unusableModel(what, 'its stored weights and preprocessing are missing.', { versionId });
  let bundle: ModelBundle;
  try {
    bundle = validateBundle(stored.bundle);
  } catch (e) {
    throw unusableModel(what, `its stored bundle is damaged (${(e as Error).message.replace(/\.$/, '')}).`, { versionId });
  }
  await yieldToPredictions();
  // Loads and answers a probe mushroom: the warm-up that makes its first real answer fast, and the check that it answers at all.
  const { model, preprocessor } = await loadUsableModel(schema, bundle, what).catch((e) => {
    if (isUnusable(e)) e.details.versionId = versionId;
    throw e;
  });
  await yieldToPredictions();
  return { versionId, version: row.version, workspaceId, bundle, model, preprocessor, users: 0, retired: false };
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
 * Promotions this worker fell back from → the version serving instead. Until the registry change
 * reaches the serving snapshot (a moment later), predictions still name the broken one. Keyed by the
 * promotion, not the version: promoting the broken version again is a new attempt to load it.
 */
const fellBackFrom = new Map<string, number>();
const promotion = (v: ModelVersionRow) => `${v.id}@${v.history.findLast((h) => h.to === 'production')?.at ?? 0}`;

/**
 * Loads `production` (once, however many predictions ask) and swaps it in. A version that cannot be
 * used (`broken`: found so while answering) is replaced by the fallback (fallback.ts).
 */
function load(db: SporeprintDb, workspaceId: string, production: ModelVersionRow, broken?: EngineError): Promise<LiveModel> {
  const pending = loading.get(workspaceId);
  if (pending && pending.versionId === production.id) return pending.promise;
  const promise = (async () => {
    let next: LiveModel;
    try {
      if (broken) throw broken;
      next = await loadVersion(db, workspaceId, production.id!);
    } catch (e) {
      if (!isUnusable(e)) throw e;
      next = await fallBack(db, workspaceId, production, e, { load: (v) => loadVersion(db, workspaceId, v.id!), shipped: () => shippedBundle(db, workspaceId) });
      fellBackFrom.set(promotion(production), next.versionId);
    }
    // Swap in one assignment: a prediction is answered wholly by the old model or wholly by the new.
    const old = live.get(workspaceId);
    live.set(workspaceId, next);
    retire(old);
    return next;
  })();
  loading.set(workspaceId, { versionId: production.id!, promise });
  return promise.finally(() => {
    if (loading.get(workspaceId)?.promise === promise) loading.delete(workspaceId);
  });
}

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
  if (current && current.versionId === production.id) {
    for (const [from, to] of fellBackFrom) if (to === current.versionId) fellBackFrom.delete(from); // the registry caught up
    return current;
  }
  if (current && fellBackFrom.get(promotion(production)) === current.versionId) return current;
  // Several predictions may notice the new version at once: load it once.
  const pending = loading.get(workspaceId);
  if (pending && pending.versionId === production.id) return serveWhileLoading && current ? current : pending.promise;
  const settled = load(db, workspaceId, production);
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
