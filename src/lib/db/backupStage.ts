import Dexie from 'dexie';
import { importInto } from 'dexie-export-import';
import type { VerifiedBackup } from '$lib/engine/backup/file';
import { refuse } from '$lib/engine/backup/format';
import { unpackNumbers } from '$lib/engine/backup/pack';
import { abTestIdentity, alertIdentity, legacyUid, modelIdentity, runIdentity, snapshotIdentity } from '$lib/engine/backup/identity';
import type { HereSide, MergeSide } from '$lib/engine/backup/mergePlan';
import { AUTO_ID_TABLES, TABLES } from '$lib/engine/backup/tables';
import { throwIfCancelled } from '$lib/engine/errors';
import type { ProgressCallback } from '$lib/engine/progress';
import { SporeprintDb } from './db';
import { pendingFeedback } from './feedback';
import { peekNextVersionNumber } from './registry';

/**
 * A checked backup is first read into a database of its own, with the same schema: nothing in the
 * app's database changes until the user has seen what the file holds and confirmed. Deleted when the
 * restore or merge ends, or is given up; the next one starts by deleting any left behind.
 */
const STAGING_DB = 'sporeprint-backup-staging';

/** Bytes the library parses per step (it reads the file synchronously in a worker). */
const CHUNK_BYTES = 1024 * 1024;

export async function stageBackup(file: Blob, verified: VerifiedBackup, signal?: AbortSignal, onProgress?: ProgressCallback): Promise<SporeprintDb> {
  await Dexie.delete(STAGING_DB);
  const staging = new SporeprintDb(STAGING_DB);
  try {
    await staging.open();
    const total = verified.segments.reduce((n, s) => n + s.rows, 0);
    let before = 0;
    for (const s of verified.segments) {
      throwIfCancelled(signal);
      await importInto(staging, file.slice(s.start, s.end), {
        acceptNameDiff: true,
        // Older database versions only lack tables and fields; newer ones were refused with the header.
        acceptVersionDiff: true,
        chunkSizeBytes: CHUNK_BYTES,
        transform: (_t, value, key) => ({ value: unpackNumbers(value), key }),
        progressCallback: (p) => {
          throwIfCancelled(signal);
          onProgress?.({ phase: `Reading ${TABLES[s.table].label}`, done: before + p.completedRows, total });
          return true;
        },
      });
      before += s.rows;
      const stored = await staging.table(s.table).count();
      if (stored !== s.rows) {
        throw refuse('checksum', `This backup file is inconsistent: its header lists ${s.rows} ${TABLES[s.table].label}, its content holds ${stored}.`);
      }
    }
    // A backup made before predictions had uids (database version 7) gets them as the upgrade would.
    await staging.predictions.filter((p) => !p.uid).modify((p) => void (p.uid = legacyUid(p)));
    await staging.predictionBatches.filter((b) => !b.uid).modify((b) => void (b.uid = legacyUid(b)));
    return staging;
  } catch (e) {
    staging.close();
    await Dexie.delete(STAGING_DB).catch(() => {});
    throw e;
  }
}

export async function dropStaging(staging: SporeprintDb | null): Promise<void> {
  staging?.close();
  await Dexie.delete(STAGING_DB);
}

/** One workspace's rows in `db` as merging needs them: ids, identities, labels (never the heavy columns kept). */
export async function readMergeSide(db: SporeprintDb, workspaceId: string): Promise<MergeSide> {
  const labelled = new Map<number, number>();
  await db.batchFeedback
    .where('workspaceId')
    .equals(workspaceId)
    .each((b) => labelled.set(b.batchId, b.label.length));
  const batches: MergeSide['batches'] = [];
  // One batch at a time: each holds its whole file's columns.
  await db.predictionBatches
    .where('workspaceId')
    .equals(workspaceId)
    .each((b) => batches.push({ id: b.id!, uid: b.uid, labelled: labelled.has(b.id!), labelRows: labelled.get(b.id!) ?? 0, abTestId: b.ab?.testId ?? b.shadow?.testId }));
  const snapshots: MergeSide['snapshots'] = [];
  await db.monitorSnapshots
    .where('workspaceId')
    .equals(workspaceId)
    .each((s) => snapshots.push({ id: s.id!, identity: snapshotIdentity(s) }));
  return {
    dataVersions: (await db.datasetVersions.where('workspaceId').equals(workspaceId).toArray()).map((d) => ({ id: d.id!, sha256: d.sha256, rows: d.rows, createdAt: d.createdAt })),
    models: (await db.modelVersions.where('workspaceId').equals(workspaceId).toArray()).map((m) => ({
      id: m.id!,
      version: m.version,
      identity: modelIdentity(m),
      stage: m.stage,
      kind: m.kind,
    })),
    runs: (await db.runs.where('workspaceId').equals(workspaceId).toArray()).map((r) => ({ id: r.id!, identity: runIdentity(r) })),
    abTests: (await db.abTests.where('workspaceId').equals(workspaceId).toArray()).map((t) => ({ id: t.id!, identity: abTestIdentity(t), status: t.status })),
    predictions: (await db.predictions.where('workspaceId').equals(workspaceId).toArray()).map((p) => ({
      id: p.id!,
      uid: p.uid,
      createdAt: p.createdAt,
      ...(p.feedback ? { feedback: p.feedback } : {}),
      ...(p.ab ? { abTestId: p.ab.testId } : {}),
    })),
    batches,
    alerts: (await db.alerts.where('workspaceId').equals(workspaceId).toArray()).map((a) => ({ id: a.id!, identity: alertIdentity(a) })),
    snapshots,
  };
}

/** This browser's side of a merge: its rows, the highest id of every table, the next version number, the feedback waiting. */
export async function readHereSide(db: SporeprintDb, workspaceId: string): Promise<HereSide> {
  const side = await readMergeSide(db, workspaceId);
  const maxIds = {} as HereSide['maxIds'];
  for (const t of AUTO_ID_TABLES) maxIds[t] = ((await db.table(t).orderBy(':id').lastKey()) as number | undefined) ?? 0;
  return { ...side, maxIds, nextVersion: await peekNextVersionNumber(db, workspaceId), pendingFeedback: (await pendingFeedback(db, workspaceId)).count };
}
