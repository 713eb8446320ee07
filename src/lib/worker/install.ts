import type { SporeprintDb } from '$lib/db/db';
import { installShippedBundle } from '$lib/db/registry';
import { markInterruptedRuns } from '$lib/db/runs';
import { EngineError } from '$lib/engine/errors';
import type { ModelBundle } from '$lib/engine/ml/bundle';

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
    if (await installShippedBundle(db, (await res.json()) as ModelBundle)) installed.push(workspaceId);
  }
  return installed;
}
