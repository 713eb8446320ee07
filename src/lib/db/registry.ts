import Dexie from 'dexie';
import { invalid, validateBundle, type ModelBundle, type VerifiedBundle } from '$lib/engine/ml/bundle';
import { isNumber, isObject } from '$lib/engine/guards';
import { EngineError } from '$lib/engine/errors';
import type { ModelSource, ModelStage, ModelVersionRow, RunRow, SporeprintDb, StageActor, StageChange } from './db';
import { asEngineError } from './storageErrors';
import { listWorkspaces } from './workspaces';

/** The export file: the bundle plus the registry's metadata about it (card, stage history). */
export interface ModelExport {
  format: 'sporeprint-model-export';
  formatVersion: 1;
  exportedAt: number;
  /** Display name of the workspace it was trained for, so an import elsewhere can say so. */
  workspaceName: string;
  version: Pick<ModelVersionRow, 'workspaceId' | 'version' | 'runId' | 'kind' | 'stage' | 'createdAt' | 'source' | 'card' | 'history'>;
  bundle: ModelBundle;
}

export interface RegisterModelVersion {
  workspaceId: string;
  /** The run that trained the bundle, or null (shipped, imported). */
  runId: number | null;
  /** Checked to load and answer (engine/ml/verify.ts): a version that cannot answer is never registered. */
  bundle: VerifiedBundle;
  source: ModelSource;
  /** 'staging' unless given. Registering as 'production' archives the current production. */
  stage?: ModelStage;
  reason: string;
  actor: StageActor;
}

/** The workspace an import is for: the bundle must match both. `name` is only used in messages. */
export interface ImportTarget {
  id: string;
  schemaFingerprint: string;
  name?: string;
}

function versionNotFound(versionId: number): EngineError {
  return new EngineError('not-found', `Model version #${versionId} does not exist (deleted in another tab?).`, { versionId });
}

/** The setting that remembers the highest version number a workspace ever gave. */
export const versionCounterKey = (workspaceId: string) => `modelVersionCounter:${workspaceId}`;

const workspaceRange = (db: SporeprintDb, workspaceId: string) => db.modelVersions.where('[workspaceId+version]').between([workspaceId, Dexie.minKey], [workspaceId, Dexie.maxKey]);

/** The number the workspace's next version gets: one more than both the highest stored and the highest ever given. */
export async function peekNextVersionNumber(db: SporeprintDb, workspaceId: string): Promise<number> {
  const last = await workspaceRange(db, workspaceId).last();
  const counter = (await db.settings.get(versionCounterKey(workspaceId)))?.value;
  return Math.max(last?.version ?? 0, typeof counter === 'number' ? counter : 0) + 1;
}

/**
 * The next version number of the workspace (inside the caller's transaction), taken: a deleted
 * version's number is never reused.
 */
async function nextVersionNumber(db: SporeprintDb, workspaceId: string): Promise<number> {
  const n = await peekNextVersionNumber(db, workspaceId);
  await db.settings.put({ key: versionCounterKey(workspaceId), value: n });
  return n;
}

/** Archives the workspace's production version(s) other than `exceptId` (inside the caller's transaction). */
async function archiveProduction(db: SporeprintDb, workspaceId: string, exceptId: number | undefined, reason: string, actor: StageActor, at: number) {
  const current = await db.modelVersions
    .where('workspaceId')
    .equals(workspaceId)
    .filter((v) => v.stage === 'production' && v.id !== exceptId)
    .toArray();
  for (const v of current) {
    v.history.push({ at, from: 'production', to: 'archived', reason, actor });
    v.stage = 'archived';
    await db.modelVersions.put(v);
  }
}

