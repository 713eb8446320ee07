// Browser globals the library needs, then fake IndexedDB, before Dexie and the library load.
import '$lib/testing/libraryGlobals';
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SporeprintDb, type PredictionRow } from './db';
import { storeDatasetVersion, loadDataset } from './datasets';
import { installShippedBundle, listModelVersions, registerModelVersion } from './registry';
import { startRun, endRun } from './runs';
import { logPrediction } from './predictions';
import { pendingFeedback, setBatchFeedback, setFeedback, setRetrainEvery } from './feedback';
import { exportScope } from './backupExport';
import { countScope, deleteScope, scopeKeys } from './backupScope';
import { dropStaging, readHereSide, readMergeSide, stageBackup } from './backupStage';
import { mergeFromStaging, restoreFromStaging } from './backupApply';
import { assembleBackup, verifyBackup } from '$lib/engine/backup/file';
import { conflictSignature, planMerge } from '$lib/engine/backup/mergePlan';
import { BACKUP_TABLE_NAMES } from '$lib/engine/backup/tables';
import type { BackupScope } from '$lib/engine/backup/format';
import { analyzeCsv } from '$lib/engine/data/importCsv';
import { BUILTIN_SCHEMAS } from '$lib/engine/data/builtinSchemas';
import type { VerifiedBundle } from '$lib/engine/ml/bundle';

const ROOT = resolve(import.meta.dirname, '../../..');
// The shipped artifacts, taken as verified: the app checks them when it installs them (verify.test.ts loads them).
const shipped = (name: string) => JSON.parse(readFileSync(resolve(ROOT, `artifacts/${name}.model.json`), 'utf8')) as VerifiedBundle;
const sample = (name: string) => readFileSync(resolve(ROOT, `data/samples/${name}-synthetic.csv`), 'utf8');

let n = 0;
const open: SporeprintDb[] = [];
function freshDb(): SporeprintDb {
  const db = new SporeprintDb(`backup-test-${++n}`);
  open.push(db);
  return db;
}
afterEach(async () => {
  for (const db of open.splice(0)) await db.delete();
  await dropStaging(null);
});

const limits = (db: SporeprintDb) => ({ formatVersion: 1, dbVersion: db.verno });

/** A workspace used for a while: imported data, the shipped model, a trained one, predictions with labels, a labelled batch. */
async function useWorkspace(db: SporeprintDb, ws: 'uci' | 'secondary', label: string) {
  const analysis = await analyzeCsv(sample(ws), { sourceName: `${ws}.csv`, schemas: [...BUILTIN_SCHEMAS] });
  const { version: data } = await storeDatasetVersion(db, ws, analysis);
  await installShippedBundle(db, shipped(ws));
  // Trained on each device: a training time of its own (what tells two trainings apart).
  const bundle = { ...shipped(ws), seed: 7, trainingMs: 1000 + label.length * 11.5 };
  const runId = await startRun(db, { workspaceId: ws, datasetVersionId: data.id!, dataSha256: data.sha256, appVersion: 't', kind: bundle.kind, params: bundle.params, seed: 7 });
  await endRun(db, runId, { status: 'finished' });
  const trained = await registerModelVersion(db, { workspaceId: ws, runId, bundle, source: 'trained', reason: 'trained', actor: 'user' });
  const ids: number[] = [];
  for (let i = 0; i < 4; i++) {
    ids.push(
      await logPrediction(db, {
        workspaceId: ws,
        versionId: trained.id!,
        version: trained.version,
        kind: trained.kind,
        createdAt: 1000 + i,
        source: 'form',
        input: { odor: i % 2 ? 'n' : 'f' },
        pPoisonous: 0.1 * i,
        decision: 'poisonous',
        latencyMs: 1,
        uid: `${label}-${ws}-${i}`,
      }),
    );
  }
  await setFeedback(db, ids[0], 1);
  await setFeedback(db, ids[1], 0);
  const batchId = (await db.predictionBatches.add({
    workspaceId: ws,
    versionId: trained.id!,
    version: trained.version,
    kind: trained.kind,
    createdAt: 2000,
    source: 'field.csv',
    rows: 3,
    columns: [{ name: 'odor', kind: 'categorical', values: Uint8Array.of(1, 2, 3) }],
    label: Uint8Array.of(1, 0, 1),
    pPoisonous: Float32Array.of(0.9, 0.1, 0.5),
    decision: Uint8Array.of(2, 0, 1),
    edibleAbove: 0.97,
    predictMs: 1,
    uid: `${label}-${ws}-batch`,
  })) as number;
  await setBatchFeedback(db, batchId);
  return { data, trained, predictionIds: ids, batchId };
}

