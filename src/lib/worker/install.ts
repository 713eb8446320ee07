import type { SporeprintDb } from '$lib/db/db';
import { installShippedBundle } from '$lib/db/registry';
import { markInterruptedRuns } from '$lib/db/runs';
import { EngineError } from '$lib/engine/errors';
import { validateBundle, type VerifiedBundle } from '$lib/engine/ml/bundle';
import { verifiedForWorkspace } from './verified';

/** Where each workspace's shipped bundle is (precached with the app), as the page told this worker: the last fallback (fallback.ts). */
const shipped = new Map<string, { url: string; fetchBundle: typeof fetch }>();

async function fetchShipped(db: SporeprintDb, workspaceId: string, url: string, fetchBundle: typeof fetch): Promise<VerifiedBundle> {
  const res = await fetchBundle(url);
  if (!res.ok) throw new EngineError('fetch-failed', `The shipped model for ${workspaceId} could not be loaded (${res.status}).`);
  return verifiedForWorkspace(db, validateBundle(await res.json()), 'The model shipped with the app', 'It was not installed.');
}

/**
 * First launch (and every start): ends the runs a reload cut short, then installs each workspace's
 * shipped bundle as v1 production if the workspace has no model yet. Returns the workspaces installed.
 */
export async function installShippedModels(db: SporeprintDb, bundleUrls: Record<string, string>, fetchBundle: typeof fetch = fetch): Promise<string[]> {
  await markInterruptedRuns(db);
  const installed: string[] = [];
  for (const [workspaceId, url] of Object.entries(bundleUrls)) {
    shipped.set(workspaceId, { url, fetchBundle });
    if (await db.modelVersions.where('workspaceId').equals(workspaceId).count()) continue;
    if (await installShippedBundle(db, await fetchShipped(db, workspaceId, url, fetchBundle))) installed.push(workspaceId);
  }
  return installed;
}

/** The workspace's shipped bundle, verified, or null when it has none (custom workspaces) or this worker was not told where it is. */
export async function shippedBundle(db: SporeprintDb, workspaceId: string): Promise<VerifiedBundle | null> {
  const s = shipped.get(workspaceId);
  return s ? fetchShipped(db, workspaceId, s.url, s.fetchBundle) : null;
}
