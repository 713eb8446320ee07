import type { ModelVersionRow, SporeprintDb } from '$lib/db/db';
import { fallBackFrom, getProduction, listModelVersions } from '$lib/db/registry';
import { EngineError, isEngineError } from '$lib/engine/errors';
import type { VerifiedBundle } from '$lib/engine/ml/bundle';

/** A failure that says the version itself is broken (not storage that did not answer, not a missing workspace). */
export function isUnusable(e: unknown): e is EngineError {
  return isEngineError(e) && e.code === 'unusable-model';
}

/** The reason phrase of an unusable-model error ("it does not load (…)."). */
function unusableReason(e: EngineError): string {
  return typeof e.details.reason === 'string' ? e.details.reason : e.message;
}

/** When a version last stopped serving (left production), or -1 if it never served. */
function lastServedAt(v: ModelVersionRow): number {
  let at = -1;
  for (const h of v.history) if (h.from === 'production' && h.to !== 'production') at = Math.max(at, h.at);
  return at;
}

/** One thing to try in place of a broken production version: a stored version, or the bundle shipped with the app. */
export type FallbackStep = { version: ModelVersionRow } | 'shipped';

/**
 * What to try when production `brokenId` cannot be loaded: first the versions that served before, the
 * one that served most recently first (what a rollback would pick); then the bundle shipped with the
 * app, registered anew (built-in workspaces); then the versions that never served, newest first. A
 * version taken out of production because it could not be loaded is not tried again.
 */
function fallbackOrder(versions: ModelVersionRow[], brokenId: number): FallbackStep[] {
  const unloadable = (v: ModelVersionRow) => v.history.some((h) => h.unloadable !== undefined);
  const candidates = versions.filter((v) => v.id !== brokenId && v.stage !== 'production' && !unloadable(v));
  const served = candidates.filter((v) => lastServedAt(v) >= 0).sort((a, b) => lastServedAt(b) - lastServedAt(a));
  const others = candidates.filter((v) => lastServedAt(v) < 0).sort((a, b) => b.version - a.version);
  return [...served.map((version) => ({ version })), 'shipped', ...others.map((version) => ({ version }))];
}

/** Where fallBack gets its replacements: stored versions loaded, and the shipped bundle (null: none). */
export interface FallbackSources<M> {
  load: (v: ModelVersionRow) => Promise<M>;
  shipped: () => Promise<VerifiedBundle | null>;
}

/**
 * Production `broken` cannot be loaded (`why`): takes the first of `fallbackOrder` that loads and
 * answers, and records the swap in the registry (broken archived, fallback promoted, by 'auto' with
 * the reason), so every page and tab agrees on what serves. The registry is only changed once a
 * fallback has loaded: when none does (or the fault is this browser's, not the version's), it stays
 * as it was and the error says so. If production changed meanwhile, that version is loaded.
 */
export async function fallBack<M extends { versionId: number; model: { dispose(): void } }>(
  db: SporeprintDb,
  workspaceId: string,
  broken: ModelVersionRow,
  why: EngineError,
  from: FallbackSources<M>,
): Promise<M> {
  const reason = unusableReason(why);
  const production = await getProduction(db, workspaceId);
  if (production?.id !== broken.id) {
    // Already replaced (another tab fell back first, a promotion, or this worker, seen late).
    if (!production) throw noProduction();
    return from.load(production);
  }
  console.error(`Model version v${broken.version} could not be loaded (${reason}); falling back.`, why);
  for (const step of fallbackOrder(await listModelVersions(db, workspaceId), broken.id!)) {
    if (step === 'shipped') {
      const bundle = await from.shipped().catch((e) => {
        if (isUnusable(e) || (isEngineError(e) && e.code === 'fetch-failed')) return null;
        throw e;
      });
      if (!bundle) continue;
      const now = await fallBackFrom(db, workspaceId, broken.id!, { shipped: bundle }, reason);
      if (!now) throw noProduction();
      return from.load(now); // verified just now: it loads
    }
    let m: M;
    try {
      m = await from.load(step.version);
    } catch (e) {
      if (!isUnusable(e)) throw e;
      continue;
    }
    const now = await fallBackFrom(db, workspaceId, broken.id!, { versionId: step.version.id! }, reason);
    if (now?.id === step.version.id) return m;
    m.model.dispose();
    if (!now) throw noProduction();
    return from.load(now); // another tab fell back first, or a version was promoted meanwhile
  }
  throw new EngineError(
    'unusable-model',
    `The production model v${broken.version} cannot be used: ${reason} No other version of this workspace loads either: import or train a model on the Models page.`,
    { reason, versionId: broken.id!, version: broken.version },
  );
}

function noProduction(): EngineError {
  return new EngineError('not-found', 'No production model in this workspace: promote a version on the Models page.');
}
