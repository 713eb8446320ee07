import { exportDB } from 'dexie-export-import';
import type { SegmentBlob } from '$lib/engine/backup/file';
import { BACKUP_FORMAT_VERSION, SEGMENT_FORMAT, type BackupHeader, type BackupScope, type BackupWorkspace } from '$lib/engine/backup/format';
import { BACKUP_TABLE_NAMES, TABLES, type BackupTable } from '$lib/engine/backup/tables';
import { packNumbers } from '$lib/engine/backup/pack';
import { throwIfCancelled } from '$lib/engine/errors';
import type { ProgressCallback } from '$lib/engine/progress';
import { schemaFingerprint } from '$lib/engine/ml/preprocess';
import type { SporeprintDb } from './db';
import { inScope, rowWorkspace, scopeKeys } from './backupScope';
import { listWorkspaces } from './workspaces';

/** Rows read per step: thousands of light rows, a few heavy ones (a 61k-row batch is megabytes). */
const ROWS_PER_READ = { light: 1000, heavy: 2 };

/**
 * Everything in the scope, one dexie-export-import file per table, read in one transaction (a
 * consistent picture: a prediction logged meanwhile is either wholly in the backup or not at all),
 * with the header's description of what each workspace holds gathered from the same rows. Each table
 * comes out as a Blob made of per-step Blobs, so the browser may keep it out of the worker's memory.
 */
export async function exportScope(
  db: SporeprintDb,
  scope: BackupScope,
  meta: { appVersion: string; createdAt: number },
  signal?: AbortSignal,
  onProgress?: ProgressCallback,
): Promise<{ header: Omit<BackupHeader, 'segments'>; segments: SegmentBlob[] }> {
  return db.transaction('r', db.tables, async () => {
    const keys = await scopeKeys(db, scope);
    const known = await listWorkspaces(db);
    const chosen = scope.kind === 'all' ? known : known.filter((w) => w.id === scope.workspaceId);
    const summaries = new Map<string, BackupWorkspace>(
      chosen.map((w) => [
        w.id,
        { id: w.id, name: w.name, builtin: w.builtin, schemaFingerprint: schemaFingerprint(w.schema), counts: {}, dataVersions: [], models: [], feedback: 0, batchLabels: 0 },
      ]),
    );
    const totals = await Promise.all(BACKUP_TABLE_NAMES.map((t) => db.table(t).count()));
    const total = totals.reduce((a, b) => a + b, 0);
    let before = 0;
    const segments: SegmentBlob[] = [];
    for (const [i, table] of BACKUP_TABLE_NAMES.entries()) {
      let rows = 0;
      const blob = await exportDB(db, {
        noTransaction: true, // inside ours
        skipTables: BACKUP_TABLE_NAMES.filter((t) => t !== table),
        numRowsPerChunk: TABLES[table].heavy ? ROWS_PER_READ.heavy : ROWS_PER_READ.light,
        filter: (_t, value) => {
          if (!inScope(table, value, keys, true)) return false;
          rows++;
          describeRow(summaries.get(rowWorkspace(table, value, keys) ?? ''), table, value);
          return true;
        },
        transform: (_t, value, key) => ({ value: packNumbers(value), key }),
        progressCallback: (p) => {
          // Throwing here aborts the read transaction: a cancelled backup leaves nothing behind.
          throwIfCancelled(signal);
          onProgress?.({ phase: `Backing up ${TABLES[table].label}`, done: before + p.completedRows, total });
          return true;
        },
      });
      before += totals[i];
      segments.push({ table, rows, blob });
    }
    const header: Omit<BackupHeader, 'segments'> = {
      app: 'sporeprint',
      kind: 'backup',
      formatVersion: BACKUP_FORMAT_VERSION,
      appVersion: meta.appVersion,
      dbVersion: db.verno,
      createdAt: meta.createdAt,
      scope,
      // A workspace with nothing stored is left out of a full backup (a built-in one is there anyway).
      workspaces: [...summaries.values()].filter((w) => scope.kind === 'workspace' || Object.keys(w.counts).length > 0),
      segmentFormat: SEGMENT_FORMAT,
    };
    return { header, segments };
  });
}

/** Adds one row to its workspace's description in the header. */
function describeRow(w: BackupWorkspace | undefined, table: BackupTable, row: Record<string, unknown>): void {
  if (!w) return;
  w.counts[table] = (w.counts[table] ?? 0) + 1;
  if (table === 'datasetVersions') {
    w.dataVersions.push({ sha256: row.sha256 as string, rows: row.rows as number, sourceName: row.sourceName as string, createdAt: row.createdAt as number });
  } else if (table === 'modelVersions') {
    w.models.push({ version: row.version as number, kind: row.kind as string, stage: row.stage as string, source: row.source as string, createdAt: row.createdAt as number });
  } else if (table === 'predictions' && row.feedback) {
    w.feedback++;
  } else if (table === 'batchFeedback') {
    w.batchLabels += (row.label as Uint8Array).length;
  }
}