async function backup(db: SporeprintDb, scope: BackupScope): Promise<Blob> {
  const { header, segments } = await exportScope(db, scope, { appVersion: 't', createdAt: Date.now() });
  return (await assembleBackup(header, segments)).blob;
}

/** Every row of every table of a scope, ids left out, for comparing two databases. */
async function contents(db: SporeprintDb, ws: string) {
  const strip = <T extends object>(rows: T[]) => rows.map((r) => ({ ...r, id: undefined }));
  return {
    data: strip(await db.datasetVersions.where('workspaceId').equals(ws).toArray()),
    models: strip(await db.modelVersions.where('workspaceId').equals(ws).toArray()).map((m) => ({ ...m, runId: m.runId === null ? null : 'run' })),
    predictions: strip(await db.predictions.where('workspaceId').equals(ws).toArray()).map((p) => ({ ...p, versionId: undefined })),
    batches: strip(await db.predictionBatches.where('workspaceId').equals(ws).toArray()).map((b) => ({ ...b, versionId: undefined })),
    labels: (await db.batchFeedback.where('workspaceId').equals(ws).toArray()).map((b) => Array.from(b.label)),
  };
}

describe('backup and restore (dexie-export-import, fake IndexedDB)', { timeout: 30_000 }, () => {
  it('restores a workspace into another browser whole: same rows, data, weights and version numbers; the other workspace there untouched', async () => {
    const source = freshDb();
    const { data } = await useWorkspace(source, 'uci', 'phone');
    const file = await backup(source, { kind: 'workspace', workspaceId: 'uci' });

    // The other browser already uses Secondary: its rows hold ids the file's rows have too.
    const target = freshDb();
    await useWorkspace(target, 'secondary', 'teacher');
    const secondaryBefore = await contents(target, 'secondary');
    const verified = await verifyBackup(file, limits(target));
    const staging = await stageBackup(file, verified);
    await restoreFromStaging(target, staging, verified.header);
    await dropStaging(staging);

    expect(await contents(target, 'uci')).toEqual(await contents(source, 'uci'));
    expect(await contents(target, 'secondary')).toEqual(secondaryBefore);
    const [restoredData] = await target.datasetVersions.where('workspaceId').equals('uci').toArray();
    expect(restoredData.sha256).toBe(data.sha256);
    expect(await loadDataset(target, restoredData.id!)).toEqual(await loadDataset(source, data.id!));
    const bundles = async (db: SporeprintDb) =>
      Promise.all((await listModelVersions(db, 'uci')).map(async (v) => ({ version: v.version, bundle: (await db.modelBundles.get(v.id!))!.bundle })));
    expect(await bundles(target)).toEqual(await bundles(source));
    // References follow the rows' new ids: each prediction points at the version with its number.
    for (const p of await target.predictions.where('workspaceId').equals('uci').toArray()) {
      expect((await target.modelVersions.get(p.versionId))?.version).toBe(p.version);
    }
    expect((await pendingFeedback(target, 'uci')).count).toBe((await pendingFeedback(source, 'uci')).count);
  });

  it('restores everything into an empty browser with the same ids, settings included', async () => {
    const source = freshDb();
    await useWorkspace(source, 'uci', 'a');
    await useWorkspace(source, 'secondary', 'a');
    await setRetrainEvery(source, 3);
    const file = await backup(source, { kind: 'all' });
    const target = freshDb();
    const verified = await verifyBackup(file, limits(target));
    await restoreFromStaging(target, await stageBackup(file, verified), verified.header);
    for (const t of BACKUP_TABLE_NAMES) {
      const keys = async (db: SporeprintDb) => (await db.table(t).toCollection().primaryKeys()).map(String).sort();
      // Restoring also records that these workspaces are as backed up at the file's time.
      const restoredNote = (k: string) => !k.startsWith('lastBackupAt:');
      expect((await keys(target)).filter(restoredNote), t).toEqual(await keys(source));
    }
    expect((await target.settings.get('lastBackupAt:uci'))?.value).toBe(verified.header.createdAt);
    expect((await target.settings.get('retrainEvery'))?.value).toBe(3);
    expect(await target.predictions.toArray()).toEqual(await source.predictions.toArray());
  });

  it('is all or nothing: a restore that fails half-way leaves the workspace as it was', async () => {
    const source = freshDb();
    await useWorkspace(source, 'uci', 'a');
    const file = await backup(source, { kind: 'workspace', workspaceId: 'uci' });
    const target = freshDb();
    await useWorkspace(target, 'uci', 'b');
    const before = await contents(target, 'uci');
    const verified = await verifyBackup(file, limits(target));
    const staging = await stageBackup(file, verified);
    let pages = 0;
    const failing = () => {
      if (++pages === 3) throw new Error('disk unplugged');
    };
    await expect(restoreFromStaging(target, staging, verified.header, { onProgress: failing })).rejects.toThrow('disk unplugged');
    expect(await contents(target, 'uci')).toEqual(before);
  });

  it('cancels between steps: a backup makes no file, a restore writes nothing', async () => {
    const source = freshDb();
    await useWorkspace(source, 'uci', 'a');
    const cancelled = new AbortController();
    cancelled.abort();
    await expect(exportScope(source, { kind: 'all' }, { appVersion: 't', createdAt: 1 }, cancelled.signal)).rejects.toMatchObject({ code: 'cancelled' });
    const file = await backup(source, { kind: 'workspace', workspaceId: 'uci' });
    const target = freshDb();
    await useWorkspace(target, 'uci', 'b');
    const before = await contents(target, 'uci');
    const verified = await verifyBackup(file, limits(target));
    const staging = await stageBackup(file, verified);
    await expect(restoreFromStaging(target, staging, verified.header, { signal: cancelled.signal })).rejects.toMatchObject({ code: 'cancelled' });
    expect(await contents(target, 'uci')).toEqual(before);
  });

  it('refuses a workspace whose columns differ from the one of the same id here, before anything is written', async () => {
    const source = freshDb();
    await useWorkspace(source, 'uci', 'a');
    const file = await backup(source, { kind: 'workspace', workspaceId: 'uci' });
    const verified = await verifyBackup(file, limits(source));
    verified.header.workspaces[0].schemaFingerprint = 'another-layout';
    const target = freshDb();
    await useWorkspace(target, 'uci', 'b');
    const before = await contents(target, 'uci');
    await expect(restoreFromStaging(target, await stageBackup(file, verified), verified.header)).rejects.toMatchObject({
      code: 'backup-refused',
      details: { reason: 'schema-mismatch' },
    });
    expect(await contents(target, 'uci')).toEqual(before);
  });
});

