import { describe, expect, it } from 'vitest';
import { analyze, MCNEMAR_EXACT_BELOW } from './analysis';
import { summarizeShadow, summarizeSplit } from './outcomes';
import { fisherExact, mcnemar, twoProportionZTest } from '../stats/proportions';
import { shadowRecords, splitRecords, type ArmCounts } from './testRecords';

const split = (champion: ArmCounts, challenger: ArmCounts) => summarizeSplit([...splitRecords('champion', champion), ...splitRecords('challenger', challenger)]);

describe('analyze: split mode', () => {
  it('z-test decides when expected counts are large enough; Fisher is reported beside it', () => {
    // 3/40 vs 11/45 right (the oracle's case): smallest expected count 40 · 14/85 = 6.6 ≥ 5.
    const a = analyze({ outcomes: split({ right: 3, edibleCalledPoisonous: 37 }, { right: 11, edibleCalledPoisonous: 34 }), alpha: 0.05, minimumPerArm: 40 });
    expect(a.tests.map((t) => [t.id, t.decides])).toEqual([['two-proportion-z', true], ['fisher-exact', false]]);
    expect(a.tests[0].statistic).toBe(twoProportionZTest([3, 11], [40, 45]).z);
    expect(a.pvalue).toBeCloseTo(0.0355332907, 9);
    expect(a.tests[1].pvalue).toBe(fisherExact([3, 11], [40, 45]));
    expect(a).toMatchObject({ significant: true, minimumReached: true, peekingWarning: null, winner: 'challenger', safetyBlocked: false, canAutoConclude: true });
    expect(a.reason).toContain('challenger is significantly more accurate');
  });

  it('Fisher decides when an expected count is below 5', () => {
    const a = analyze({ outcomes: split({ right: 0, edibleCalledPoisonous: 25 }, { right: 6, edibleCalledPoisonous: 24 }), alpha: 0.05, minimumPerArm: 10 });
    expect(a.tests.find((t) => t.decides)?.id).toBe('fisher-exact');
    expect(a.pvalue).toBeCloseTo(0.026591364, 9);
    expect(a.method).toContain('Fisher');
    expect(a.winner).toBe('challenger');
  });

  it('not significant → the champion stays, even when the challenger looks better', () => {
    const a = analyze({ outcomes: split({ right: 45, edibleCalledPoisonous: 5 }, { right: 47, edibleCalledPoisonous: 3 }), alpha: 0.05, minimumPerArm: 50 });
    expect(a).toMatchObject({ significant: false, winner: 'champion', canAutoConclude: false });
    expect(a.reason).toContain('No significant difference');
  });

  it('a significantly better champion stays', () => {
    const a = analyze({ outcomes: split({ right: 980, edibleCalledPoisonous: 20 }, { right: 960, edibleCalledPoisonous: 40 }), alpha: 0.05, minimumPerArm: 100 });
    expect(a.pvalue).toBeCloseTo(0.0087514867, 9);
    expect(a).toMatchObject({ significant: true, winner: 'champion', canAutoConclude: true });
    expect(a.reason).toContain('champion is significantly more accurate');
  });

  it('safety rule: a more accurate challenger with a higher poisonous-called-edible rate never wins', () => {
    // Challenger 90 % vs 70 % accurate, but 5 of its 100 outcomes are poisonous called edible vs 0 of the champion's.
    const a = analyze({ outcomes: split({ right: 70, edibleCalledPoisonous: 30 }, { right: 90, poisonousCalledEdible: 5, edibleCalledPoisonous: 5 }), alpha: 0.05, minimumPerArm: 50 });
    expect(a).toMatchObject({ significant: true, winner: 'champion', safetyBlocked: true });
    expect(a.reason).toContain('safety rule');
  });

  it('safety compares rates per outcome in split mode, not counts: a bigger arm may have more', () => {
    // Challenger: 2 of 400 (0.5 %); champion: 1 of 100 (1 %).
    const a = analyze({ outcomes: split({ right: 70, poisonousCalledEdible: 1, edibleCalledPoisonous: 29 }, { right: 380, poisonousCalledEdible: 2, edibleCalledPoisonous: 18 }), alpha: 0.05, minimumPerArm: 50 });
    expect(a).toMatchObject({ significant: true, winner: 'challenger', safetyBlocked: false });
  });

  it('peeking: before the minimum a significant result carries a warning and cannot auto-conclude', () => {
    const a = analyze({ outcomes: split({ right: 3, edibleCalledPoisonous: 37 }, { right: 11, edibleCalledPoisonous: 34 }), alpha: 0.05, minimumPerArm: 388 });
    expect(a).toMatchObject({ significant: true, minimumReached: false, outcomesPerArm: 40, canAutoConclude: false, winner: 'challenger' });
    expect(a.peekingWarning).toContain('40 of the 388');
    expect(a.peekingWarning).toContain('peeking');
  });

  it('no feedback in an arm: no tests, champion stays; predictions without feedback do not count toward the minimum', () => {
    const a = analyze({ outcomes: split({ right: 10, noFeedback: 500 }, { right: 0, noFeedback: 500 }), alpha: 0.05, minimumPerArm: 5 });
    expect(a).toMatchObject({ tests: [], pvalue: null, significant: false, winner: 'champion', minimumReached: false, outcomesPerArm: 0, canAutoConclude: false });
    expect(a.reason).toContain('No feedback yet for the challenger');
  });

  it('all answers right in both arms: zero variance, p 1, champion stays', () => {
    const a = analyze({ outcomes: split({ right: 100 }, { right: 100 }), alpha: 0.05, minimumPerArm: 100 });
    expect(a).toMatchObject({ pvalue: 1, significant: false, winner: 'champion', canAutoConclude: false });
  });
});

