import Dexie, { type EntityTable } from 'dexie';
import type { WorkspaceSchema } from '$lib/engine/data/schema';
import type { DatasetChunk } from '$lib/engine/data/dataset';
import type { DatasetProfile } from '$lib/engine/data/profile';
import type { ImportReport } from '$lib/engine/data/importCsv';

export interface WorkspaceRow {
  id: string;
  name: string;
  builtin: boolean;
  schema: WorkspaceSchema;
  createdAt: number;
}

/** One imported reference data set (the DVC role): identity is the SHA-256 of its canonical content. */
export interface DatasetVersionRow {
  id?: number;
  workspaceId: string;
  sha256: string;
  rows: number;
  classCounts: [number, number];
  /** The version this one follows in its workspace (the previous newest), or null for the first. */
  parentId: number | null;
  sourceName: string;
  createdAt: number;
  chunkCount: number;
  profile: DatasetProfile;
  report: Omit<ImportReport, 'rejections'> & { rejectionsListed: number };
}

export interface DatasetChunkRow extends DatasetChunk {
  versionId: number;
}

export interface SettingRow {
  key: string;
  value: unknown;
}

/**
 * The one IndexedDB database. Every schema change is a new `version(n)` with an `upgrade()` where
 * data moves; never edit a published version's stores.
 */
export class SporeprintDb extends Dexie {
  workspaces!: EntityTable<WorkspaceRow, 'id'>;
  datasetVersions!: EntityTable<DatasetVersionRow, 'id'>;
  datasetChunks!: Dexie.Table<DatasetChunkRow, [number, number]>;
  settings!: EntityTable<SettingRow, 'key'>;

  constructor(name = 'sporeprint') {
    super(name);
    this.version(1).stores({
      workspaces: 'id',
      datasetVersions: '++id, workspaceId, [workspaceId+sha256], createdAt',
      datasetChunks: '[versionId+index], versionId',
      settings: 'key',
    });
  }
}

let instance: SporeprintDb | null = null;

/** The shared database of this context (page or worker); each opens its own connection. */
export function getDb(): SporeprintDb {
  instance ??= new SporeprintDb();
  return instance;
}
