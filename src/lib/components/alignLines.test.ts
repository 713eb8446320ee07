import { describe, expect, it } from 'vitest';
import { alignLines } from './alignLines';

describe('alignLines', () => {
  it('keeps both points of a PR curve at full recall (a decision tree: two scores), not only the last', () => {
    // evaluate()'s PR curve for a tree separating the test split: (0, 1), (1, 1), then (1, share of poisonous).
    const pr = { x: [0, 1, 1], y: [1, 1, 0.4819376026272578] };
    expect(alignLines([pr])).toEqual([
      [0, 1, 1],
      [1, 1, 0.4819376026272578],
    ]);
  });

  it('keeps a ROC curve’s vertical runs beside the chance line, which holds its y in the extra slots', () => {
    const roc = { x: [0, 0, 0.0269, 0.0269, 0.838, 1], y: [0, 0.029, 0.985, 0.997, 1, 1] };
    const chance = { x: [0, 1], y: [0, 1] };
    expect(alignLines([roc, chance])).toEqual([
      [0, 0, 0.0269, 0.0269, 0.838, 1],
      [0, 0.029, 0.985, 0.997, 1, 1],
      [0, 0, null, null, null, 1],
    ]);
  });

  it('merges equal x values across lines into one slot and sorts a scatter’s x', () => {
    expect(
      alignLines([
        { x: [2, 1, 2], y: [5, 6, 7] },
        { x: [1, 2, 3], y: [8, 9, 10] },
      ]),
    ).toEqual([
      [1, 2, 2, 3],
      [6, 5, 7, null],
      [8, 9, 9, 10],
    ]);
  });
});
