import { describe, expect, it } from 'vitest';
import { answeredByText, answeringVersions, formatCount, versionScope, versionsText, type AnsweredRows } from './answeredBy';
import { NO_FEEDBACK } from '../data/dataset';

/** Rows as [versionId, version, P(poisonous), called edible, feedback]. */
function rows(list: [number, number, number, 0 | 1, number][]): AnsweredRows {
  return {
    rows: list.length,
    versionId: Int32Array.from(list, (r) => r[0]),
    version: Int32Array.from(list, (r) => r[1]),
    pPoisonous: Float32Array.from(list, (r) => r[2]),
    calledEdible: Uint8Array.from(list, (r) => r[3]),
    feedback: Uint8Array.from(list, (r) => r[4]),
  };
}

describe('answeringVersions', () => {
  it('counts the rows each version answered, interleaved as an A/B split leaves them, and scores each on its own rows', () => {
    const w = rows([
      [12, 3, 0.02, 1, 1], // v3 called a poisonous mushroom edible
      [11, 2, 0.9, 0, 1],
      [12, 3, 0.02, 1, 0],
      [11, 2, 0.5, 0, NO_FEEDBACK],
      [11, 2, 0.01, 1, 0],
    ]);
    const [v2, v3, ...rest] = answeringVersions(w);
    expect(rest).toEqual([]);
    expect(v2).toMatchObject({ versionId: 11, version: 2, rows: 3, actual: { labelled: 2, accuracy: 1, poisonousCalledEdible: 0 } });
    expect(v2.estimated.rows).toBe(3);
    expect(v2.estimated.accuracy).toBeCloseTo((0.9 + 0.5 + 0.99) / 3, 6);
    expect(v3).toMatchObject({ versionId: 12, version: 3, rows: 2, actual: { labelled: 2, accuracy: 0.5, poisonousCalledEdible: 1 } });
    expect(v3.estimated.accuracy).toBeCloseTo(0.98, 6);
  });

  it('puts the version with most rows first, the newer first on a tie, and has no version for no rows', () => {
    const w = rows([
      [1, 1, 0.1, 1, NO_FEEDBACK],
      [2, 2, 0.1, 1, NO_FEEDBACK],
      [3, 3, 0.1, 1, NO_FEEDBACK],
      [3, 3, 0.1, 1, NO_FEEDBACK],
    ]);
    expect(answeringVersions(w).map((v) => [v.version, v.rows, v.actual])).toEqual([
      [3, 2, null],
      [2, 1, null],
      [1, 1, null],
    ]);
    expect(answeringVersions(rows([]))).toEqual([]);
  });
});

describe('version texts', () => {
  it('lists versions with their counts, thousands separated, joined as a sentence', () => {
    expect(versionsText([])).toBe('');
    expect(versionsText([{ version: 3, rows: 1200 }])).toBe('v3 (1,200)');
    expect(
      versionsText([
        { version: 3, rows: 1200 },
        { version: 2, rows: 300 },
      ]),
    ).toBe('v3 (1,200) and v2 (300)');
    expect(
      versionsText([
        { version: 3, rows: 1_234_567 },
        { version: 2, rows: 300 },
        { version: 1, rows: 12 },
      ]),
    ).toBe('v3 (1,234,567), v2 (300) and v1 (12)');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(61_069)).toBe('61,069');
  });

  it('says who answered a report, "no rows" for an empty window, and "not recorded" for a saved report without the list', () => {
    expect(
      answeredByText({
        window: { rows: 1500 },
        answeredBy: [
          { version: 3, rows: 1200 },
          { version: 2, rows: 300 },
        ],
      }),
    ).toBe('v3 (1,200) and v2 (300)');
    expect(answeredByText({ window: { rows: 0 }, answeredBy: [] })).toBe('no rows');
    expect(answeredByText({ window: { rows: 1500 }, answeredBy: [] })).toBe('not recorded in this saved report');
  });

  it("names one version's part of a window", () => {
    const window = { label: 'the last 1,500 production rows', rows: 1500 };
    expect(versionScope({ version: 2, rows: 300 }, window)).toBe("v2's answers in the last 1,500 production rows (300 of 1,500 rows)");
    expect(versionScope({ version: 3, rows: 1500 }, window)).toBe("v3's answers in the last 1,500 production rows (all 1,500 rows)");
  });
});
