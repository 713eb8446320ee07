/**
 * Per-arm outcomes from plain prediction-log records. Outcomes come only from feedback: a row
 * without a feedback label counts as a prediction of its arm, never as a right or wrong answer.
 * Decisions are booleans "called poisonous"; the caller maps 'uncertain' to true, because the app
 * treats an uncertain answer as "do not eat".
 */
import { wilsonInterval, type Interval } from '../stats/proportions';
import type { Arm } from './routing';

/** One split-mode prediction: the arm that answered and the decision it showed. */
export interface SplitRecord {
  arm: Arm;
  decisionPoisonous: boolean;
  /** The feedback label; absent or null when nobody gave feedback. */
  truthPoisonous?: boolean | null;
}

/** One shadow-mode prediction: both versions decided; the champion's answer was shown. */
export interface ShadowRecord {
  championPoisonous: boolean;
  challengerPoisonous: boolean;
  truthPoisonous?: boolean | null;
}

export interface ArmOutcome {
  predictions: number;
  /** Predictions with a feedback label: the only ones that are outcomes. */
  feedbackCount: number;
  correct: number;
  /** correct / feedbackCount; null with no feedback. */
  accuracy: number | null;
  /** Wilson 95 % interval for the accuracy; [0, 1] with no feedback. */
  accuracyInterval: Interval;
  /** Feedback rows where the truth was poisonous and the arm said edible: the dangerous error. */
  poisonousCalledEdible: number;
  /** poisonousCalledEdible / feedbackCount (per outcome, comparable across arms of different sizes); null with no feedback. */
  poisonousCalledEdibleRate: number | null;
  poisonousCalledEdibleInterval: Interval;
}

/** Paired outcomes [[both right, champion right & challenger wrong], [champion wrong & challenger right, both wrong]]. */
export type PairedTable = [[number, number], [number, number]];

export interface SplitOutcomes {
  mode: 'split';
  champion: ArmOutcome;
  challenger: ArmOutcome;
}

export interface ShadowOutcomes {
  mode: 'shadow';
  champion: ArmOutcome;
  challenger: ArmOutcome;
  /** McNemar's table over the rows with feedback. */
  pairs: PairedTable;
}

export type Outcomes = SplitOutcomes | ShadowOutcomes;

class Tally {
  predictions = 0;
  feedbackCount = 0;
  correct = 0;
  poisonousCalledEdible = 0;

  add(decisionPoisonous: boolean, truthPoisonous: boolean | null | undefined): void {
    this.predictions++;
    if (truthPoisonous == null) return;
    this.feedbackCount++;
    if (decisionPoisonous === truthPoisonous) this.correct++;
    else if (truthPoisonous) this.poisonousCalledEdible++;
  }

  outcome(): ArmOutcome {
    const n = this.feedbackCount;
    return {
      predictions: this.predictions,
      feedbackCount: n,
      correct: this.correct,
      accuracy: n > 0 ? this.correct / n : null,
      accuracyInterval: wilsonInterval(this.correct, n),
      poisonousCalledEdible: this.poisonousCalledEdible,
      poisonousCalledEdibleRate: n > 0 ? this.poisonousCalledEdible / n : null,
      poisonousCalledEdibleInterval: wilsonInterval(this.poisonousCalledEdible, n),
    };
  }
}

export function summarizeSplit(records: Iterable<SplitRecord>): SplitOutcomes {
  const tallies = { champion: new Tally(), challenger: new Tally() };
  for (const r of records) tallies[r.arm].add(r.decisionPoisonous, r.truthPoisonous);
  return { mode: 'split', champion: tallies.champion.outcome(), challenger: tallies.challenger.outcome() };
}

export function summarizeShadow(records: Iterable<ShadowRecord>): ShadowOutcomes {
  const champion = new Tally();
  const challenger = new Tally();
  const pairs: PairedTable = [
    [0, 0],
    [0, 0],
  ];
  for (const r of records) {
    champion.add(r.championPoisonous, r.truthPoisonous);
    challenger.add(r.challengerPoisonous, r.truthPoisonous);
    if (r.truthPoisonous == null) continue;
    const championWrong = r.championPoisonous === r.truthPoisonous ? 0 : 1;
    const challengerWrong = r.challengerPoisonous === r.truthPoisonous ? 0 : 1;
    pairs[championWrong][challengerWrong]++;
  }
  return { mode: 'shadow', champion: champion.outcome(), challenger: challenger.outcome(), pairs };
}
