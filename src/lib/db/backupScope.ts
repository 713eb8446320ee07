import type { BackupScope } from '$lib/engine/backup/format';
import { BACKUP_TABLE_NAMES, TABLES, isSharedSettingInWorkspaceBackup, settingWorkspace, type BackupTable, type TableCounts } from '$lib/engine/backup/tables';
import type { SporeprintDb } from './db';

/** The rows of a scope: its workspaces and the ids of their data and model versions (children are keyed by those). */
export interface ScopeKeys {
  scope: BackupScope;
  datasetVersionIds: Set<number>;
  modelVersionIds: Set<number>;
  /** Which workspace each data / model version belongs to (to count children per workspace). */
  versionWorkspace: { datasetVersions: Map<number, string>; modelVersions: Map<number, string> };
}

/** Reads the scope's version ids (in the caller's transaction, for a consistent picture). */
export async function scopeKeys(db: SporeprintDb, scope: BackupScope): Promise<ScopeKeys> {
  const pick = async (table: SporeprintDb['datasetVersions'] | SporeprintDb['modelVersions']) => {
    const rows = new Map<number, string>();
    const all = scope.kind === 'all' ? table.toCollection() : table.where('workspaceId').equals(scope.workspaceId);
    // Index keys only: version rows are light, but there is no need to read them here.
    if (scope.kind === 'all') await all.each((r) => rows.set(r.id!, r.workspaceId));
    else for (const id of await all.primaryKeys()) rows.set(id as number, scope.workspaceId);
    return rows;
  };
  const datasetVersions = await pick(db.datasetVersions);
  const modelVersions = await pick(db.modelVersions);
  return {
    scope,
    datasetVersionIds: new Set(datasetVersions.keys()),
    modelVersionIds: new Set(modelVersions.keys()),
    versionWorkspace: { datasetVersions, modelVersions },
  };
}

/**
 * The workspace a row belongs to, or null for a setting shared by every workspace. `sharedSettings`:
 * whether a workspace's backup carries the shared settings too (it does; an erase never deletes them).
 */
export function rowWorkspace(table: BackupTable, row: Record<string, unknown>, keys: ScopeKeys): string | null | undefined {
  const owner = TABLES[table].owner;
  switch (owner.kind) {
    case 'self':
      return row.id as string;
    case 'workspace':
      return row.workspaceId as string;
    case 'parent':
      return keys.versionWorkspace[owner.table].get(row[owner.field] as number);
    case 'setting':
      return settingWorkspace(row.key as string);
  }
}

/** Whether a row is in the scope (for a workspace: its rows; with `sharedSettings`, the settings every workspace shares). */
export function inScope(table: BackupTable, row: Record<string, unknown>, keys: ScopeKeys, sharedSettings: boolean): boolean {
  if (keys.scope.kind === 'all') return true;
  const ws = rowWorkspace(table, row, keys);
  if (ws === keys.scope.workspaceId) return true;
  return table === 'settings' && ws === null && sharedSettings && isSharedSettingInWorkspaceBackup(row.key as string);
}

export async function countScope(db: SporeprintDb, scope: BackupScope): Promise<TableCounts> {
  return db.transaction('r', db.tables, async () => {
    const keys = await scopeKeys(db, scope);
    const out: TableCounts = { tables: {}, feedback: 0, batchLabels: 0 };
    for (const name of BACKUP_TABLE_NAMES) {
      const spec = TABLES[name];
      const table = db.table(name);
      let n: number;
      if (scope.kind === 'all') n = await table.count();
      else if (spec.owner.kind === 'workspace') n = await table.where('workspaceId').equals(scope.workspaceId).count();
      else if (spec.owner.kind === 'parent') {
        const ids = [...(spec.owner.table === 'datasetVersions' ? keys.datasetVersionIds : keys.modelVersionIds)];
        n = await table
          .where(name === 'datasetChunks' ? 'versionId' : ':id')
          .anyOf(ids)
          .count();
      } else n = (await table.toArray()).filter((r) => inScope(name, r, keys, false)).length;
      if (n) out.tables[name] = n;
    }
    const predictions = scope.kind === 'all' ? db.predictions.toCollection() : db.predictions.where('workspaceId').equals(scope.workspaceId);
    out.feedback = await predictions.filter((p) => !!p.feedback).count();
    const labels = scope.kind === 'all' ? db.batchFeedback.toCollection() : db.batchFeedback.where('workspaceId').equals(scope.workspaceId);
    await labels.each((b) => (out.batchLabels += b.label.length));
    return out;
  });
}

/**
 * Deletes every row of the scope (in the caller's rw transaction): for a workspace, its rows and its
 * own settings, never another workspace's nor the shared settings; for everything, every table.
 */
export async function deleteScope(db: SporeprintDb, keys: ScopeKeys): Promise<void> {
  const { scope } = keys;
  if (scope.kind === 'all') {
    for (const t of db.tables) await t.clear();
    return;
  }
  const ws = scope.workspaceId;
  for (const name of BACKUP_TABLE_NAMES) {
    const spec = TABLES[name];
    const table = db.table(name);
    if (spec.owner.kind === 'workspace') await table.where('workspaceId').equals(ws).delete();
    else if (spec.owner.kind === 'self') await table.delete(ws);
    else if (spec.owner.kind === 'parent') {
      const ids = spec.owner.table === 'datasetVersions' ? keys.datasetVersionIds : keys.modelVersionIds;
      if (name === 'datasetChunks')
        await table
          .where('versionId')
          .anyOf([...ids])
          .delete();
      else await table.bulkDelete([...ids]);
    } else {
      const own = (await table.toCollection().primaryKeys()).filter((k) => settingWorkspace(String(k)) === ws);
      await table.bulkDelete(own);
    }
  }
}
