import { describe, expect, it } from 'vitest';
import { seededRng } from '../ml/rng';
import { calledEdible } from '../ml/threshold';
import { estimateAccuracy, estimateShownAccuracy } from './estimatedAccuracy';

/** Calibrated by construction: each label is drawn with exactly the stated P(poisonous). */
function calibrated(n: number, seed: number): { p: Float64Array; y: Uint8Array } {
  const rng = seededRng(seed);
  const p = new Float64Array(n);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    // Mostly confident scores with a spread-out middle, like a trained model's.
    const u = rng();
    p[i] = u < 0.4 ? rng() * 0.1 : u < 0.8 ? 0.9 + rng() * 0.1 : rng();
    y[i] = rng() < p[i] ? 1 : 0;
  }
  return { p, y };
}

function realisedAccuracy(p: Float64Array, y: Uint8Array, edibleAbove: number): number {
  let right = 0;
  for (let i = 0; i < p.length; i++) right += (calledEdible(p[i], { edibleAbove }) ? 0 : 1) === y[i] ? 1 : 0;
  return right / p.length;
}

describe('estimateAccuracy (CBPE)', () => {
  it.each([
    [0.5, 1],
    [0.5, 2],
    [0.9, 3],
    [0.97, 4],
  ])('at edibleAbove %f (seed %i) lands within 3 standard errors of the realised accuracy', (edibleAbove, seed) => {
    const { p, y } = calibrated(12000, seed);
    const e = estimateAccuracy(p, { edibleAbove });
    const realised = realisedAccuracy(p, y, edibleAbove);
    expect(e.rows).toBe(12000);
    expect(e.standardError).toBeGreaterThan(0);
    expect(Math.abs(e.accuracy! - realised)).toBeLessThanOrEqual(3 * e.standardError!);
    expect(e.lower! <= e.accuracy! && e.accuracy! <= e.upper!).toBe(true);
  });

  it('uses max(p, 1 − p) at the plain 0.5 cut, and p for "uncertain" rows under a safety threshold', () => {
    expect(estimateAccuracy([0.2, 0.7]).accuracy).toBeCloseTo((0.8 + 0.7) / 2, 14);
    // P(edible) = 0.8 is not above 0.9: treated as poisonous, right with probability 0.2.
    const safe = estimateAccuracy([0.2], { edibleAbove: 0.9 });
    expect(safe.accuracy).toBeCloseTo(0.2, 14);
    expect(safe.calledEdible).toBe(0);
    const e = estimateAccuracy([0.05, 0.01, 0.99]);
    expect(e.calledEdible).toBe(2);
    expect(e.expectedFalseEdible).toBeCloseTo(0.06, 14);
  });

  it('skips NaN or out-of-range probabilities and never throws on an empty window', () => {
    expect(estimateAccuracy([NaN, 0.1, 1.5])).toMatchObject({ rows: 1, skipped: 2 });
    expect(estimateAccuracy([])).toMatchObject({ rows: 0, accuracy: null, standardError: null, lower: null, upper: null });
  });
});

describe('estimateShownAccuracy', () => {
  it('equals estimateAccuracy when the verdicts shown came from that one threshold', () => {
    const { p } = calibrated(2000, 5);
    const shown = Uint8Array.from(p, (v) => (calledEdible(v, { edibleAbove: 0.9 }) ? 1 : 0));
    expect(estimateShownAccuracy(p, shown)).toEqual(estimateAccuracy(p, { edibleAbove: 0.9 }));
  });

  it('scores each row by the verdict its own version showed, whatever threshold that was', () => {
    // P(poisonous) 0.05 twice: a version at edibleAbove 0.9 called it edible (right with 0.95), one at
    // 0.97 called it uncertain, i.e. poisonous (right with 0.05). Recomputing with one threshold gets one of them wrong.
    const p = [0.05, 0.05];
    const e = estimateShownAccuracy(p, [1, 0]);
    expect(e.accuracy).toBeCloseTo((0.95 + 0.05) / 2, 14);
    expect(e.calledEdible).toBe(1);
    expect(e.expectedFalseEdible).toBeCloseTo(0.05, 14);
    expect(estimateAccuracy(p, { edibleAbove: 0.9 }).accuracy).toBeCloseTo(0.95, 14);
  });

  it('skips unusable probabilities and refuses verdicts that do not match the probabilities one for one', () => {
    expect(estimateShownAccuracy([NaN, 0.1], [1, 1])).toMatchObject({ rows: 1, skipped: 1, calledEdible: 1 });
    expect(() => estimateShownAccuracy([0.1, 0.2], [1])).toThrow(
      expect.objectContaining({ name: 'EngineError', code: 'invalid-argument', details: { probabilities: 2, verdicts: 1 } }),
    );
  });
});
