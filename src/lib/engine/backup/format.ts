/**
 * The backup file: JSON lines. Line 1 is the header (what the file holds, for which app and format);
 * then one line per table, each a dexie-export-import file of that table's rows; the last line is the
 * trailer with the SHA-256 of every byte before it. `head -c <contentBytes> FILE | sha256sum` gives
 * the same digest, so a file can be checked without the app too.
 */
import { EngineError } from '../errors';
import { isNumber, isObject } from '../guards';
import { BACKUP_TABLE_NAMES, type BackupTable } from './tables';

export const BACKUP_APP = 'sporeprint';
export const BACKUP_KIND = 'backup';
/** Bumped when a reader of this version could not read the file correctly. */
export const BACKUP_FORMAT_VERSION = 1;
export const SEGMENT_FORMAT = 'dexie-export-import/1';

export type BackupScope = { kind: 'workspace'; workspaceId: string } | { kind: 'all' };

/** One workspace in a file: enough to show what it holds and to check it fits this browser. */
export interface BackupWorkspace {
  id: string;
  name: string;
  builtin: boolean;
  schemaFingerprint: string;
  counts: Partial<Record<BackupTable, number>>;
  dataVersions: { sha256: string; rows: number; sourceName: string; createdAt: number }[];
  models: { version: number; kind: string; stage: string; source: string; createdAt: number }[];
  /** Single predictions with an expert's label. */
  feedback: number;
  /** Rows of batch files whose class column was submitted as feedback. */
  batchLabels: number;
}

export interface BackupSegment {
  table: BackupTable;
  rows: number;
  /** Length of the segment's line without its newline. */
  bytes: number;
}

export interface BackupHeader {
  app: typeof BACKUP_APP;
  kind: typeof BACKUP_KIND;
  formatVersion: number;
  appVersion: string;
  /** The IndexedDB schema version (db.ts) the rows were written under. */
  dbVersion: number;
  createdAt: number;
  scope: BackupScope;
  workspaces: BackupWorkspace[];
  segmentFormat: typeof SEGMENT_FORMAT;
  segments: BackupSegment[];
}

export interface BackupTrailer {
  checksum: { algorithm: 'SHA-256'; value: string; contentBytes: number };
}

/** What this app can read: files of a newer format or a newer database schema are refused. */
export interface ReaderLimits {
  formatVersion: number;
  dbVersion: number;
}

export type RefusalReason = 'not-a-backup' | 'newer-format' | 'truncated' | 'checksum' | 'schema-mismatch' | 'changed-since-review' | 'busy';

export function refuse(reason: RefusalReason, message: string, details: Record<string, string | number> = {}): EngineError {
  return new EngineError('backup-refused', `${message} Nothing was written.`, { reason, ...details });
}

const notABackup = (what: string) => refuse('not-a-backup', `This file is not a Sporeprint backup: ${what}.`);

/** Reads and checks the header line; refuses another app's file and files of a newer format. */
export function parseHeader(line: string, limits: ReaderLimits): BackupHeader {
  let h: unknown;
  try {
    h = JSON.parse(line);
  } catch {
    throw notABackup('it does not start with a backup header');
  }
  if (!isObject(h)) throw notABackup('it does not start with a backup header');
  if (h.formatName === 'dexie' && isObject(h.data)) {
    throw notABackup(`it is a database export of another app (database "${String(h.data.databaseName)}")`);
  }
  if (h.app !== BACKUP_APP || h.kind !== BACKUP_KIND) throw notABackup(`its header names ${JSON.stringify(h.app ?? null)}, not "${BACKUP_APP}"`);
  if (!isNumber(h.formatVersion) || !isNumber(h.dbVersion)) throw notABackup('its header has no format version');
  if (h.formatVersion > limits.formatVersion || h.dbVersion > limits.dbVersion) {
    throw refuse(
      'newer-format',
      `This backup was made by a newer version of Sporeprint (${String(h.appVersion)}: backup format ${h.formatVersion}, database version ${h.dbVersion}); this app reads up to format ${limits.formatVersion}, database version ${limits.dbVersion}. Update the app (reload it while online), then try again.`,
      { formatVersion: h.formatVersion, dbVersion: h.dbVersion },
    );
  }
  if (h.segmentFormat !== SEGMENT_FORMAT) throw notABackup(`its tables are stored as ${JSON.stringify(h.segmentFormat ?? null)}`);
  const scope = h.scope;
  if (!isObject(scope) || !(scope.kind === 'all' || (scope.kind === 'workspace' && typeof scope.workspaceId === 'string')))
    throw notABackup('its header does not say what it holds');
  if (!Array.isArray(h.workspaces) || !h.workspaces.every(isWorkspace)) throw notABackup('its list of workspaces is malformed');
  if (!Array.isArray(h.segments) || !h.segments.every(isSegment)) throw notABackup('its list of tables is malformed');
  if (!isNumber(h.createdAt)) throw notABackup('it has no date');
  return h as unknown as BackupHeader;
}

function isWorkspace(w: unknown): boolean {
  return (
    isObject(w) &&
    typeof w.id === 'string' &&
    typeof w.name === 'string' &&
    typeof w.schemaFingerprint === 'string' &&
    isObject(w.counts) &&
    Array.isArray(w.dataVersions) &&
    Array.isArray(w.models) &&
    isNumber(w.feedback) &&
    isNumber(w.batchLabels)
  );
}

function isSegment(s: unknown): boolean {
  return isObject(s) && (BACKUP_TABLE_NAMES as readonly unknown[]).includes(s.table) && isNumber(s.rows) && isNumber(s.bytes) && s.bytes >= 0;
}

/** Reads the trailer (the file's last line); a file cut short has none. */
export function parseTrailer(line: string): BackupTrailer {
  const cut = () => refuse('truncated', 'This backup file is incomplete: its closing checksum line is missing (the download or copy was cut short).');
  let t: unknown;
  try {
    t = JSON.parse(line);
  } catch {
    throw cut();
  }
  if (!isObject(t) || !isObject(t.checksum)) throw cut();
  const c = t.checksum;
  if (c.algorithm !== 'SHA-256' || typeof c.value !== 'string' || !/^[0-9a-f]{64}$/.test(c.value) || !isNumber(c.contentBytes)) throw cut();
  return t as unknown as BackupTrailer;
}

/** Where each table's line is in the file, checked against the trailer's byte count. */
export function segmentRanges(header: BackupHeader, headerBytes: number, trailer: BackupTrailer): { table: BackupTable; rows: number; start: number; end: number }[] {
  let at = headerBytes;
  const ranges = header.segments.map((s) => {
    const r = { table: s.table, rows: s.rows, start: at, end: at + s.bytes };
    at += s.bytes + 1; // its newline
    return r;
  });
  if (at !== trailer.checksum.contentBytes) {
    throw refuse('truncated', `This backup file is damaged: its header describes ${at} bytes of content, its checksum line ${trailer.checksum.contentBytes}.`);
  }
  return ranges;
}

export function headerLine(h: BackupHeader): string {
  return JSON.stringify(h) + '\n';
}

export function trailerLine(digestHex: string, contentBytes: number): string {
  const t: BackupTrailer = { checksum: { algorithm: 'SHA-256', value: digestHex, contentBytes } };
  return JSON.stringify(t) + '\n';
}

export function checkDigest(expected: string, actual: string): void {
  if (expected !== actual) {
    throw refuse('checksum', 'This backup file was changed or damaged after it was made: its content does not match its SHA-256 checksum.', { expected, actual });
  }
}