describe('merge (several phones pooling their feedback)', { timeout: 30_000 }, () => {
  it('pools predictions and labels without duplicates, renumbers versions keeping their origin, and counts the labels towards k; a second merge adds nothing', async () => {
    const teacher = freshDb();
    const phone = freshDb();
    await useWorkspace(teacher, 'uci', 'teacher');
    await useWorkspace(phone, 'uci', 'phone');
    const pendingBefore = (await pendingFeedback(teacher, 'uci')).count;
    const file = await backup(phone, { kind: 'workspace', workspaceId: 'uci' });

    const merge = async () => {
      const verified = await verifyBackup(file, limits(teacher));
      const staging = await stageBackup(file, verified);
      const fileSide = await readMergeSide(staging, 'uci');
      const plan = planMerge(fileSide, await readHereSide(teacher, 'uci'), 'newer', 'backup “phone”');
      const out = await mergeFromStaging(teacher, staging, verified.header, new Map([['uci', fileSide]]), new Map([['uci', conflictSignature(plan)]]), 'newer', 'backup “phone”');
      await dropStaging(staging);
      return out[0].plan;
    };
    const first = await merge();
    expect(first.summary.added.predictions).toBe(4);

    const predictions = await teacher.predictions.where('workspaceId').equals('uci').toArray();
    expect(predictions).toHaveLength(8);
    expect(new Set(predictions.map((p: PredictionRow) => p.uid)).size).toBe(8);
    // The same shipped v1 joined; the phone's trained v2 came in as v3 (the teacher has its own v2), its origin noted.
    const versions = await listModelVersions(teacher, 'uci');
    expect(versions.map((v) => v.version).sort()).toEqual([1, 2, 3]);
    const merged = versions.find((v) => v.version === 3)!;
    expect(merged.stage).toBe('staging');
    expect(merged.history.at(-1)?.reason).toBe('Merged from backup “phone”: was v2 there.');
    expect(await teacher.modelBundles.get(merged.id!)).toBeDefined();
    for (const p of predictions) expect((await teacher.modelVersions.get(p.versionId))?.version).toBe(p.version);
    // Two labelled predictions and the phone's 3 batch labels, waiting for the teacher's next retraining.
    expect((await pendingFeedback(teacher, 'uci')).count).toBe(pendingBefore + 2 + 3);
    expect(await teacher.datasetVersions.count()).toBe(1); // the same data: joined by its SHA-256

    const countsAfterFirst = await countScope(teacher, { kind: 'workspace', workspaceId: 'uci' });
    const second = await merge();
    expect(second.summary.added).toEqual(Object.fromEntries(Object.keys(second.summary.added).map((k) => [k, 0])));
    expect(await countScope(teacher, { kind: 'workspace', workspaceId: 'uci' })).toEqual(countsAfterFirst);
  });

  it('refuses a merge whose conflicts changed since the review, writing nothing', async () => {
    const teacher = freshDb();
    const phone = freshDb();
    await useWorkspace(teacher, 'uci', 'teacher');
    await useWorkspace(phone, 'uci', 'phone');
    const file = await backup(phone, { kind: 'workspace', workspaceId: 'uci' });
    const verified = await verifyBackup(file, limits(teacher));
    const staging = await stageBackup(file, verified);
    const fileSide = await readMergeSide(staging, 'uci');
    const before = await contents(teacher, 'uci');
    const stale = new Map([['uci', JSON.stringify([{ kind: 'feedback' }])]]);
    await expect(mergeFromStaging(teacher, staging, verified.header, new Map([['uci', fileSide]]), stale, 'newer', 'X')).rejects.toMatchObject({
      details: { reason: 'changed-since-review' },
    });
    expect(await contents(teacher, 'uci')).toEqual(before);
  });
});

