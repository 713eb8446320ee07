/**
 * What a backup knows about each IndexedDB table (db/db.ts): how its rows belong to a workspace and
 * which of their fields hold ids of rows in other tables, so that a restore or a merge can give rows
 * new ids and keep every reference pointing at the right row. A table added to the database without
 * an entry here fails db/backupTables.test.ts.
 */

/** Tables whose rows get their id from IndexedDB's key generator (`++id`). */
export const AUTO_ID_TABLES = ['datasetVersions', 'runs', 'modelVersions', 'predictions', 'predictionBatches', 'alerts', 'monitorSnapshots', 'abTests'] as const;
export type AutoIdTable = (typeof AUTO_ID_TABLES)[number];

export const BACKUP_TABLE_NAMES = [
  'workspaces',
  'settings',
  'datasetVersions',
  'datasetChunks',
  'runs',
  'modelVersions',
  'modelBundles',
  'monitorReferences',
  'abTests',
  'predictions',
  'predictionBatches',
  'batchFeedback',
  'alerts',
  'monitorSnapshots',
] as const;
export type BackupTable = (typeof BACKUP_TABLE_NAMES)[number];

/** A field holding the id of a row of another table. */
export interface RefSpec {
  /** Dotted path; `[]` steps into every element of an array. */
  path: string;
  table: AutoIdTable;
  /** The field beside it that repeats the model version's number ("v3"): renumbered with it. */
  versionPath?: string;
  /** The referenced row is not in the file: set the field to null, or drop it. */
  whenMissing: 'null' | 'delete';
}

export type Owner =
  | { kind: 'self' } // the workspaces table: its id is the workspace
  | { kind: 'workspace' } // a `workspaceId` field
  | { kind: 'parent'; field: 'versionId'; table: 'datasetVersions' | 'modelVersions' } // keyed by its parent's id
  | { kind: 'setting' }; // a setting key, scoped by its suffix (settingScope)

export interface TableSpec {
  label: string;
  /** The table's key path, as in db.ts. */
  key: 'id' | 'key' | 'versionId' | 'batchId' | '[versionId+index]';
  autoId: boolean;
  owner: Owner;
  refs: RefSpec[];
  /** Fields holding a model version's number alone (no id beside it). */
  versionNumberPaths?: string[];
  /** Rows of megabytes (typed columns, weights): read a few at a time. */
  heavy: boolean;
}

