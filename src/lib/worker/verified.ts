import type { SporeprintDb } from '$lib/db/db';
import { workspaceSchema } from '$lib/db/workspaces';
import { EngineError } from '$lib/engine/errors';
import type { ModelBundle, VerifiedBundle } from '$lib/engine/ml/bundle';
import { verifyBundle } from '$lib/engine/ml/verify';
import { initTfjs } from './tfjsBackend';

/** A bundle checked to load and answer in its workspace (engine/ml/verify.ts) before the registry takes it. */
export async function verifiedForWorkspace(db: SporeprintDb, bundle: ModelBundle, what: string, outcome: string): Promise<VerifiedBundle> {
  await initTfjs();
  const schema = await workspaceSchema(db, bundle.workspaceId);
  if (!schema) throw new EngineError('not-found', `No workspace "${bundle.workspaceId}".`);
  return verifyBundle(schema, bundle, what, outcome);
}