/** Registration itself; must run inside a rw transaction over runs, modelVersions, modelBundles and settings. */
async function registerInTransaction(db: SporeprintDb, opts: RegisterModelVersion): Promise<ModelVersionRow> {
  const { workspaceId, runId, bundle, source, reason, actor } = opts;
  const stage = opts.stage ?? 'staging';
  if (bundle.workspaceId !== workspaceId) {
    throw new EngineError('invalid-argument', `This model was trained for workspace "${bundle.workspaceId}", not "${workspaceId}".`, {
      bundleWorkspace: bundle.workspaceId,
      workspace: workspaceId,
    });
  }
  let run: RunRow | undefined;
  if (runId !== null) {
    run = await db.runs.get(runId);
    if (!run) throw new EngineError('not-found', `Training run #${runId} does not exist (deleted in another tab?).`, { runId });
    if (run.workspaceId !== workspaceId) {
      throw new EngineError('invalid-argument', `Training run #${runId} belongs to workspace "${run.workspaceId}", not "${workspaceId}".`, { runId });
    }
    const existing = run.modelVersionId === undefined ? undefined : await db.modelVersions.get(run.modelVersionId);
    if (existing) {
      throw new EngineError('invalid-argument', `Training run #${runId} is already registered as model v${existing.version}.`, { runId, version: existing.version });
    }
  }
  const version = await nextVersionNumber(db, workspaceId);
  const at = Date.now();
  if (stage === 'production') await archiveProduction(db, workspaceId, undefined, `Replaced by v${version}: ${reason}`, actor, at);
  const row: ModelVersionRow = {
    workspaceId,
    version,
    runId,
    kind: bundle.kind,
    stage,
    createdAt: at,
    source,
    card: {
      datasetSha256: bundle.data.sha256,
      datasetRows: bundle.data.rows,
      params: bundle.params,
      seed: bundle.seed,
      trainingMs: bundle.trainingMs,
      threshold: bundle.threshold,
      metrics: bundle.evaluation.atHalf,
      metricsAtSafety: bundle.evaluation.atSafety,
      ...(bundle.importance ? { importance: bundle.importance } : {}),
    },
    history: [{ at, from: null, to: stage, reason, actor }],
  };
  const id = (await db.modelVersions.add(row)) as number;
  if (run) await db.runs.update(runId!, { modelVersionId: id });
  // Last, and heaviest: if the weights cannot be stored, the row and run link above roll back with them.
  await db.modelBundles.add({ versionId: id, bundle });
  return { ...row, id };
}

const registryTables = (db: SporeprintDb) => [db.runs, db.modelVersions, db.modelBundles, db.settings];

/**
 * Registers a bundle as the workspace's next model version: the version row, its bundle, the run's
 * link to it and (for 'production') the archiving of the previous production, in one transaction.
 */
export async function registerModelVersion(db: SporeprintDb, opts: RegisterModelVersion): Promise<ModelVersionRow> {
  try {
    return await db.transaction('rw', registryTables(db), () => registerInTransaction(db, opts));
  } catch (e) {
    throw asEngineError(e, 'the model version');
  }
}

/** Moves a version to `stage` inside the caller's transaction; promoting archives the old production. */
async function changeStage(
  db: SporeprintDb,
  v: ModelVersionRow,
  stage: ModelStage,
  reason: string,
  actor: StageActor,
  archiveReason = `Replaced by v${v.version}: ${reason}`,
): Promise<ModelVersionRow> {
  if (v.stage === stage) return v;
  if (v.stage === 'production') {
    throw new EngineError(
      'invalid-argument',
      `v${v.version} is the production model of this workspace: promote another version first; the current one is then archived automatically.`,
      { versionId: v.id!, version: v.version },
    );
  }
  const at = Date.now();
  if (stage === 'production') await archiveProduction(db, v.workspaceId, v.id, archiveReason, actor, at);
  v.history.push({ at, from: v.stage, to: stage, reason, actor });
  v.stage = stage;
  await db.modelVersions.put(v);
  return v;
}

/**
 * Moves a version between stages. Once a workspace has a production version it always has exactly
 * one: promoting archives the previous one (history entries on both), and the production version
 * itself cannot be demoted — promote another one instead.
 */
export async function setStage(db: SporeprintDb, versionId: number, stage: ModelStage, reason: string, actor: StageActor): Promise<ModelVersionRow> {
  try {
    return await db.transaction('rw', db.modelVersions, async () => {
      const v = await db.modelVersions.get(versionId);
      if (!v) throw versionNotFound(versionId);
      return changeStage(db, v, stage, reason, actor);
    });
  } catch (e) {
    throw asEngineError(e, `the stage of model version #${versionId}`);
  }
}

/**
 * Records a decision that left a version where it was (a retraining held in staging by the gate,
 * an A/B test's verdict) in its history, so the registry can show why.
 */
export async function noteStage(db: SporeprintDb, versionId: number, reason: string, actor: StageActor, extra: Pick<StageChange, 'waitsForAbTest'> = {}): Promise<void> {
  try {
    await db.transaction('rw', db.modelVersions, async () => {
      const v = await db.modelVersions.get(versionId);
      if (!v) throw versionNotFound(versionId);
      v.history.push({ at: Date.now(), from: v.stage, to: v.stage, reason, actor, ...extra });
      await db.modelVersions.put(v);
    });
  } catch (e) {
    throw asEngineError(e, `the history of model version #${versionId}`);
  }
}

/**
 * Puts an earlier version back into production (the user's decision); the current production is
 * archived. A version newer than the current production is refused (promote it instead); rolling
 * back to the version already in production changes nothing.
 */
