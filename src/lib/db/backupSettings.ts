import type { BackupScope } from '$lib/engine/backup/format';
import type { SporeprintDb } from './db';
import { getSetting, setSetting } from './settings';

/** When a workspace was last backed up (by its own backup or a full one); ends in its id, so it is the workspace's. */
export const lastBackupKey = (workspaceId: string) => `lastBackupAt:${workspaceId}`;
const LAST_BACKUP = 'lastBackup';

/** The last backup made in this browser, as Settings shows it. */
export interface LastBackup {
  at: number;
  scope: BackupScope;
  fileName: string;
  bytes: number;
  sha256: string;
}

export function getLastBackup(db: SporeprintDb): Promise<LastBackup | null> {
  return getSetting<LastBackup | null>(db, LAST_BACKUP, null);
}

/** Records a backup: the browser-wide note and each workspace it covers, in one transaction. */
export async function recordBackup(db: SporeprintDb, backup: LastBackup, workspaceIds: string[]): Promise<void> {
  await db.transaction('rw', db.settings, async () => {
    await setSetting(db, LAST_BACKUP, backup);
    for (const id of workspaceIds) await setSetting(db, lastBackupKey(id), backup.at);
  });
}

function getWorkspaceBackupAt(db: SporeprintDb, workspaceId: string): Promise<number | null> {
  return getSetting<number | null>(db, lastBackupKey(workspaceId), null);
}

/** Expert labels given in a workspace since its last backup (single predictions, and labelled batch rows). */
export async function feedbackSinceBackup(db: SporeprintDb, workspaceId: string): Promise<{ count: number; lastBackupAt: number | null }> {
  return db.transaction('r', db.settings, db.predictions, db.batchFeedback, async () => {
    const lastBackupAt = await getWorkspaceBackupAt(db, workspaceId);
    const since = lastBackupAt ?? -Infinity;
    let count = await db.predictions
      .where('workspaceId')
      .equals(workspaceId)
      .filter((p) => !!p.feedback && p.feedback.at > since)
      .count();
    await db.batchFeedback
      .where('workspaceId')
      .equals(workspaceId)
      .filter((b) => b.at > since)
      .each((b) => (count += b.label.length));
    return { count, lastBackupAt };
  });
}
