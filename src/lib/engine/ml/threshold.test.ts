import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import { seededRng } from './rng';
import { calledEdible, chooseSafetyThreshold, decide, pEdible } from './threshold';

const labels = (...ys: number[]) => new Uint8Array(ys);

describe('chooseSafetyThreshold', () => {
  it('with rate 0 sits on the most edible-looking poisonous row, which is then not called edible', () => {
    // P(edible) of the poisonous rows: 0.1, 0.7, 0.4.
    const t = chooseSafetyThreshold(labels(1, 1, 0, 0, 1), [0.9, 0.3, 0.1, 0.05, 0.6]);
    expect(t.edibleAbove).toBe(pEdible(0.3));
    expect(t.maxFalseEdibleRate).toBe(0);
    expect(t.validation).toEqual({ poisonous: 3, edible: 2, falseEdible: 0, edibleCalledEdible: 2 });
    expect(decide(0.3, t)).toBe('uncertain');
  });

  it('never goes below 0.5 when every poisonous row already looks poisonous', () => {
    const t = chooseSafetyThreshold(labels(1, 1, 0), [0.9, 0.6, 0.2]);
    expect(t.edibleAbove).toBe(0.5);
    expect(t.validation).toEqual({ poisonous: 2, edible: 1, falseEdible: 0, edibleCalledEdible: 1 });
  });

  it('with rate > 0 allows floor(rate × poisonous) false-edible rows and takes the smallest such cut', () => {
    // Ten poisonous rows with P(edible) 0.05, 0.15, …, 0.95, and one edible row.
    const p = [...Array.from({ length: 10 }, (_, i) => 1 - (0.05 + 0.1 * i)), 0.01];
    const y = labels(...Array<number>(10).fill(1), 0);
    const sortedEdibleP = p.slice(0, 10).map(pEdible).sort((a, b) => b - a);
    for (const [rate, allowed] of [[0.2, 2], [0.25, 2], [0.1, 1], [0.09, 0]] as const) {
      const t = chooseSafetyThreshold(y, p, rate);
      expect(t.edibleAbove, `rate ${rate}`).toBe(sortedEdibleP[allowed]);
      expect(t.validation.falseEdible, `rate ${rate}`).toBe(allowed);
      // Smallest: any lower cut would call one more poisonous row edible.
      const lower = p.slice(0, 10).filter((q) => pEdible(q) > t.edibleAbove - 1e-9).length;
      expect(lower).toBe(allowed + 1);
    }
    // Rate 1 allows every poisonous row: only the 0.5 floor is left (0.55, 0.65 … 0.95 are above it).
    const all = chooseSafetyThreshold(y, p, 1);
    expect(all.edibleAbove).toBe(0.5);
    expect(all.validation.falseEdible).toBe(5);
  });

  it('cannot split tied poisonous rows: it calls both poisonous rather than exceed the allowance', () => {
    const t = chooseSafetyThreshold(labels(1, 1, 1), [0.2, 0.2, 0.4], 0.34);
    expect(t.edibleAbove).toBe(pEdible(0.2));
    expect(t.validation.falseEdible).toBe(0);
  });

  it('handles an all-poisonous validation split', () => {
    const t = chooseSafetyThreshold(labels(1, 1, 1), [0.95, 0.2, 0.7]);
    expect(t.edibleAbove).toBe(pEdible(0.2));
    expect(t.validation).toEqual({ poisonous: 3, edible: 0, falseEdible: 0, edibleCalledEdible: 0 });
  });

  it('falls back to 0.5 with no poisonous validation rows (or none at all)', () => {
    expect(chooseSafetyThreshold(labels(0, 0), [0.1, 0.8])).toEqual({
      edibleAbove: 0.5,
      maxFalseEdibleRate: 0,
      validation: { poisonous: 0, edible: 2, falseEdible: 0, edibleCalledEdible: 1 },
    });
    expect(chooseSafetyThreshold(labels(), []).validation).toEqual({ poisonous: 0, edible: 0, falseEdible: 0, edibleCalledEdible: 0 });
  });

  it('agrees with decide(): at rate 0 no validation poisonous row is called edible (random float32 scores)', () => {
    const rng = seededRng(11);
    const n = 5000;
    const y = new Uint8Array(n);
    const p = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = rng() < 0.4 ? 1 : 0;
      p[i] = Math.min(1, Math.max(0, (y[i] ? 0.65 : 0.35) + (rng() - 0.5) * 0.9));
    }
    for (const rate of [0, 0.01, 0.05]) {
      const t = chooseSafetyThreshold(y, p, rate);
      let falseEdible = 0;
      for (let i = 0; i < n; i++) if (y[i] === 1 && decide(p[i], t) === 'edible') falseEdible++;
      expect(falseEdible).toBe(t.validation.falseEdible);
      expect(falseEdible).toBeLessThanOrEqual(Math.floor(rate * t.validation.poisonous));
    }
  });

  it.each([
    ['mismatched lengths', () => chooseSafetyThreshold(labels(1, 0), [0.5])],
    ['a negative rate', () => chooseSafetyThreshold(labels(1), [0.5], -0.1)],
    ['a rate above 1', () => chooseSafetyThreshold(labels(1), [0.5], 1.5)],
    ['a NaN rate', () => chooseSafetyThreshold(labels(1), [0.5], NaN)],
    ['a NaN score on a poisonous row', () => chooseSafetyThreshold(labels(1), [NaN])],
  ])('rejects %s with invalid-argument', (_, f) => {
    expect(f).toThrow(EngineError);
    expect(() => f()).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});

describe('decide', () => {
  const t = { edibleAbove: 0.8 };

  it('is edible only strictly above the threshold, poisonous at or below P(edible) 0.5, else uncertain', () => {
    expect(decide(0.1, t)).toBe('edible');
    expect(decide(0.2, t)).toBe('uncertain'); // P(edible) exactly 0.8: not above
    expect(decide(0.4, t)).toBe('uncertain');
    expect(decide(0.5, t)).toBe('poisonous'); // P(edible) exactly 0.5
    expect(decide(0.9, t)).toBe('poisonous');
    expect(decide(NaN, t)).toBe('poisonous');
  });

  it('has no uncertain band at the 0.5 floor', () => {
    const half = { edibleAbove: 0.5 };
    expect(decide(0.49, half)).toBe('edible');
    expect(decide(0.5, half)).toBe('poisonous');
    expect(calledEdible(0.5, half)).toBe(false);
  });
});