export async function rollback(db: SporeprintDb, workspaceId: string, versionId: number, reason: string): Promise<ModelVersionRow> {
  try {
    return await db.transaction('rw', db.modelVersions, async () => {
      const v = await db.modelVersions.get(versionId);
      if (!v || v.workspaceId !== workspaceId) throw versionNotFound(versionId);
      const production = await productionOf(db, workspaceId);
      if (production?.id === v.id) return v;
      if (production && v.version > production.version) {
        throw new EngineError('invalid-argument', `v${v.version} is newer than the production model v${production.version}: promote it instead of rolling back.`, {
          version: v.version,
          production: production.version,
        });
      }
      const from = production ? `Rollback from v${production.version}` : 'Rollback';
      return changeStage(db, v, 'production', `${from}: ${reason}`, 'user', `Rolled back to v${v.version}: ${reason}`);
    });
  } catch (e) {
    throw asEngineError(e, `the rollback to model version #${versionId}`);
  }
}

/** What takes over from a production version that cannot be loaded: a stored version, or the bundle shipped with the app, registered again. */
export type Fallback = { versionId: number } | { shipped: VerifiedBundle };

/**
 * The production version `brokenId` could not be loaded (`reason`, see engine/ml/verify.ts): it is
 * archived and the fallback — one the caller has just loaded, or the shipped bundle registered anew —
 * goes into production, both by 'auto' with the reason in their history, in one transaction. If
 * production is no longer `brokenId` (another tab fell back first, or someone promoted a version),
 * nothing is written. Returns the production version after the call.
 */
export async function fallBackFrom(db: SporeprintDb, workspaceId: string, brokenId: number, to: Fallback, reason: string): Promise<ModelVersionRow | undefined> {
  try {
    return await db.transaction('rw', registryTables(db), async () => {
      const production = await productionOf(db, workspaceId);
      if (production?.id !== brokenId) return production;
      const fallback =
        'versionId' in to
          ? await db.modelVersions.get(to.versionId)
          : await registerInTransaction(db, {
              workspaceId,
              runId: null,
              bundle: to.shipped,
              source: 'shipped',
              reason: 'Reinstalled: the model shipped with the app',
              actor: 'auto',
            });
      if (!fallback || fallback.workspaceId !== workspaceId) return production;
      const at = Date.now();
      production.history.push({
        at,
        from: 'production',
        to: 'archived',
        reason: `Could not be loaded: ${reason} v${fallback.version} serves instead.`,
        actor: 'auto',
        unloadable: reason,
      });
      production.stage = 'archived';
      await db.modelVersions.put(production);
      fallback.history.push({
        at,
        from: fallback.stage,
        to: 'production',
        reason: `Fallback: v${production.version} could not be loaded (${reason.replace(/\.$/, '')}).`,
        actor: 'auto',
        fallbackFor: { versionId: brokenId, version: production.version, reason },
      });
      fallback.stage = 'production';
      await db.modelVersions.put(fallback);
      return fallback;
    });
  } catch (e) {
    throw asEngineError(e, `the fallback from model version #${brokenId}`);
  }
}

function productionOf(db: SporeprintDb, workspaceId: string): Promise<ModelVersionRow | undefined> {
  return db.modelVersions
    .where('workspaceId')
    .equals(workspaceId)
    .filter((v) => v.stage === 'production')
    .first();
}

/** The workspace's production version, if it has one. */
export async function getProduction(db: SporeprintDb, workspaceId: string): Promise<ModelVersionRow | undefined> {
  return productionOf(db, workspaceId);
}

/** The workspace's versions, newest (highest version number) first; without their bundles. */
export async function listModelVersions(db: SporeprintDb, workspaceId: string): Promise<ModelVersionRow[]> {
  return workspaceRange(db, workspaceId).reverse().toArray();
}

/** A version's stored bundle, or undefined when its row is gone (what the serving worker falls back from). */
export async function storedBundle(db: SporeprintDb, versionId: number): Promise<ModelBundle | undefined> {
  return (await db.modelBundles.get(versionId))?.bundle;
}

export async function loadBundle(db: SporeprintDb, versionId: number): Promise<ModelBundle> {
  const row = await db.modelBundles.get(versionId);
  if (!row) throw versionNotFound(versionId);
  return row.bundle;
}

async function workspaceNames(db: SporeprintDb): Promise<Map<string, string>> {
  return new Map((await listWorkspaces(db)).map((w) => [w.id, w.name]));
}

/** A JSON-serialisable export of one version: its bundle plus its card and stage history. */
export async function exportBundle(db: SporeprintDb, versionId: number): Promise<ModelExport> {
  const [v, row] = await db.transaction('r', db.modelVersions, db.modelBundles, () => Promise.all([db.modelVersions.get(versionId), db.modelBundles.get(versionId)]));
  if (!v || !row) throw versionNotFound(versionId);
  const { workspaceId, version, runId, kind, stage, createdAt, source, card, history } = v;
  return {
    format: 'sporeprint-model-export',
    formatVersion: 1,
    exportedAt: Date.now(),
    workspaceName: (await workspaceNames(db)).get(workspaceId) ?? workspaceId,
    version: { workspaceId, version, runId, kind, stage, createdAt, source, card, history },
    bundle: row.bundle,
  };
}

