/**
 * Measured quality of production answers against expert feedback. Its own module so that the
 * report and the per-version split of a window (answeredBy.ts) score answers the same way.
 */
import { NO_FEEDBACK } from '../data/dataset';

/** Decision-level quality from feedback: "called edible" against the expert's class. */
export interface QualityMetrics {
  labelled: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  balancedAccuracy: number;
  /** Poisonous rows the app called edible. */
  poisonousCalledEdible: number;
}

/** Quality of the answers shown on rows [start, end) that have feedback; null without any. */
export function quality(rows: { calledEdible: Uint8Array; feedback: Uint8Array }, start: number, end: number): QualityMetrics | null {
  // Positive class = poisonous, as everywhere in the app; "called poisonous" = not called edible.
  let tp = 0,
    fp = 0,
    tn = 0,
    fn = 0;
  for (let i = start; i < end; i++) {
    const y = rows.feedback[i];
    if (y === NO_FEEDBACK) continue;
    const saidPoisonous = rows.calledEdible[i] ? 0 : 1;
    if (y === 1 && saidPoisonous) tp++;
    else if (y === 1) fn++;
    else if (saidPoisonous) fp++;
    else tn++;
  }
  const labelled = tp + fp + tn + fn;
  if (!labelled) return null;
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const specificity = tn + fp ? tn / (tn + fp) : 0;
  // With one class only, balanced accuracy is the recall of that class (as scikit-learn warns and does).
  const balancedAccuracy = tp + fn && tn + fp ? (recall + specificity) / 2 : tp + fn ? recall : specificity;
  return {
    labelled,
    accuracy: (tp + tn) / labelled,
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    balancedAccuracy,
    poisonousCalledEdible: fn,
  };
}
