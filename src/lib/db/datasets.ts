import type { Dataset } from '$lib/engine/data/dataset';
import { datasetFiller, splitIntoChunks } from '$lib/engine/data/dataset';
import type { ImportAnalysis } from '$lib/engine/data/importCsv';
import type { DatasetVersionRow, SporeprintDb, WorkspaceRow } from './db';
import { storageError } from './storageErrors';
import { EngineError } from '$lib/engine/errors';

export type StoreResult = { status: 'stored'; version: DatasetVersionRow } | { status: 'duplicate'; version: DatasetVersionRow };

/**
 * Stores an analysed import as a new reference data version — metadata and every chunk in one
 * transaction, so it lands whole or not at all. Content already stored in the workspace (same
 * SHA-256) is recognised and not stored again.
 */
export async function storeDatasetVersion(
  db: SporeprintDb,
  workspaceId: string,
  analysis: ImportAnalysis,
  /** A workspace created by this import (inferred schema): saved in the same transaction. */
  newWorkspace?: WorkspaceRow,
): Promise<StoreResult> {
  const { report, dataset, profile } = analysis;
  const chunks = splitIntoChunks(dataset);
  try {
    return await db.transaction('rw', [db.workspaces, db.datasetVersions, db.datasetChunks], async () => {
      const existing = await db.datasetVersions.where({ workspaceId, sha256: report.sha256 }).first();
      if (existing) return { status: 'duplicate', version: existing } as const;
      if (newWorkspace) await db.workspaces.put(newWorkspace);
      const newest = await db.datasetVersions.where('workspaceId').equals(workspaceId).reverse().sortBy('createdAt');
      const { rejections, ...rest } = report;
      const row: DatasetVersionRow = {
        workspaceId,
        sha256: report.sha256,
        rows: dataset.rows,
        classCounts: profile.classCounts,
        parentId: newest[0]?.id ?? null,
        sourceName: report.sourceName,
        createdAt: Date.now(),
        chunkCount: chunks.length,
        profile,
        report: { ...rest, rejectionsListed: rejections.length },
      };
      const id = await db.datasetVersions.add(row);
      await db.datasetChunks.bulkAdd(chunks.map((c) => ({ ...c, versionId: id as number })));
      return { status: 'stored', version: { ...row, id: id as number } } as const;
    });
  } catch (e) {
    throw storageError(e, `the data version from ${report.sourceName}`);
  }
}

export async function findDatasetVersion(db: SporeprintDb, workspaceId: string, sha256: string): Promise<DatasetVersionRow | undefined> {
  return db.datasetVersions.where({ workspaceId, sha256 }).first();
}

export async function listDatasetVersions(db: SporeprintDb, workspaceId: string): Promise<DatasetVersionRow[]> {
  const rows = await db.datasetVersions.where('workspaceId').equals(workspaceId).sortBy('createdAt');
  return rows.reverse();
}

/**
 * The data version's rows, read chunk by chunk (in index order, the cursor of the versionId index)
 * into columns allocated once for the version's row count: at a million rows the chunks (42 MB for
 * Secondary) are never held beside the joined columns.
 */
export async function loadDataset(db: SporeprintDb, versionId: number): Promise<Dataset> {
  const version = await db.datasetVersions.get(versionId);
  if (!version) throw new EngineError('not-found', `Data version #${versionId} does not exist (deleted in another tab?).`);
  const filler = datasetFiller(version.rows);
  try {
    await db.datasetChunks
      .where('versionId')
      .equals(versionId)
      .each((chunk) => filler.add(chunk));
    return filler.done();
  } catch (e) {
    if (e instanceof RangeError) throw new EngineError('storage-failed', `Data version #${versionId} is damaged: ${e.message}. Import its file again.`);
    throw e;
  }
}

/** Removes a version and its rows in one transaction; children keep pointing at its parent. */
export async function deleteDatasetVersion(db: SporeprintDb, versionId: number): Promise<void> {
  await db.transaction('rw', db.datasetVersions, db.datasetChunks, async () => {
    const v = await db.datasetVersions.get(versionId);
    if (!v) return;
    await db.datasetVersions
      .where('workspaceId')
      .equals(v.workspaceId)
      .filter((c) => c.parentId === versionId)
      .modify({ parentId: v.parentId });
    await db.datasetChunks.where('versionId').equals(versionId).delete();
    await db.datasetVersions.delete(versionId);
  });
}
