import { describe, expect, it } from 'vitest';
import { NO_FEEDBACK } from '../data/dataset';
import { shadowSeries, splitSeries, testRecords } from './series';

describe('A/B test records from the prediction log', () => {
  it('merges singles and batch rows in serving order, with their arms and labels', () => {
    const { split } = testRecords(
      'split',
      [
        { at: 30, arm: 'challenger', calledPoisonous: true, truth: 1 },
        { at: 10, arm: 'champion', calledPoisonous: false, truth: null },
      ],
      [{ at: 20, rows: 3, decision: Uint8Array.of(0, 1, 2), arm: Uint8Array.of(0, 1, 0), labels: Uint8Array.of(0, NO_FEEDBACK, 0) }],
    );
    expect(split).toEqual([
      { arm: 'champion', decisionPoisonous: false, truthPoisonous: null },
      { arm: 'champion', decisionPoisonous: false, truthPoisonous: false },
      { arm: 'challenger', decisionPoisonous: true, truthPoisonous: null },
      { arm: 'champion', decisionPoisonous: true, truthPoisonous: false },
      { arm: 'challenger', decisionPoisonous: true, truthPoisonous: true },
    ]);
    // Accuracy per arm over the labelled rows only, cumulative: champion right, then wrong; challenger right.
    expect(splitSeries(split)).toEqual({ n: [1, 2, 3], champion: [1, 0.5, 0.5], challenger: [null, null, 1] });
  });

  it('pairs both versions on every row of a shadow test; a batch without submitted labels has no outcomes', () => {
    const { shadow } = testRecords(
      'shadow',
      [{ at: 1, calledPoisonous: false, shadowCalledPoisonous: true, truth: 0 }],
      [{ at: 2, rows: 2, decision: Uint8Array.of(0, 2), shadowDecision: Uint8Array.of(0, 0) }],
    );
    expect(shadow).toEqual([
      { championPoisonous: false, challengerPoisonous: true, truthPoisonous: false },
      { championPoisonous: false, challengerPoisonous: false, truthPoisonous: null },
      { championPoisonous: true, challengerPoisonous: false, truthPoisonous: null },
    ]);
    expect(shadowSeries(shadow)).toEqual({ n: [1], champion: [1], challenger: [0] });
  });

  it('thins a long series to at most 100 points, keeping the last', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ arm: 'champion' as const, decisionPoisonous: i % 2 === 0, truthPoisonous: true }));
    const s = splitSeries(many);
    expect(s.n.length).toBeLessThanOrEqual(100);
    expect(s.n.at(-1)).toBe(1000);
    expect(s.champion.at(-1)).toBe(0.5);
  });
});
