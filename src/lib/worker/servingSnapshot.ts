import { liveQuery } from 'dexie';
import { getRunningTest } from '$lib/db/abtests';
import type { AbTestRow, ModelVersionRow, SporeprintDb } from '$lib/db/db';
import { getProduction } from '$lib/db/registry';
import { workspaceSchema } from '$lib/db/workspaces';
import type { WorkspaceSchema } from '$lib/engine/data/schema';

/** What every prediction of a workspace needs to know besides its input. */
export interface ServingSnapshot {
  schema: WorkspaceSchema | undefined;
  production: ModelVersionRow | undefined;
  test: AbTestRow | undefined;
}

const snapshots = new Map<string, { current: ServingSnapshot | null; first: Promise<ServingSnapshot> }>();

/**
 * Kept current by a Dexie live query (changes from other tabs and workers included) instead of three
 * IndexedDB reads per prediction: a few milliseconds each under load. A change shows up here a moment
 * after it commits; until then a prediction is answered as before the change, wholly.
 */
export function servingSnapshot(db: SporeprintDb, workspaceId: string): Promise<ServingSnapshot> {
  let entry = snapshots.get(workspaceId);
  if (!entry) {
    let resolveFirst!: (s: ServingSnapshot) => void;
    const e: { current: ServingSnapshot | null; first: Promise<ServingSnapshot> } = { current: null, first: new Promise((r) => (resolveFirst = r)) };
    liveQuery(async (): Promise<ServingSnapshot> => ({
      schema: await workspaceSchema(db, workspaceId),
      production: await getProduction(db, workspaceId),
      test: await getRunningTest(db, workspaceId),
    })).subscribe({
      next: (s) => {
        e.current = s;
        resolveFirst(s);
      },
      error: (err) => {
        console.error('serving snapshot failed; reading per prediction from now on', err);
        snapshots.delete(workspaceId);
      },
    });
    snapshots.set(workspaceId, e);
    entry = e;
  }
  return entry.current ? Promise.resolve(entry.current) : entry.first;
}
