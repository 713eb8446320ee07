/** Builders for A/B test unit tests: prediction-log records with chosen outcome counts. */
import type { ShadowRecord, SplitRecord } from './outcomes';
import type { Arm } from './routing';

export interface ArmCounts {
  /** Right answers (half on poisonous rows, half on edible ones). */
  right: number;
  /** Poisonous rows called edible. */
  poisonousCalledEdible?: number;
  /** Edible rows called poisonous (wrong, but safe). */
  edibleCalledPoisonous?: number;
  /** Predictions nobody gave feedback on. */
  noFeedback?: number;
}

export function splitRecords(arm: Arm, c: ArmCounts): SplitRecord[] {
  const rows: SplitRecord[] = [];
  for (let i = 0; i < c.right; i++) rows.push({ arm, decisionPoisonous: i % 2 === 0, truthPoisonous: i % 2 === 0 });
  for (let i = 0; i < (c.poisonousCalledEdible ?? 0); i++) rows.push({ arm, decisionPoisonous: false, truthPoisonous: true });
  for (let i = 0; i < (c.edibleCalledPoisonous ?? 0); i++) rows.push({ arm, decisionPoisonous: true, truthPoisonous: false });
  for (let i = 0; i < (c.noFeedback ?? 0); i++) rows.push({ arm, decisionPoisonous: i % 2 === 0, truthPoisonous: i % 3 === 0 ? undefined : null });
  return rows;
}

/**
 * Shadow rows for a McNemar table [[both right, champion right & challenger wrong], [champion wrong
 * & challenger right, both wrong]]. Every wrong answer is on an edible row (called poisonous) unless
 * `poisonousCalledEdible` moves some of one version's errors onto poisonous rows.
 */
export function shadowRecords(
  table: [[number, number], [number, number]],
  opts: { noFeedback?: number; challengerPoisonousCalledEdible?: number; championPoisonousCalledEdible?: number } = {},
): ShadowRecord[] {
  const rows: ShadowRecord[] = [];
  const [[a, b], [c, d]] = table;
  for (let i = 0; i < a; i++) rows.push({ championPoisonous: true, challengerPoisonous: true, truthPoisonous: true });
  // Champion right, challenger wrong: the first k of these are poisonous rows the challenger called edible.
  for (let i = 0; i < b; i++) {
    const poisonous = i < (opts.challengerPoisonousCalledEdible ?? 0);
    rows.push({ championPoisonous: poisonous, challengerPoisonous: !poisonous, truthPoisonous: poisonous });
  }
  for (let i = 0; i < c; i++) {
    const poisonous = i < (opts.championPoisonousCalledEdible ?? 0);
    rows.push({ championPoisonous: !poisonous, challengerPoisonous: poisonous, truthPoisonous: poisonous });
  }
  for (let i = 0; i < d; i++) rows.push({ championPoisonous: true, challengerPoisonous: true, truthPoisonous: false });
  for (let i = 0; i < (opts.noFeedback ?? 0); i++) rows.push({ championPoisonous: false, challengerPoisonous: true });
  return rows;
}
