import type { SporeprintDb } from '$lib/db/db';
import { getRunningTest } from '$lib/db/abtests';
import { exportBundle, importBundle, setStage } from '$lib/db/registry';
import { workspaceSchema } from '$lib/db/workspaces';
import { EngineError } from '$lib/engine/errors';
import { schemaFingerprint } from '$lib/engine/ml/preprocess';
import type { ModelStage } from './api';
import { liveModel } from './serving';
import { verifiedForWorkspace } from './verified';

/**
 * Moves a version to a stage by the user's hand (promotion archives the old production), refused
 * while an A/B test runs on it; this worker's served model follows at once.
 */
export async function setModelStage(db: SporeprintDb, versionId: number, stage: ModelStage, reason: string): Promise<void> {
  const row = await db.modelVersions.get(versionId);
  if (!row) throw new EngineError('not-found', `Model version #${versionId} does not exist.`);
  const test = await getRunningTest(db, row.workspaceId);
  if (test && (stage === 'production' || versionId === test.challenger.versionId)) {
    throw new EngineError(
      'invalid-argument',
      `A/B test #${test.id} is running between v${test.champion.version} and v${test.challenger.version}: conclude it on the A/B tests page first.`,
    );
  }
  await setStage(db, versionId, stage, reason, 'user');
  await liveModel(db, row.workspaceId); // swap the served model at once if production changed
}

/** One file with everything needed to use the version elsewhere. */
export async function exportModel(db: SporeprintDb, versionId: number): Promise<{ fileName: string; json: string }> {
  const exported = await exportBundle(db, versionId);
  const row = await db.modelVersions.get(versionId);
  return { fileName: `sporeprint-${row?.workspaceId}-v${row?.version}-${row?.kind}.json`, json: JSON.stringify(exported) };
}

/** Validates an exported version and registers it as staging in the workspace. */
export async function importModel(db: SporeprintDb, workspaceId: string, json: string): Promise<{ versionId: number; version: number }> {
  const schema = await workspaceSchema(db, workspaceId);
  if (!schema) throw new EngineError('not-found', `No workspace "${workspaceId}".`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new EngineError('invalid-argument', 'This file is not JSON: not a Sporeprint model export.');
  }
  const row = await importBundle(db, parsed, { id: workspaceId, name: schema.name, schemaFingerprint: schemaFingerprint(schema) }, (b) =>
    verifiedForWorkspace(db, b, 'This model file', 'Nothing was imported.'),
  );
  return { versionId: row.id!, version: row.version };
}
