import type { SporeprintDb } from '$lib/db/db';
import * as store from '$lib/db/abtests';
import type { AbTestStatus } from '$lib/engine/abtest/analysis';
import type { Objection } from '$lib/engine/abtest/conclusion';
import type { Arm } from '$lib/engine/abtest/routing';
import { EngineError } from '$lib/engine/errors';
import type { AbTest, NewAbTest } from './api';

/** Starts an A/B test of production against a staging version (one running test per workspace). */
export function startAbTest(db: SporeprintDb, options: NewAbTest): Promise<AbTest> {
  return store.startAbTest(db, options);
}

/** A concluded test's final numbers; a running one's computed now from the prediction log. */
export async function abTestStatus(db: SporeprintDb, testId: number): Promise<AbTestStatus> {
  const test = await db.abTests.get(testId);
  if (!test) throw new EngineError('not-found', `A/B test #${testId} does not exist.`);
  return test.conclusion?.status ?? store.abTestStatus(db, test);
}

/** Ends a running test by the user's hand (the objections they confirmed in `acknowledged`). */
export function concludeAbTest(db: SporeprintDb, testId: number, winner: Arm, acknowledged: Objection[] = []): Promise<AbTest> {
  // As after a retraining: every tab's serving worker sees the new production and swaps to it.
  return store.concludeAbTest(db, testId, winner, 'user', acknowledged);
}
