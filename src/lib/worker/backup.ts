import type { SporeprintDb } from '$lib/db/db';
import { countScope, deleteScope, scopeKeys } from '$lib/db/backupScope';
import { exportScope } from '$lib/db/backupExport';
import { dropStaging, readHereSide, readMergeSide, stageBackup } from '$lib/db/backupStage';
import { checkSchemas, mergeFromStaging, restoreFromStaging } from '$lib/db/backupApply';
import { recordBackup } from '$lib/db/backupSettings';
import { getRetrainEvery } from '$lib/db/feedback';
import { listWorkspaces } from '$lib/db/workspaces';
import { asEngineError } from '$lib/db/storageErrors';
import { assembleBackup, verifyBackup, type VerifiedBackup } from '$lib/engine/backup/file';
import { BACKUP_FORMAT_VERSION, refuse, type BackupScope } from '$lib/engine/backup/format';
import { conflictSignature, planMerge, type FeedbackPolicy, type MergeSide } from '$lib/engine/backup/mergePlan';
import type { TableCounts } from '$lib/engine/backup/tables';
import type { ProgressCallback } from '$lib/engine/progress';
import { throttleProgress } from '$lib/engine/progress';
import type { BackupApplied, BackupMade, BackupReview, MergeReview } from './api';
import { mergedFeedbackArrived } from './feedback';

const POLICIES: FeedbackPolicy[] = ['newer', 'here', 'file'];

/** A file checked and read aside, waiting for the user's choice (one at a time per worker). */
interface Session {
  token: string;
  fileName: string;
  createdAt: number;
  verified: VerifiedBackup;
  staging: SporeprintDb;
  file: Map<string, MergeSide>;
  /** The conflicts the user saw, per rule and workspace. */
  reviewed: Record<FeedbackPolicy, Map<string, string>>;
}
let session: Session | null = null;

