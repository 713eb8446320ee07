import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../stats/proportions';
import { summarizeShadow, summarizeSplit } from './outcomes';
import { shadowRecords, splitRecords } from './testRecords';

describe('summarizeSplit', () => {
  it('rows without feedback count as predictions, never as outcomes', () => {
    const s = summarizeSplit([
      ...splitRecords('champion', { right: 8, poisonousCalledEdible: 1, edibleCalledPoisonous: 1, noFeedback: 90 }),
      ...splitRecords('challenger', { right: 0, noFeedback: 7 }),
    ]);
    expect(s.champion).toMatchObject({ predictions: 100, feedbackCount: 10, correct: 8, accuracy: 0.8, poisonousCalledEdible: 1, poisonousCalledEdibleRate: 0.1 });
    expect(s.champion.accuracyInterval).toEqual(wilsonInterval(8, 10));
    expect(s.champion.poisonousCalledEdibleInterval).toEqual(wilsonInterval(1, 10));
    expect(s.challenger).toMatchObject({ predictions: 7, feedbackCount: 0, correct: 0, accuracy: null, poisonousCalledEdible: 0, poisonousCalledEdibleRate: null });
    expect(s.challenger.accuracyInterval).toEqual({ lower: 0, upper: 1 });
  });

  it('an edible row called poisonous is wrong but not the dangerous error', () => {
    const s = summarizeSplit(splitRecords('challenger', { right: 3, edibleCalledPoisonous: 2 }));
    expect(s.challenger).toMatchObject({ feedbackCount: 5, correct: 3, poisonousCalledEdible: 0 });
  });

  it('empty input gives two empty arms', () => {
    const s = summarizeSplit([]);
    expect(s.mode).toBe('split');
    expect(s.champion.predictions + s.challenger.predictions).toBe(0);
  });
});

describe('summarizeShadow', () => {
  it('pairs the two versions on rows with feedback into McNemar’s table', () => {
    const s = summarizeShadow(
      shadowRecords(
        [
          [40, 5],
          [12, 943],
        ],
        { noFeedback: 50, challengerPoisonousCalledEdible: 2, championPoisonousCalledEdible: 3 },
      ),
    );
    expect(s.pairs).toEqual([
      [40, 5],
      [12, 943],
    ]);
    // Both versions answered every row, feedback or not.
    expect(s.champion).toMatchObject({ predictions: 1050, feedbackCount: 1000, correct: 45, poisonousCalledEdible: 3 });
    expect(s.challenger).toMatchObject({ predictions: 1050, feedbackCount: 1000, correct: 52, poisonousCalledEdible: 2 });
  });

  it('a row without feedback never enters the table', () => {
    const s = summarizeShadow([
      { championPoisonous: true, challengerPoisonous: false, truthPoisonous: null },
      { championPoisonous: true, challengerPoisonous: false },
    ]);
    expect(s.pairs).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(s.champion.predictions).toBe(2);
    expect(s.champion.feedbackCount).toBe(0);
  });
});
