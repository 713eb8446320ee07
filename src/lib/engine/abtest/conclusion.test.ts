import { describe, expect, it } from 'vitest';
import { conclusionRecord, confirmationQuestion, objectionsTo, type TestFacts, type Verdict } from './conclusion';

// Verdicts are written out rather than computed by `analyze`, so these sentences do not move when
// a significance test's p-value is refined.
const test: TestFacts = { mode: 'split', champion: { version: 3 }, challenger: { version: 4 }, design: { minimumPerArm: 426 } };

const notSignificantEarly: Verdict = {
  significant: false,
  pvalue: 0.4,
  outcomesPerArm: 3,
  minimumReached: false,
  winner: 'champion',
  safetyBlocked: false,
  reason: 'No significant difference in accuracy (challenger 100.00 % vs 66.67 % for the champion, p = 0.40 ≥ 0.05): the champion stays.',
};
const challengerWins: Verdict = {
  significant: true,
  pvalue: 0.0012,
  outcomesPerArm: 500,
  minimumReached: true,
  winner: 'challenger',
  safetyBlocked: false,
  reason: 'The challenger is significantly more accurate (99.00 % vs 96.00 %, p = 0.0012) and calls no more poisonous mushrooms edible.',
};
const championWins: Verdict = {
  significant: true,
  pvalue: 0.003,
  outcomesPerArm: 1200,
  minimumReached: true,
  winner: 'champion',
  safetyBlocked: false,
  reason: 'The champion is significantly more accurate (98.00 % vs 96.00 %, p = 0.0030): the champion stays.',
};

describe('objectionsTo', () => {
  it('none when the chosen arm is the significant winner on the full sample', () => {
    expect(objectionsTo('challenger', challengerWins)).toEqual([]);
    expect(objectionsTo('champion', championWins)).toEqual([]);
  });

  it('not significant and short of the minimum, for either arm', () => {
    expect(objectionsTo('challenger', notSignificantEarly)).toEqual(['not-significant', 'minimum-not-reached']);
    expect(objectionsTo('champion', notSignificantEarly)).toEqual(['not-significant', 'minimum-not-reached']);
    expect(objectionsTo('champion', { ...notSignificantEarly, outcomesPerArm: 426, minimumReached: true })).toEqual(['not-significant']);
  });

  it('a significant result short of the minimum, and a choice against a significant winner', () => {
    expect(objectionsTo('challenger', { ...challengerWins, outcomesPerArm: 40, minimumReached: false })).toEqual(['minimum-not-reached']);
    expect(objectionsTo('champion', challengerWins)).toEqual(['favours-other-arm']);
    expect(objectionsTo('challenger', { ...championWins, safetyBlocked: true })).toEqual(['favours-other-arm']);
  });
});

describe('confirmationQuestion', () => {
  it('says which statistics speak against the choice and names the version', () => {
    expect(confirmationQuestion({ test, winner: 'challenger', analysis: notSignificantEarly })).toBe(
      'The test is not significant (p = 0.40) and has 3 of the 426 outcomes per arm it needs. Promote v4 anyway?',
    );
    expect(confirmationQuestion({ test, winner: 'champion', analysis: { ...notSignificantEarly, outcomesPerArm: 500, minimumReached: true } })).toBe(
      'The test is not significant (p = 0.40). Keep v3 in production and end the test anyway?',
    );
    // Significant so far, but short of the minimum: peeking.
    expect(
      confirmationQuestion({
        test: { ...test, design: { minimumPerArm: 4260 } },
        winner: 'challenger',
        analysis: { ...challengerWins, outcomesPerArm: 1234, minimumReached: false },
      }),
    ).toBe('The test has 1,234 of the 4,260 outcomes per arm it needs. Promote v4 anyway?');
  });

  it('a significant verdict for the other arm, by accuracy or by the safety rule', () => {
    expect(confirmationQuestion({ test, winner: 'champion', analysis: challengerWins })).toBe(
      'The test favours v4, which is significantly more accurate (p = 0.0012). Keep v3 in production and end the test anyway?',
    );
    expect(confirmationQuestion({ test, winner: 'challenger', analysis: { ...championWins, safetyBlocked: true, outcomesPerArm: 40, minimumReached: false } })).toBe(
      'The test has 40 of the 426 outcomes per arm it needs and keeps v3 by the safety rule (v4 calls more poisonous mushrooms edible). Promote v4 anyway?',
    );
  });

  it('no p-value at all when an arm has no outcomes yet', () => {
    const empty: Verdict = { ...notSignificantEarly, pvalue: null, outcomesPerArm: 0 };
    expect(confirmationQuestion({ test, winner: 'challenger', analysis: empty })).toBe(
      'The test has no p-value (an arm has no outcomes) and has 0 of the 426 outcomes per arm it needs. Promote v4 anyway?',
    );
  });

  it('nothing to confirm when the statistics support the choice', () => {
    expect(confirmationQuestion({ test, winner: 'challenger', analysis: challengerWins })).toBeNull();
    expect(confirmationQuestion({ test, winner: 'champion', analysis: championWins })).toBeNull();
  });
});

describe('conclusionRecord', () => {
  it('a challenger promoted by hand against the statistics: promoted, not "the champion stays", and why that is notable', () => {
    const record = conclusionRecord({ testId: 7, test, winner: 'challenger', by: 'user', analysis: notSignificantEarly });
    expect(record).toBe(
      'A/B test #7 (split) concluded by hand: v4 promoted to production and v3 archived, although the test was not significant (p = 0.40) and had 3 of the 426 outcomes per arm it needed.',
    );
    expect(record).not.toContain('champion stays');
  });

  it('a champion kept by hand against the statistics', () => {
    expect(conclusionRecord({ testId: 7, test: { ...test, mode: 'shadow' }, winner: 'champion', by: 'user', analysis: challengerWins })).toBe(
      'A/B test #7 (shadow) concluded by hand: v3 stays in production and v4 in staging, although the test favoured v4, which was significantly more accurate (p = 0.0012).',
    );
    expect(conclusionRecord({ testId: 7, test, winner: 'challenger', by: 'user', analysis: { ...championWins, safetyBlocked: true } })).toBe(
      'A/B test #7 (split) concluded by hand: v4 promoted to production and v3 archived, although the test kept v3 by the safety rule (v4 called more poisonous mushrooms edible).',
    );
  });

  it('a conclusion the statistics support, automatic or by hand, carries the verdict it followed and the sample', () => {
    expect(conclusionRecord({ testId: 2, test, winner: 'challenger', by: 'auto', analysis: challengerWins })).toBe(
      'A/B test #2 (split) concluded automatically: v4 promoted to production and v3 archived. ' +
        'The challenger is significantly more accurate (99.00 % vs 96.00 %, p = 0.0012) and calls no more poisonous mushrooms edible. ' +
        'Minimum sample reached: 500 outcomes in the smaller arm, 426 needed.',
    );
    expect(conclusionRecord({ testId: 2, test, winner: 'champion', by: 'user', analysis: championWins })).toBe(
      'A/B test #2 (split) concluded by hand: v3 stays in production and v4 in staging. ' +
        'The champion is significantly more accurate (98.00 % vs 96.00 %, p = 0.0030): the champion stays. ' +
        'Minimum sample reached: 1,200 outcomes in the smaller arm, 426 needed.',
    );
  });

  it('a very small p-value reads as a bound', () => {
    expect(conclusionRecord({ testId: 1, test, winner: 'champion', by: 'user', analysis: { ...challengerWins, pvalue: 1e-9 } })).toContain('(p < 0.0001)');
  });
});