describe('erase', { timeout: 30_000 }, () => {
  it('erases one workspace (rows, chunks, weights, its own settings) and leaves the other and the shared settings', async () => {
    const db = freshDb();
    await useWorkspace(db, 'uci', 'a');
    await useWorkspace(db, 'secondary', 'a');
    await setRetrainEvery(db, 4);
    const secondary = await contents(db, 'secondary');
    const counts = await countScope(db, { kind: 'workspace', workspaceId: 'uci' });
    expect(counts).toMatchObject({ tables: { predictions: 4, modelVersions: 2, datasetVersions: 1, predictionBatches: 1 }, feedback: 2, batchLabels: 3 });
    await db.transaction('rw', db.tables, async () => deleteScope(db, await scopeKeys(db, { kind: 'workspace', workspaceId: 'uci' })));
    expect(await countScope(db, { kind: 'workspace', workspaceId: 'uci' })).toEqual({ tables: {}, feedback: 0, batchLabels: 0 });
    expect(await contents(db, 'secondary')).toEqual(secondary);
    expect(await db.datasetChunks.count()).toBeGreaterThan(0);
    expect((await db.settings.get('retrainEvery'))?.value).toBe(4);
    expect(await db.settings.get('modelVersionCounter:uci')).toBeUndefined();
    expect(await db.settings.get('modelVersionCounter:secondary')).toBeDefined();
  });
});
