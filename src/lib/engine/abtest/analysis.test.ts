import { describe, expect, it } from 'vitest';
import { analyze, MCNEMAR_EXACT_BELOW } from './analysis';
import { summarizeShadow, summarizeSplit } from './outcomes';
import { fisherExact, mcnemar, twoProportionZTest } from '../stats/proportions';
import { shadowRecords, splitRecords, type ArmCounts } from './testRecords';

const split = (champion: ArmCounts, challenger: ArmCounts) => summarizeSplit([...splitRecords('champion', champion), ...splitRecords('challenger', challenger)]);

function expectRel(actual: number, expected: number, what: string, rtol = 1e-9) {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(rtol * Math.abs(expected));
}

/** fisherExact on SciPy's table layout [[a, b], [c, d]]: successes [a, c] of trials [a + b, c + d]. */
const fisherTable = ([[a, b], [c, d]]: number[][]) => fisherExact([a, c], [a + b, c + d]);

describe('fisherExact against SciPy 1.10', () => {
  // Every expected value below is `scipy.stats.fisher_exact(table)[1]` (alternative='two-sided',
  // SciPy 1.10.1), printed with repr().
  it.each([
    // Near-ties: a table on the far side of the mode is 3.7e-8 to 8.9e-8 more probable than the observed
    // one. R's 1e-7 tolerance (the old rule) counts it as extreme; SciPy's 1e-14 does not.
    [
      [
        [20, 38],
        [40, 106],
      ],
      0.31361807548372905,
    ], // the reported table; the old rule gave 0.3944449762
    [
      [
        [20, 40],
        [38, 106],
      ],
      0.31361807548372905,
    ], // its transpose; old 0.3944449762
    [
      [
        [18, 51],
        [81, 174],
      ],
      0.3818889138514277,
    ], // old 0.4614810068
    [
      [
        [64, 23],
        [97, 146],
      ],
      5.960941192263164e-8,
    ], // old 9.7216954764e-8
    [
      [
        [51, 61],
        [100, 133],
      ],
      0.6453005683853175,
    ], // old 0.7281923951
    [
      [
        [24, 21],
        [139, 165],
      ],
      0.34304616297057217,
    ], // old 0.4237536910
    // The same near-tie seen from the more probable table: the other one is less probable, so it counts.
    [
      [
        [14, 44],
        [46, 100],
      ],
      0.3944449761955223,
    ],
  ])('near-tie %j → %f', (table, expected) => {
    expectRel(fisherTable(table), expected, JSON.stringify(table));
  });

  it.each([
    // Exact ties that are not mirror images: 0!·4!·4!·7! = 2!·2!·2!·9!, so [[0, 4], [4, 7]] and
    // [[2, 2], [2, 9]] are equally probable and each counts the other.
    [
      [
        [0, 4],
        [4, 7],
      ],
      0.5164835164835164,
    ],
    [
      [
        [2, 2],
        [2, 9],
      ],
      0.5164835164835164,
    ],
    // Exact ties whose log-factorial probabilities differ by 1.4e-14 in floating point, more than
    // SciPy's tolerance: only the exact comparison keeps them as ties.
    [
      [
        [0, 13],
        [5, 38],
      ],
      0.5799980941490375,
    ],
    [
      [
        [4, 14],
        [4, 25],
      ],
      0.6918372704075635,
    ],
    // Large mirror-symmetric and asymmetric tables (Stirling's series for the log-factorials).
    [
      [
        [9800, 200],
        [9700, 300],
      ],
      6.872944358902496e-6,
    ],
    [
      [
        [30000, 200],
        [29000, 320],
      ],
      1.9033129250681168e-8,
    ],
    // The abtest oracle's tables (../shared/oracles/abtest.json).
    [
      [
        [3, 37],
        [11, 34],
      ],
      0.043349437116239356,
    ],
    [
      [
        [0, 25],
        [6, 24],
      ],
      0.026591363994249672,
    ],
  ])('exact ties and ordinary tables: %j → %f', (table, expected) => {
    expectRel(fisherTable(table), expected, JSON.stringify(table));
  });

  it.each([
    [
      [
        [2, 3],
        [3, 2],
      ],
    ], // the observed table is one of two tied modes (SciPy: p exactly 1; the old sum gave 0.999999999999996)
    [
      [
        [3, 2],
        [2, 3],
      ],
    ], // the other of the two modes
    [
      [
        [0, 0],
        [3, 7],
      ],
    ], // an empty row
    [
      [
        [0, 10],
        [0, 10],
      ],
    ], // an empty column
    [
      [
        [10, 0],
        [7, 0],
      ],
    ],
    [
      [
        [1, 0],
        [0, 1],
      ],
    ],
  ])('p is exactly 1 for %j, as SciPy', (table) => {
    expect(fisherTable(table)).toBe(1);
  });

  it('is symmetric in the arms and in the outcome columns', () => {
    const p = fisherTable([
      [20, 38],
      [40, 106],
    ]);
    expectRel(
      fisherTable([
        [40, 106],
        [20, 38],
      ]),
      p,
      'arms swapped',
      1e-12,
    );
    expectRel(
      fisherTable([
        [38, 20],
        [106, 40],
      ]),
      p,
      'columns swapped',
      1e-12,
    );
  });

  it.each([
    ['fractional counts', () => fisherExact([1.5, 2], [5, 5])],
    ['negative counts', () => fisherExact([-1, 2], [5, 5])],
    ['successes above trials', () => fisherExact([6, 2], [5, 5])],
    ['NaN', () => fisherExact([NaN, 2], [5, 5])],
  ])('rejects %s with invalid-argument', (_, f) => {
    expect(f).toThrow(expect.objectContaining({ name: 'EngineError', code: 'invalid-argument' }));
  });
});