/** The file's JSON: a model export (a bundle with its version's card) or a bare bundle; anything else refused with what it is. */
async function readModelFile(file: unknown): Promise<{ exported?: ModelExport; bundleData: unknown }> {
  let data = file;
  if (typeof Blob !== 'undefined' && data instanceof Blob) data = await data.text();
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      throw invalid('This file is not a Sporeprint model export: it is not valid JSON.');
    }
  }
  if (!isObject(data)) throw invalid('This file is not a Sporeprint model export.');
  if (data.format === 'sporeprint-model-export') {
    if (data.formatVersion !== 1) {
      throw invalid(`This model export has format version ${JSON.stringify(data.formatVersion ?? null)}; this app reads version 1. It may come from a newer Sporeprint.`);
    }
    return { exported: data as unknown as ModelExport, bundleData: data.bundle };
  }
  if (data.format === 'sporeprint-model') return { bundleData: data };
  throw invalid(
    data.format === undefined
      ? 'This file is not a Sporeprint model export (it has no "format" field).'
      : `This file is not a Sporeprint model export (its format is ${JSON.stringify(data.format)}).`,
  );
}

/**
 * Imports an exported model (the export object, its JSON text, a File/Blob of it, or a bare bundle)
 * into `workspace` as a new 'staging' version with source 'imported'. Refuses, with a message
 * saying what is wrong, anything that is not a valid export, is for another workspace or column
 * layout, holds an unknown model kind, or fails `verify` (it must load and answer: the worker
 * passes engine/ml/verify.ts, which the page's code here must not import: it holds tfjs).
 */
export async function importBundle(db: SporeprintDb, file: unknown, workspace: ImportTarget, verify: (b: ModelBundle) => Promise<VerifiedBundle>): Promise<ModelVersionRow> {
  const { exported, bundleData } = await readModelFile(file);
  const bundle = validateBundle(bundleData);

  const names = await workspaceNames(db);
  const here = workspace.name ?? names.get(workspace.id) ?? `"${workspace.id}"`;
  if (bundle.workspaceId !== workspace.id) {
    const nameFromFile = exported && isObject(exported.version) && exported.version.workspaceId === bundle.workspaceId ? exported.workspaceName : undefined;
    const there = names.get(bundle.workspaceId) ?? (typeof nameFromFile === 'string' ? nameFromFile : `"${bundle.workspaceId}"`);
    throw invalid(`This model was trained for the ${there} workspace, not ${here}. Switch to ${there} to import it.`, {
      bundleWorkspace: bundle.workspaceId,
      workspace: workspace.id,
    });
  }
  if (bundle.schemaFingerprint !== workspace.schemaFingerprint) {
    throw invalid(
      `This model was trained on a different column layout than the current ${here} data (schema fingerprint ${bundle.schemaFingerprint}, workspace ${workspace.schemaFingerprint}): its inputs would not line up with these columns.`,
      { bundleFingerprint: bundle.schemaFingerprint, workspaceFingerprint: workspace.schemaFingerprint },
    );
  }
  const was = exported && isObject(exported.version) && isNumber(exported.version.version) ? ` (exported as v${exported.version.version})` : '';
  const verified = await verify(bundle);
  try {
    return await db.transaction('rw', registryTables(db), () =>
      registerInTransaction(db, {
        workspaceId: workspace.id,
        runId: null,
        bundle: verified,
        source: 'imported',
        stage: 'staging',
        reason: `Imported from a file${was}`,
        actor: 'user',
      }),
    );
  } catch (e) {
    throw asEngineError(e, 'the imported model');
  }
}

/**
 * First launch: registers the model shipped with the app as v1 'production' of its workspace —
 * only if that workspace has no model versions yet. The check runs inside the write transaction,
 * so two tabs starting together still install it once. Returns the new version, or null when
 * nothing was installed.
 */
export async function installShippedBundle(db: SporeprintDb, bundle: VerifiedBundle): Promise<ModelVersionRow | null> {
  const valid = validateBundle(bundle) as VerifiedBundle;
  try {
    return await db.transaction('rw', registryTables(db), async () => {
      if ((await db.modelVersions.where('workspaceId').equals(valid.workspaceId).count()) > 0) return null;
      return registerInTransaction(db, {
        workspaceId: valid.workspaceId,
        runId: null,
        bundle: valid,
        source: 'shipped',
        stage: 'production',
        reason: 'shipped with the app',
        actor: 'auto',
      });
    });
  } catch (e) {
    throw asEngineError(e, 'the model shipped with the app');
  }
}
