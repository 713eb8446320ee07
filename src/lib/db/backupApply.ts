import Dexie, { type IndexableType } from 'dexie';
import { refuse, type BackupHeader } from '$lib/engine/backup/format';
import { conflictSignature, planMerge, type FeedbackPolicy, type MergePlan, type MergeSide } from '$lib/engine/backup/mergePlan';
import { remapRow } from '$lib/engine/backup/remap';
import { planRestore } from '$lib/engine/backup/restorePlan';
import { AUTO_ID_TABLES, BACKUP_TABLE_NAMES, TABLES, isSharedSettingInWorkspaceBackup, settingWorkspace, type AutoIdTable, type BackupTable } from '$lib/engine/backup/tables';
import { throwIfCancelled } from '$lib/engine/errors';
import type { ProgressCallback } from '$lib/engine/progress';
import { schemaFingerprint } from '$lib/engine/ml/preprocess';
import type { ModelVersionRow, SporeprintDb } from './db';
import { deleteScope, scopeKeys } from './backupScope';
import { readHereSide } from './backupStage';
import { versionCounterKey } from './registry';
import { listWorkspaces } from './workspaces';
import { lastBackupKey } from './backupSettings';

type Row = Record<string, unknown>;

export interface ApplyContext {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

/**
 * Reads from the staging database while the app database's transaction is open: Dexie.waitFor keeps
 * that transaction alive meanwhile, so a whole restore or merge is one transaction — it lands whole
 * or, on any failure (a full disk, a cancel), not at all.
 */
function fromStaging<T>(read: () => Promise<T>): Promise<T> {
  return Dexie.waitFor(read) as unknown as Promise<T>;
}

const PAGE = { light: 2000, heavy: 4 };
const pageSize = (t: BackupTable) => (TABLES[t].heavy ? PAGE.heavy : PAGE.light);

function keyOf(t: BackupTable, row: Row): IndexableType {
  const k = TABLES[t].key;
  return k === '[versionId+index]' ? [row.versionId as number, row.index as number] : (row[k] as IndexableType);
}

/** Every staged row of a table, a page at a time. */
async function eachStaged(staging: SporeprintDb, t: BackupTable, onPage: (rows: Row[]) => Promise<void>): Promise<void> {
  let last: IndexableType | undefined;
  for (;;) {
    const from = last;
    const rows = (await fromStaging(() =>
      (from === undefined ? staging.table(t).orderBy(':id') : staging.table(t).where(':id').above(from)).limit(pageSize(t)).toArray(),
    )) as Row[];
    if (!rows.length) return;
    last = keyOf(t, rows[rows.length - 1]);
    await onPage(rows);
  }
}

/** The staged rows with these keys, a page at a time. */
async function stagedByKeys(staging: SporeprintDb, t: BackupTable, keys: readonly IndexableType[], onPage: (rows: Row[]) => Promise<void>): Promise<void> {
  const n = pageSize(t);
  for (let i = 0; i < keys.length; i += n) {
    const part = keys.slice(i, i + n);
    const rows = (await fromStaging(() => staging.table(t).bulkGet(part as IndexableType[]))).filter((r): r is Row => !!r);
    if (rows.length) await onPage(rows);
  }
}

/** A workspace of the file whose schema differs from this browser's workspace of the same id is refused. */
export async function checkSchemas(db: SporeprintDb, header: BackupHeader): Promise<void> {
  const here = await listWorkspaces(db);
  for (const w of header.workspaces) {
    const local = here.find((h) => h.id === w.id);
    if (local && schemaFingerprint(local.schema) !== w.schemaFingerprint) {
      throw refuse(
        'schema-mismatch',
        `The backup's workspace “${w.name}” has other columns or codes than this browser's workspace “${local.name}” (schema ${w.schemaFingerprint} in the file, ${schemaFingerprint(local.schema)} here): its data and models would not fit it. Erase that workspace first to replace it with the backup's.`,
        { workspaceId: w.id },
      );
    }
  }
}

function progress(ctx: ApplyContext, phase: string, total: number) {
  let done = 0;
  return (n: number) => {
    throwIfCancelled(ctx.signal);
    ctx.onProgress?.({ phase, done: (done += n), total });
  };
}

/**
 * Restores a staged backup: the scope here (a workspace, or everything) is emptied and the file's rows
 * put back, under their own ids where no row staying here has them, with their version numbers,
 * stages and history — in one transaction.
 */
export async function restoreFromStaging(db: SporeprintDb, staging: SporeprintDb, header: BackupHeader, ctx: ApplyContext = {}): Promise<void> {
  const total = header.segments.reduce((n, s) => n + s.rows, 0);
  await db.transaction('rw', db.tables, async () => {
    await checkSchemas(db, header);
    await deleteScope(db, await scopeKeys(db, header.scope));
    const taken = {} as Record<AutoIdTable, Set<number>>;
    const fileIds = {} as Record<AutoIdTable, number[]>;
    for (const t of AUTO_ID_TABLES) {
      taken[t] = new Set((await db.table(t).toCollection().primaryKeys()) as number[]);
      fileIds[t] = (await fromStaging(() => staging.table(t).toCollection().primaryKeys())) as number[];
    }
    const models = (await fromStaging(() => staging.modelVersions.toArray())).map((m) => ({ id: m.id!, version: m.version }));
    const maps = planRestore(fileIds, taken, models);
    const tick = progress(ctx, 'Restoring', total);
    for (const t of BACKUP_TABLE_NAMES) {
      if (t === 'settings') continue;
      await eachStaged(staging, t, async (rows) => {
        await db.table(t).bulkPut(rows.map((r) => remapRow(t, r, maps)));
        tick(rows.length);
      });
    }
    const setHere = new Set((await db.settings.toCollection().primaryKeys()) as string[]);
    // A workspace's own settings come back as they were; the shared ones only where this browser has
    // none of its own (a full restore takes them all).
    const takes = (key: string) => header.scope.kind === 'all' || settingWorkspace(key) !== null || (isSharedSettingInWorkspaceBackup(key) && !setHere.has(key));
    await eachStaged(staging, 'settings', async (rows) => {
      await db.settings.bulkPut(rows.filter((r) => takes(r.key as string)) as never[]);
      tick(rows.length);
    });
    // The data here is now what the file holds: that backup is the last one of these workspaces.
    for (const w of header.workspaces) await db.settings.put({ key: lastBackupKey(w.id), value: header.createdAt });
  });
}

export interface MergeOutcome {
  workspaceId: string;
  plan: MergePlan;
}

/**
 * Merges a staged backup into the same workspaces here, as planned from `file` (read from staging
 * at review). The plan is made again inside the transaction; if its conflicts are no longer the ones
 * the user reviewed (a label given meanwhile), nothing is written and the review must be redone.
 */
export async function mergeFromStaging(
  db: SporeprintDb,
  staging: SporeprintDb,
  header: BackupHeader,
  file: Map<string, MergeSide>,
  reviewed: Map<string, string>,
  policy: FeedbackPolicy,
  source: string,
  ctx: ApplyContext = {},
): Promise<MergeOutcome[]> {
  return db.transaction('rw', db.tables, async () => {
    await checkSchemas(db, header);
    const out: MergeOutcome[] = [];
    for (const w of header.workspaces) {
      const plan = planMerge(file.get(w.id)!, await readHereSide(db, w.id), policy, source);
      if (conflictSignature(plan) !== reviewed.get(w.id)) {
        throw refuse('changed-since-review', `Something changed in “${w.name}” since you reviewed this merge (a label was given or changed). Review the merge again.`);
      }
      await writeMerge(db, staging, w.id, plan, ctx);
      out.push({ workspaceId: w.id, plan });
    }
    return out;
  });
}

async function writeMerge(db: SporeprintDb, staging: SporeprintDb, workspaceId: string, plan: MergePlan, ctx: ApplyContext): Promise<void> {
  const { maps } = plan;
  const total = AUTO_ID_TABLES.reduce((n, t) => n + plan.insert[t].length, 0) + plan.batchLabels.length + plan.feedback.length;
  const tick = progress(ctx, 'Merging', total);
  const put = async (t: BackupTable, rows: Row[]) => {
    await db.table(t).bulkPut(rows.map((r) => adjustMerged(t, remapRow(t, r, maps), plan)));
  };
  if (!(await db.workspaces.get(workspaceId))) await stagedByKeys(staging, 'workspaces', [workspaceId], (rows) => put('workspaces', rows));
  for (const t of AUTO_ID_TABLES) {
    await stagedByKeys(staging, t, plan.insert[t], async (rows) => {
      await put(t, rows);
      tick(rows.length);
    });
  }
  const newData = plan.insert.datasetVersions;
  if (newData.length) {
    const keys = (await fromStaging(() => staging.datasetChunks.where('versionId').anyOf(newData).primaryKeys())) as IndexableType[];
    await stagedByKeys(staging, 'datasetChunks', keys, (rows) => put('datasetChunks', rows));
  }
  await stagedByKeys(staging, 'modelBundles', plan.insert.modelVersions, (rows) => put('modelBundles', rows));
  await stagedByKeys(staging, 'monitorReferences', plan.insert.modelVersions, (rows) => put('monitorReferences', rows));
  await stagedByKeys(staging, 'batchFeedback', plan.batchLabels, async (rows) => {
    await put('batchFeedback', rows);
    tick(rows.length);
  });
  for (const f of plan.feedback) {
    // A label from the file waits for this workspace's next retraining like any other.
    await db.predictions.update(f.id, { feedback: { label: f.label, at: f.at } });
    tick(1);
  }
  const counter = (await db.settings.get(versionCounterKey(workspaceId)))?.value;
  await db.settings.put({ key: versionCounterKey(workspaceId), value: Math.max(typeof counter === 'number' ? counter : 0, plan.versionCounter) });
}

/** What merging changes in a row beyond its ids: labels arrive unused here; added versions get their stage and origin. */
function adjustMerged(t: BackupTable, row: Row, plan: MergePlan): Row {
  if (t === 'predictions' && row.feedback) delete (row.feedback as Row).usedByRun;
  if (t === 'batchFeedback') delete row.usedByRun;
  if (t === 'modelVersions') {
    const v = row as unknown as ModelVersionRow;
    const planned = plan.versions.find((p) => plan.maps.ids.modelVersions.get(p.fileId) === v.id);
    if (!planned) throw new Error(`Model version #${v.id} was not planned.`);
    v.history.push({ at: Date.now(), from: v.stage, to: planned.stage, reason: planned.note, actor: 'user' });
    v.stage = planned.stage;
    v.version = planned.version;
  }
  return row;
}