describe('analyze: shadow mode', () => {
  it(`McNemar exact decides below ${MCNEMAR_EXACT_BELOW} discordant pairs (oracle table: p 0.1434631348)`, () => {
    const a = analyze({ outcomes: summarizeShadow(shadowRecords([[40, 5], [12, 943]])), alpha: 0.05, minimumPerArm: 500 });
    expect(a.tests.map((t) => [t.id, t.decides])).toEqual([['mcnemar-exact', true], ['mcnemar-chi2-corrected', false]]);
    expect(a.pvalue).toBeCloseTo(0.1434631348, 9);
    expect(a.method).toContain('17 discordant pairs, fewer than 25');
    expect(a).toMatchObject({ significant: false, winner: 'champion' });
  });

  it('corrected chi-square decides from 25 discordant pairs, exact reported beside it', () => {
    // Oracle table with the versions swapped: the challenger is right on 30 rows the champion gets wrong.
    const a = analyze({ outcomes: summarizeShadow(shadowRecords([[100, 10], [30, 860]])), alpha: 0.05, minimumPerArm: 1000 });
    expect(a.tests.find((t) => t.decides)?.id).toBe('mcnemar-chi2-corrected');
    expect(a.pvalue).toBeCloseTo(0.0026631193, 9);
    expect(a.tests[0].pvalue).toBe(mcnemar([[100, 10], [30, 860]]).exactPvalue);
    expect(a.tests[1].statistic).toBeCloseTo(9.025, 12);
    expect(a).toMatchObject({ significant: true, minimumReached: true, winner: 'challenger', canAutoConclude: true });
  });

  it('safety rule: counts on the same rows decide in shadow mode', () => {
    const a = analyze({
      outcomes: summarizeShadow(shadowRecords([[100, 10], [30, 860]], { challengerPoisonousCalledEdible: 4, championPoisonousCalledEdible: 3 })),
      alpha: 0.05,
      minimumPerArm: 1000,
    });
    expect(a).toMatchObject({ significant: true, winner: 'champion', safetyBlocked: true, canAutoConclude: true });
    expect(a.reason).toContain('4 vs 3 on the same rows');
  });

  it('no discordant pairs: p 1, equal accuracy, champion stays', () => {
    const a = analyze({ outcomes: summarizeShadow(shadowRecords([[50, 0], [0, 50]])), alpha: 0.05, minimumPerArm: 10 });
    expect(a).toMatchObject({ pvalue: 1, significant: false, winner: 'champion' });
  });
});

describe('analyze: bad input', () => {
  it.each([
    ['alpha 0', 0, 10],
    ['alpha NaN', NaN, 10],
    ['a negative minimum', 0.05, -1],
  ])('rejects %s with invalid-argument', (_, alpha, minimumPerArm) => {
    expect(() => analyze({ outcomes: summarizeSplit([]), alpha, minimumPerArm })).toThrow(expect.objectContaining({ name: 'EngineError', code: 'invalid-argument' }));
  });
});
