import type { SporeprintDb } from '$lib/db/db';
import { installShippedBundle } from '$lib/db/registry';
import { markInterruptedRuns } from '$lib/db/runs';
import { EngineError } from '$lib/engine/errors';
import { validateBundle } from '$lib/engine/ml/bundle';
import { verifiedForWorkspace } from './verified';

/**
 * First launch (and every start): ends the runs a reload cut short, then installs each workspace's
 * shipped bundle as v1 production if the workspace has no model yet. Returns the workspaces installed.
 */
export async function installShippedModels(db: SporeprintDb, bundleUrls: Record<string, string>, fetchBundle: typeof fetch = fetch): Promise<string[]> {
  await markInterruptedRuns(db);
  const installed: string[] = [];
  for (const [workspaceId, url] of Object.entries(bundleUrls)) {
    if (await db.modelVersions.where('workspaceId').equals(workspaceId).count()) continue;
    const res = await fetchBundle(url);
    if (!res.ok) throw new EngineError('fetch-failed', `The shipped model for ${workspaceId} could not be loaded (${res.status}).`);
    const bundle = await verifiedForWorkspace(db, validateBundle(await res.json()), 'The model shipped with the app', 'It was not installed.');
    if (await installShippedBundle(db, bundle)) installed.push(workspaceId);
  }
  return installed;
}