function stamp(at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`;
}

/** The workspace, or everything, as one file: each table through dexie-export-import, then the checksum. */
export async function backupData(db: SporeprintDb, scope: BackupScope, signal: AbortSignal, onProgress?: ProgressCallback): Promise<BackupMade> {
  const t0 = performance.now();
  const progress = throttleProgress(onProgress);
  const createdAt = Date.now();
  try {
    const { header, segments } = await exportScope(db, scope, { appVersion: __APP_VERSION__, createdAt }, signal, progress);
    const { blob, sha256 } = await assembleBackup(header, segments, signal, progress);
    const fileName = `sporeprint-${scope.kind === 'all' ? 'everything' : scope.workspaceId}-${stamp(createdAt)}.backup.jsonl`;
    const covered = scope.kind === 'all' ? (await listWorkspaces(db)).map((w) => w.id) : [scope.workspaceId];
    await recordBackup(db, { at: createdAt, scope, fileName, bytes: blob.size, sha256 }, covered);
    return { blob, fileName, bytes: blob.size, sha256, ms: Math.round(performance.now() - t0) };
  } catch (e) {
    throw asEngineError(e, 'the backup');
  }
}

/**
 * Checks a file and reads it into the staging database, then plans both a restore (what it replaces)
 * and a merge (under each rule for conflicting labels) for the user to review. Nothing here is written.
 */
export async function inspectBackup(db: SporeprintDb, file: Blob, fileName: string, signal: AbortSignal, onProgress?: ProgressCallback): Promise<BackupReview> {
  await discardBackup(session?.token ?? '');
  const progress = throttleProgress(onProgress);
  const verified = await verifyBackup(file, { formatVersion: BACKUP_FORMAT_VERSION, dbVersion: db.verno }, signal, progress);
  const { header } = verified;
  await checkSchemas(db, header);
  const staging = await stageBackup(file, verified, signal, progress).catch((e) => {
    throw asEngineError(e, 'the backup for review');
  });
  try {
    const fileSides = new Map<string, MergeSide>();
    for (const w of header.workspaces) fileSides.set(w.id, await readMergeSide(staging, w.id));
    const source = `backup “${fileName}” of ${new Date(header.createdAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}`;
    const merge = {} as Record<FeedbackPolicy, MergeReview[]>;
    const reviewed = {} as Session['reviewed'];
    const here = await db.transaction('r', db.tables, () => Promise.all(header.workspaces.map((w) => readHereSide(db, w.id))));
    for (const policy of POLICIES) {
      reviewed[policy] = new Map();
      merge[policy] = header.workspaces.map((w, i) => {
        const plan = planMerge(fileSides.get(w.id)!, here[i], policy, source);
        reviewed[policy].set(w.id, conflictSignature(plan));
        return { workspaceId: w.id, name: w.name, summary: plan.summary, conflicts: plan.conflicts };
      });
    }
    const names = new Map((await listWorkspaces(db)).map((w) => [w.id, w.name]));
    const replaces =
      header.scope.kind === 'all'
        ? [{ workspaceId: null, name: 'Everything in this browser', counts: await countScope(db, { kind: 'all' }) }]
        : await Promise.all(
            header.workspaces.map(async (w) => ({ workspaceId: w.id, name: names.get(w.id) ?? w.name, counts: await countScope(db, { kind: 'workspace', workspaceId: w.id }) })),
          );
    const token = crypto.randomUUID();
    session = { token, fileName, createdAt: header.createdAt, verified, staging, file: fileSides, reviewed };
    return {
      token,
      fileName,
      bytes: file.size,
      sha256: verified.sha256,
      createdAt: header.createdAt,
      appVersion: header.appVersion,
      scope: header.scope,
      workspaces: header.workspaces,
      replaces,
      merge,
      k: await getRetrainEvery(db),
    };
  } catch (e) {
    await dropStaging(staging);
    throw asEngineError(e, 'the backup for review');
  }
}

/** Workspaces a restore, merge or erase of this scope touches. */
async function touched(db: SporeprintDb, scope: BackupScope, extra: string[] = []): Promise<string[]> {
  const ids = scope.kind === 'all' ? (await listWorkspaces(db)).map((w) => w.id) : [scope.workspaceId];
  return [...new Set([...ids, ...extra])];
}

/**
 * Runs `fn` only while no training or retraining runs in these workspaces: a run finishing into
 * rows just replaced or erased would leave orphans. Takes each workspace's retraining lock (held for
 * the whole job, so none starts meanwhile) and checks for runs in progress.
 */
async function whileIdle<T>(db: SporeprintDb, workspaceIds: string[], fn: () => Promise<T>): Promise<T> {
  const running = await db.runs.where('status').equals('running').toArray();
  const busy = running.find((r) => workspaceIds.includes(r.workspaceId));
  if (busy) {
    throw refuse('busy', `A training run (#${busy.id}) is in progress in this workspace: wait until it ends (Experiments page shows it), then try again.`);
  }
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return fn();
  const take = async (i: number): Promise<T> => {
    if (i === workspaceIds.length) return fn();
    let out: { ok: true; value: T } | null = null;
    await locks.request(`sporeprint-retrain-${workspaceIds[i]}`, { ifAvailable: true }, async (lock) => {
      if (lock) out = { ok: true, value: await take(i + 1) };
    });
    if (!out) throw refuse('busy', 'A retraining is running: wait until it ends (the status under Continuous training shows it), then try again.');
    return (out as { value: T }).value;
  };
  return take(0);
}

export async function applyBackup(
  db: SporeprintDb,
  token: string,
  mode: 'restore' | 'merge',
  policy: FeedbackPolicy,
  signal: AbortSignal,
  onProgress?: ProgressCallback,
): Promise<BackupApplied> {
  const s = session;
  if (!s || s.token !== token) throw refuse('changed-since-review', 'This backup is no longer open for review (it was given up, or another was opened). Choose the file again.');
  const t0 = performance.now();
  const { header } = s.verified;
  const progress = throttleProgress(onProgress);
  const ids = await touched(
    db,
    header.scope,
    header.workspaces.map((w) => w.id),
  );
  try {
    await whileIdle(db, ids, async () => {
      if (mode === 'restore') await restoreFromStaging(db, s.staging, header, { signal, onProgress: progress });
      else await mergeFromStaging(db, s.staging, header, s.file, s.reviewed[policy], policy, `backup “${s.fileName}”`, { signal, onProgress: progress });
    });
  } catch (e) {
    throw asEngineError(e, mode === 'restore' ? 'the restored data' : 'the merged data');
  }
  await discardBackup(token);
  // Merged labels count towards k like any other: the same check a feedback starts.
  if (mode === 'merge') for (const w of header.workspaces) mergedFeedbackArrived(db, w.id);
  return { mode, workspaceIds: header.workspaces.map((w) => w.id), ms: Math.round(performance.now() - t0) };
}

export async function discardBackup(token: string): Promise<void> {
  if (session && session.token !== token && token !== '') return;
  const s = session;
  session = null;
  await dropStaging(s?.staging ?? null);
}

export function countData(db: SporeprintDb, scope: BackupScope): Promise<TableCounts> {
  return countScope(db, scope);
}

/** Erases a workspace (its rows and own settings) or everything, in one transaction. */
export async function eraseData(db: SporeprintDb, scope: BackupScope): Promise<TableCounts> {
  return whileIdle(db, await touched(db, scope), async () => {
    try {
      return await db.transaction('rw', db.tables, async () => {
        const counts = await countScope(db, scope);
        await deleteScope(db, await scopeKeys(db, scope));
        return counts;
      });
    } catch (e) {
      throw asEngineError(e, 'the erase');
    }
  });
}
