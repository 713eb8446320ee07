import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import { seededRng } from './rng';
import { calledEdible, chooseSafetyThreshold, decide, pEdible } from './threshold';

const labels = (...ys: number[]) => new Uint8Array(ys);

describe('chooseSafetyThreshold', () => {
  /** n poisonous rows with distinct P(edible) 1/(n+1) … n/(n+1), then one edible row. */
  function ladder(n: number): { y: Uint8Array; p: number[]; edibleP: number[] } {
    const edibleP = Array.from({ length: n }, (_, i) => (i + 1) / (n + 1));
    return { y: labels(...Array<number>(n).fill(1), 0), p: [...edibleP.map((e) => 1 - e), 0.001], edibleP: edibleP.sort((a, b) => b - a) };
  }

  it('with too few poisonous rows refuses the guarantee and sits on the most edible-looking poisonous row', () => {
    // P(edible) of the poisonous rows: 0.1, 0.7, 0.4.
    const t = chooseSafetyThreshold(labels(1, 1, 0, 0, 1), [0.9, 0.3, 0.1, 0.05, 0.6]);
    expect(t.edibleAbove).toBe(pEdible(0.3));
    expect(t.guarantee).toEqual({
      alpha: 0.01,
      delta: 0.05,
      calibrationPoisonous: 3,
      allowedAbove: 0,
      stated: false,
      reason: 'needs at least 299 poisonous calibration rows for α = 0.01 and δ = 0.05; has 3',
    });
    expect(t.validation).toEqual({ poisonous: 3, edible: 2, falseEdible: 0, edibleCalledEdible: 2 });
    expect(decide(0.3, t)).toBe('uncertain');
  });

  it('states the guarantee from 299 poisonous rows on (α = 1 %, δ = 5 %): 298 is one too few', () => {
    const few = ladder(298);
    const refused = chooseSafetyThreshold(few.y, few.p);
    expect(refused.guarantee?.stated).toBe(false);
    expect(refused.edibleAbove).toBe(few.edibleP[0]);
    const enough = ladder(299);
    const stated = chooseSafetyThreshold(enough.y, enough.p);
    expect(stated.guarantee).toEqual({ alpha: 0.01, delta: 0.05, calibrationPoisonous: 299, allowedAbove: 0, stated: true });
    expect(stated.edibleAbove).toBe(enough.edibleP[0]);
  });

  it('takes the j-th largest poisonous score, j the largest the bound allows (SciPy: j = 5 for n = 1000, j = 39 for n = 5083)', () => {
    for (const [n, j] of [
      [1000, 5],
      [5083, 39],
      [587, 2],
    ] as const) {
      const { y, p, edibleP } = ladder(n);
      const t = chooseSafetyThreshold(y, p);
      expect(t.guarantee, `n ${n}`).toEqual({ alpha: 0.01, delta: 0.05, calibrationPoisonous: n, allowedAbove: j - 1, stated: true });
      expect(t.edibleAbove, `n ${n}`).toBe(Math.max(0.5, edibleP[j - 1]));
      expect(t.validation.falseEdible, `n ${n}`).toBe(j - 1);
    }
  });

  it('keeps the floor: a higher cut only removes "edible" answers, and the guarantee is still stated', () => {
    const { y, p } = ladder(1000);
    const t = chooseSafetyThreshold(y, p, { floor: 0.9995 });
    expect(t.edibleAbove).toBe(0.9995);
    expect(t.guarantee?.stated).toBe(true);
    expect(t.validation.falseEdible).toBe(0);
  });

  it('holds its promise: over many calibration draws the true false-edible rate exceeds α in about δ of them, no more', () => {
    // Poisonous scores P(edible) ~ Uniform(0, 1): a cut t lets through a share 1 − t of new poisonous rows.
    const rng = seededRng(2026);
    const n = 1000; // j = 5; SciPy: P(rate > 0.01) = 1 − beta.cdf(0.01, 5, 996) = 0.0287
    const draws = 2000;
    let exceeded = 0;
    const y = new Uint8Array(n).fill(1);
    const p = new Float64Array(n);
    for (let d = 0; d < draws; d++) {
      for (let i = 0; i < n; i++) p[i] = rng(); // P(poisonous) uniform ⇔ P(edible) uniform
      const t = chooseSafetyThreshold(y, p);
      if (1 - t.edibleAbove > 0.01) exceeded++;
    }
    const share = exceeded / draws;
    expect(share).toBeLessThanOrEqual(0.05);
    expect(Math.abs(share - 0.0287)).toBeLessThan(4 * Math.sqrt((0.0287 * (1 - 0.0287)) / draws));
  }, 60_000);

  it('cannot split tied poisonous rows: the strict cut calls all of them poisonous', () => {
    // 1000 poisonous rows, all with P(edible) 0.95: the conformal rank lands inside the tie.
    const y = new Uint8Array(1000).fill(1);
    const t = chooseSafetyThreshold(y, new Float64Array(1000).fill(pEdible(0.95)));
    expect(t.edibleAbove).toBe(pEdible(0.05));
    expect(t.validation.falseEdible).toBe(0);
  });

  it('never goes below 0.5 when every poisonous row already looks poisonous', () => {
    const t = chooseSafetyThreshold(labels(1, 1, 0), [0.9, 0.6, 0.2]);
    expect(t.edibleAbove).toBe(0.5);
    expect(t.validation).toEqual({ poisonous: 2, edible: 1, falseEdible: 0, edibleCalledEdible: 1 });
  });

  it('handles an all-poisonous validation split', () => {
    const t = chooseSafetyThreshold(labels(1, 1, 1), [0.95, 0.2, 0.7]);
    expect(t.edibleAbove).toBe(pEdible(0.2));
    expect(t.validation).toEqual({ poisonous: 3, edible: 0, falseEdible: 0, edibleCalledEdible: 0 });
  });

  it('falls back to 0.5 with no poisonous validation rows (or none at all), stating no guarantee', () => {
    const t = chooseSafetyThreshold(labels(0, 0), [0.1, 0.8]);
    expect(t.edibleAbove).toBe(0.5);
    expect(t.guarantee?.stated).toBe(false);
    expect(t.validation).toEqual({ poisonous: 0, edible: 2, falseEdible: 0, edibleCalledEdible: 1 });
    expect(chooseSafetyThreshold(labels(), []).validation).toEqual({ poisonous: 0, edible: 0, falseEdible: 0, edibleCalledEdible: 0 });
  });

  it('agrees with decide(): the validation count is what decide() says (random float32 scores)', () => {
    const rng = seededRng(11);
    const n = 5000;
    const y = new Uint8Array(n);
    const p = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = rng() < 0.4 ? 1 : 0;
      p[i] = Math.min(1, Math.max(0, (y[i] ? 0.65 : 0.35) + (rng() - 0.5) * 0.9));
    }
    for (const alpha of [0.01, 0.05, 0.2]) {
      const t = chooseSafetyThreshold(y, p, { alpha });
      let falseEdible = 0;
      for (let i = 0; i < n; i++) if (y[i] === 1 && decide(p[i], t) === 'edible') falseEdible++;
      expect(falseEdible).toBe(t.validation.falseEdible);
      expect(falseEdible).toBeLessThanOrEqual(t.guarantee!.allowedAbove);
    }
  });

  it.each([
    ['mismatched lengths', () => chooseSafetyThreshold(labels(1, 0), [0.5])],
    ['α = 0', () => chooseSafetyThreshold(labels(1), [0.5], { alpha: 0 })],
    ['α above 1', () => chooseSafetyThreshold(labels(1), [0.5], { alpha: 1.5 })],
    ['a NaN δ', () => chooseSafetyThreshold(labels(1), [0.5], { delta: NaN })],
    ['δ = 1', () => chooseSafetyThreshold(labels(1), [0.5], { delta: 1 })],
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
