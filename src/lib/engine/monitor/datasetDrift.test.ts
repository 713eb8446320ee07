import { describe, expect, it } from 'vitest';
import type { ColumnData } from '../data/dataset';
import { seededRng } from '../ml/rng';
import { summariseReference } from './columnSummary';
import { datasetDrift, driftReport, sortBySeverity } from './datasetDrift';
import type { ColumnDriftResult } from './driftTypes';
import { defaultDriftTest, driftColumnType } from './defaultTest';

function result(feature: string, kind: 'test' | 'distance', score: number | null, severity: number, drifted: boolean): ColumnDriftResult {
  return {
    feature,
    kind: 'numeric',
    type: 'numeric',
    test: kind === 'test' ? 'ks' : 'wasserstein',
    testKind: kind,
    score,
    statistic: null,
    threshold: kind === 'test' ? 0.05 : 0.1,
    drifted,
    severity,
    reasons: [],
    missing: { reference: 0, current: 0, shifted: false },
    compared: { reference: 1, current: 1 },
    unseen: [],
    distribution: { kind: 'histogram', edges: [], reference: [], current: [] },
  };
}

describe('datasetDrift', () => {
  it('shares drifted features among scored ones; drifted at share ≥ 0.5 (Evidently)', () => {
    const rs = [result('a', 'test', 0.01, 1.5, true), result('b', 'distance', 0.2, 2, true), result('c', 'test', 0.5, 0.2, false), result('d', 'distance', 0.05, 0.5, false)];
    expect(datasetDrift(rs)).toMatchObject({ share: 0.5, drifted: true, count: 2, total: 4, skipped: 0 });
    expect(datasetDrift(rs, 0.75).drifted).toBe(false);
    expect(datasetDrift(rs.slice(1)).share).toBeCloseTo(1 / 3, 12);
  });

  it('leaves unscored features out of the share and puts them last', () => {
    const rs = [result('empty', 'test', null, 0, false), result('a', 'test', 0.01, 1.5, true)];
    const d = datasetDrift(rs);
    expect(d).toMatchObject({ share: 1, count: 1, total: 1, skipped: 1, drifted: true });
    expect(d.columns.map((r) => r.feature)).toEqual(['a', 'empty']);
    expect(datasetDrift([]).drifted).toBe(false);
    expect(datasetDrift([result('empty', 'test', null, 0, false)])).toMatchObject({ share: 0, drifted: false });
  });

  it('sorts p-value tests and distances together by severity', () => {
    const rs = [result('mild', 'distance', 0.05, 0.5, false), result('strong-test', 'test', 1e-9, 6.9, true), result('strong-distance', 'distance', 0.4, 4, true)];
    expect(sortBySeverity(rs).map((r) => r.feature)).toEqual(['strong-test', 'strong-distance', 'mild']);
  });
});

describe('Evidently default test selection', () => {
  it.each([
    [1000, 'numeric', 6, 'ks'],
    [1000, 'numeric', 5, 'chisquare'],
    [1000, 'numeric', 2, 'ztest'],
    [1000, 'categorical', 12, 'chisquare'],
    [1000, 'categorical', 3, 'chisquare'],
    [1000, 'categorical', 2, 'ztest'],
    [1001, 'numeric', 6, 'wasserstein'],
    [1001, 'numeric', 5, 'jensenshannon'],
    [1001, 'categorical', 2, 'jensenshannon'],
    [49000, 'categorical', 12, 'jensenshannon'],
  ] as const)('reference %i, %s with %i distinct values → %s', (n, kind, distinct, expected) => {
    expect(defaultDriftTest(n, kind, distinct)).toBe(expected);
  });

  it('calls a column binary when at most two values occur', () => {
    expect(driftColumnType('categorical', 2)).toBe('binary');
    expect(driftColumnType('numeric', 3)).toBe('numeric');
  });
});

describe('driftReport', () => {
  it('matches current columns to the reference by name and reports a missing one as an empty window', () => {
    const rng = seededRng(3);
    const column = (name: string, n: number, shift: number): ColumnData => ({ name, kind: 'numeric', values: Float64Array.from({ length: n }, () => rng() + shift) });
    const reference = summariseReference({ rows: 2000, columns: [column('a', 2000, 0), column('b', 2000, 0), column('c', 2000, 0)] });
    const report = driftReport(reference, [column('b', 500, 0.5), column('a', 500, 0)]);
    expect(report.columns.map((r) => r.feature)).toEqual(['b', 'a', 'c']);
    expect(report).toMatchObject({ count: 1, total: 2, skipped: 1, share: 0.5, drifted: true });
    expect(report.columns[2].reasons.map((r) => r.code)).toContain('empty-current');
  });
});
