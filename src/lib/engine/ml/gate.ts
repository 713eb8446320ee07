import type { SafetyThreshold } from './bundle';
import { calledEdible } from './threshold';

export interface GateScores {
  /** The retraining's held-out test split, predicted by this version. */
  test: { y: Uint8Array; p: ArrayLike<number> };
  /** The feedback rows the retraining learnt from, predicted by this version. */
  feedback: { y: Uint8Array; p: ArrayLike<number> };
  threshold: Pick<SafetyThreshold, 'edibleAbove'>;
}

function summary(s: GateScores) {
  let correct = 0;
  let falseEdible = 0;
  for (let i = 0; i < s.test.y.length; i++) {
    if ((s.test.p[i] >= 0.5 ? 1 : 0) === s.test.y[i]) correct++;
    if (s.test.y[i] === 1 && calledEdible(s.test.p[i], s.threshold)) falseEdible++;
  }
  let feedbackRight = 0;
  for (let i = 0; i < s.feedback.y.length; i++) if ((s.feedback.p[i] >= 0.5 ? 1 : 0) === s.feedback.y[i]) feedbackRight++;
  return { accuracy: s.test.y.length ? correct / s.test.y.length : 0, falseEdible, feedbackRight };
}

/**
 * A retrained version replaces production only if, on the same held-out test split, it is not less
 * accurate and calls no more poisonous mushrooms edible (each at its own safety threshold), and it
 * gets the feedback rows right at least as often. Anything else stays in staging, with the reason.
 */
export function gateRetrained(production: GateScores, candidate: GateScores): { passed: boolean; reason: string } {
  const a = summary(production);
  const b = summary(candidate);
  const facts = `accuracy ${b.accuracy.toFixed(4)} vs ${a.accuracy.toFixed(4)}, poisonous called edible ${b.falseEdible} vs ${a.falseEdible}, feedback right ${b.feedbackRight} vs ${a.feedbackRight} of ${candidate.feedback.y.length}`;
  const problems = [
    b.accuracy < a.accuracy ? 'less accurate' : '',
    b.falseEdible > a.falseEdible ? 'calls more poisonous mushrooms edible' : '',
    b.feedbackRight < a.feedbackRight ? 'gets fewer feedback rows right' : '',
  ].filter(Boolean);
  return problems.length
    ? { passed: false, reason: `held in staging: ${problems.join(', ')} than production (${facts})` }
    : { passed: true, reason: `not worse than production (${facts})` };
}