export const TABLES: Record<BackupTable, TableSpec> = {
  workspaces: { label: 'workspaces', key: 'id', autoId: false, owner: { kind: 'self' }, refs: [], heavy: false },
  settings: { label: 'settings', key: 'key', autoId: false, owner: { kind: 'setting' }, refs: [], heavy: false },
  datasetVersions: {
    label: 'data versions',
    key: 'id',
    autoId: true,
    owner: { kind: 'workspace' },
    refs: [{ path: 'parentId', table: 'datasetVersions', whenMissing: 'null' }],
    heavy: false,
  },
  datasetChunks: {
    label: 'data chunks',
    key: '[versionId+index]',
    autoId: false,
    owner: { kind: 'parent', field: 'versionId', table: 'datasetVersions' },
    refs: [{ path: 'versionId', table: 'datasetVersions', whenMissing: 'delete' }],
    heavy: true,
  },
  runs: {
    label: 'training runs',
    key: 'id',
    autoId: true,
    owner: { kind: 'workspace' },
    refs: [
      { path: 'datasetVersionId', table: 'datasetVersions', whenMissing: 'null' },
      { path: 'modelVersionId', table: 'modelVersions', whenMissing: 'delete' },
    ],
    heavy: false,
  },
  modelVersions: {
    label: 'model versions',
    key: 'id',
    autoId: true,
    owner: { kind: 'workspace' },
    refs: [
      { path: 'runId', table: 'runs', whenMissing: 'null' },
      { path: 'history[].waitsForAbTest', table: 'abTests', whenMissing: 'delete' },
    ],
    heavy: false,
  },
  modelBundles: {
    label: 'model weights',
    key: 'versionId',
    autoId: false,
    owner: { kind: 'parent', field: 'versionId', table: 'modelVersions' },
    refs: [{ path: 'versionId', table: 'modelVersions', whenMissing: 'delete' }],
    heavy: true,
  },
  monitorReferences: {
    label: 'monitoring references',
    key: 'versionId',
    autoId: false,
    owner: { kind: 'parent', field: 'versionId', table: 'modelVersions' },
    refs: [{ path: 'versionId', table: 'modelVersions', whenMissing: 'delete' }],
    heavy: true,
  },
  abTests: {
    label: 'A/B tests',
    key: 'id',
    autoId: true,
    owner: { kind: 'workspace' },
    refs: [
      { path: 'champion.versionId', versionPath: 'champion.version', table: 'modelVersions', whenMissing: 'null' },
      { path: 'challenger.versionId', versionPath: 'challenger.version', table: 'modelVersions', whenMissing: 'null' },
    ],
    heavy: false,
  },
  predictions: {
    label: 'predictions',
    key: 'id',
    autoId: true,
    owner: { kind: 'workspace' },
    refs: [
      { path: 'versionId', versionPath: 'version', table: 'modelVersions', whenMissing: 'null' },
      { path: 'shadow.versionId', versionPath: 'shadow.version', table: 'modelVersions', whenMissing: 'null' },
      { path: 'ab.testId', table: 'abTests', whenMissing: 'delete' },
      { path: 'feedback.usedByRun', table: 'runs', whenMissing: 'delete' },
    ],
    heavy: false,
  },
  predictionBatches: {
    label: 'batch predictions',
    key: 'id',
    autoId: true,
    owner: { kind: 'workspace' },
    refs: [
      { path: 'versionId', versionPath: 'version', table: 'modelVersions', whenMissing: 'null' },
      { path: 'ab.challengerVersionId', versionPath: 'ab.challengerVersion', table: 'modelVersions', whenMissing: 'null' },
      { path: 'ab.testId', table: 'abTests', whenMissing: 'delete' },
      { path: 'shadow.versionId', versionPath: 'shadow.version', table: 'modelVersions', whenMissing: 'null' },
      { path: 'shadow.testId', table: 'abTests', whenMissing: 'delete' },
    ],
    heavy: true,
  },
  batchFeedback: {
    label: 'batch labels',
    key: 'batchId',
    autoId: false,
    owner: { kind: 'workspace' },
    refs: [
      { path: 'batchId', table: 'predictionBatches', whenMissing: 'delete' },
      { path: 'usedByRun', table: 'runs', whenMissing: 'delete' },
    ],
    heavy: true,
  },
  alerts: { label: 'alerts', key: 'id', autoId: true, owner: { kind: 'workspace' }, refs: [], versionNumberPaths: ['version'], heavy: false },
  monitorSnapshots: { label: 'saved reports', key: 'id', autoId: true, owner: { kind: 'workspace' }, refs: [], heavy: true },
};

/** Settings that belong to one workspace end in `:<workspaceId>` (modelVersionCounter:uci, retrainHold:uci…). */
export function settingWorkspace(key: string): string | null {
  const i = key.lastIndexOf(':');
  return i > 0 && i < key.length - 1 ? key.slice(i + 1) : null;
}

/**
 * Settings for every workspace that a workspace's backup carries too (how it was run): a restore
 * takes them only where this browser has not set them, a full restore always.
 */
export const SHARED_SETTINGS_IN_WORKSPACE_BACKUP = ['retrainEvery', 'alertRules'] as const;

export function isSharedSettingInWorkspaceBackup(key: string): boolean {
  return (SHARED_SETTINGS_IN_WORKSPACE_BACKUP as readonly string[]).includes(key);
}

/** How much a scope holds, per table, with the labels it carries: what an erase or a restore would take away. */
export interface TableCounts {
  tables: Partial<Record<BackupTable, number>>;
  /** Single predictions with an expert's label. */
  feedback: number;
  /** Rows of batch files whose labels were submitted as feedback. */
  batchLabels: number;
}