describe('analyze: split mode', () => {
  it('z-test decides when expected counts are large enough; Fisher is reported beside it', () => {
    // 3/40 vs 11/45 right (the oracle's case): smallest expected count 40 · 14/85 = 6.6 ≥ 5.
    const a = analyze({ outcomes: split({ right: 3, edibleCalledPoisonous: 37 }, { right: 11, edibleCalledPoisonous: 34 }), alpha: 0.05, minimumPerArm: 40 });
    expect(a.tests.map((t) => [t.id, t.decides])).toEqual([
      ['two-proportion-z', true],
      ['fisher-exact', false],
    ]);
    expect(a.tests[0].statistic).toBe(twoProportionZTest([3, 11], [40, 45]).z);
    expect(a.pvalue).toBeCloseTo(0.0355332907, 9);
    expect(a.tests[1].pvalue).toBe(fisherExact([3, 11], [40, 45]));
    expect(a).toMatchObject({ significant: true, minimumReached: true, peekingWarning: null, winner: 'challenger', safetyBlocked: false, canAutoConclude: true });
    expect(a.reason).toContain('challenger is significantly more accurate');
  });

  it('reports SciPy’s Fisher p on a near-tie table, not R’s (scipy.stats.fisher_exact([[20, 38], [40, 106]]))', () => {
    const a = analyze({ outcomes: split({ right: 20, edibleCalledPoisonous: 38 }, { right: 40, edibleCalledPoisonous: 106 }), alpha: 0.05, minimumPerArm: 50 });
    expect(a.tests[1].id).toBe('fisher-exact');
    expectRel(a.tests[1].pvalue, 0.31361807548372905, 'Fisher p');
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
    const a = analyze({
      outcomes: split({ right: 70, edibleCalledPoisonous: 30 }, { right: 90, poisonousCalledEdible: 5, edibleCalledPoisonous: 5 }),
      alpha: 0.05,
      minimumPerArm: 50,
    });
    expect(a).toMatchObject({ significant: true, winner: 'champion', safetyBlocked: true });
    expect(a.reason).toContain('safety rule');
  });

  it('safety compares rates per outcome in split mode, not counts: a bigger arm may have more', () => {
    // Challenger: 2 of 400 (0.5 %); champion: 1 of 100 (1 %).
    const a = analyze({
      outcomes: split({ right: 70, poisonousCalledEdible: 1, edibleCalledPoisonous: 29 }, { right: 380, poisonousCalledEdible: 2, edibleCalledPoisonous: 18 }),
      alpha: 0.05,
      minimumPerArm: 50,
    });
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
    const a = analyze({
      outcomes: summarizeShadow(
        shadowRecords([
          [40, 5],
          [12, 943],
        ]),
      ),
      alpha: 0.05,
      minimumPerArm: 500,
    });
    expect(a.tests.map((t) => [t.id, t.decides])).toEqual([
      ['mcnemar-exact', true],
      ['mcnemar-chi2-corrected', false],
    ]);
    expect(a.pvalue).toBeCloseTo(0.1434631348, 9);
    expect(a.method).toContain('17 discordant pairs, fewer than 25');
    expect(a).toMatchObject({ significant: false, winner: 'champion' });
  });

  it('corrected chi-square decides from 25 discordant pairs, exact reported beside it', () => {
    // Oracle table with the versions swapped: the challenger is right on 30 rows the champion gets wrong.
    const a = analyze({
      outcomes: summarizeShadow(
        shadowRecords([
          [100, 10],
          [30, 860],
        ]),
      ),
      alpha: 0.05,
      minimumPerArm: 1000,
    });
    expect(a.tests.find((t) => t.decides)?.id).toBe('mcnemar-chi2-corrected');
    expect(a.pvalue).toBeCloseTo(0.0026631193, 9);
    expect(a.tests[0].pvalue).toBe(
      mcnemar([
        [100, 10],
        [30, 860],
      ]).exactPvalue,
    );
    expect(a.tests[1].statistic).toBeCloseTo(9.025, 12);
    expect(a).toMatchObject({ significant: true, minimumReached: true, winner: 'challenger', canAutoConclude: true });
  });

  it('safety rule: counts on the same rows decide in shadow mode', () => {
    const a = analyze({
      outcomes: summarizeShadow(
        shadowRecords(
          [
            [100, 10],
            [30, 860],
          ],
          { challengerPoisonousCalledEdible: 4, championPoisonousCalledEdible: 3 },
        ),
      ),
      alpha: 0.05,
      minimumPerArm: 1000,
    });
    expect(a).toMatchObject({ significant: true, winner: 'champion', safetyBlocked: true, canAutoConclude: true });
    expect(a.reason).toContain('4 vs 3 on the same rows');
  });

  it('no discordant pairs: p 1, equal accuracy, champion stays', () => {
    const a = analyze({
      outcomes: summarizeShadow(
        shadowRecords([
          [50, 0],
          [0, 50],
        ]),
      ),
      alpha: 0.05,
      minimumPerArm: 10,
    });
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
