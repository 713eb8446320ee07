import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULES, evaluateAlerts, normaliseRules, type AlertRules } from './alerts';
import type { ColumnDriftResult } from './driftTypes';
import { REPORT_FORMAT, type MonitorReport, type QualityMetrics } from './report';

const WHERE = 'the last 500 production rows (v3)';

function column(feature: string, drifted: boolean, missingCurrent: number | null = 0): ColumnDriftResult {
  return {
    feature,
    kind: 'numeric',
    type: 'numeric',
    test: 'ks',
    testKind: 'test',
    score: drifted ? 0.001 : 0.6,
    statistic: 0.1,
    threshold: 0.05,
    drifted,
    severity: drifted ? 2 : 0.2,
    reasons: [],
    missing: { reference: 0, current: missingCurrent, shifted: false },
    compared: { reference: 600, current: 500 },
    unseen: [],
    distribution: { kind: 'histogram', edges: [], reference: [], current: [] },
  };
}

const actual = (over: Partial<QualityMetrics> = {}): QualityMetrics => ({
  labelled: 40, accuracy: 0.99, precision: 1, recall: 0.98, f1: 0.99, balancedAccuracy: 0.99, poisonousCalledEdible: 0, ...over,
});

/** A report that breaks no default rule: no drift, accurate, no poisonous called edible, few missing values. */
function report(over: { drift?: Partial<MonitorReport['drift']>; actual?: QualityMetrics | null; estimated?: number | null } = {}): MonitorReport {
  const columns = over.drift?.columns ?? [column('odor', false, 0.05), column('cap-width', false, 0), column('gill-color', false, 0.1)];
  return {
    format: REPORT_FORMAT,
    createdAt: 0,
    timings: { driftMs: 1, totalMs: null },
    workspace: { id: 'uci', name: 'UCI' },
    version: { id: 7, number: 3, edibleAbove: 0.9 },
    window: { kind: 'last', key: 'last:500:0', label: 'the last 500 production rows', rows: 500, from: 0, to: 1 },
    reference: { source: 'data', rows: 600 },
    features: [
      { name: 'odor', label: 'Odour', codes: ['foul', 'none'] },
      { name: 'cap-width', label: 'Cap width', unit: 'mm' },
      { name: 'gill-color', label: 'Gill colour', codes: ['black', 'brown'] },
      { name: 'ring', label: 'Ring type', codes: ['none', 'pendant'] },
    ],
    drift: { share: 0, drifted: false, count: 0, total: columns.length, skipped: 0, shareThreshold: 0.5, ...over.drift, columns },
    prediction: { referencePredictedPoisonous: null, currentPredictedPoisonous: null, currentCalledEdible: null, probability: null },
    target: { referencePoisonous: 0.5, labelled: 0, currentPoisonous: null, test: null },
    pca: null,
    estimated: { rows: 500, skipped: 0, accuracy: over.estimated === undefined ? 0.99 : over.estimated, standardError: null, lower: null, upper: null, calledEdible: 0, expectedFalseEdible: 0 },
    actual: over.actual === undefined ? actual() : over.actual,
    history: { rows: 500, bucketRows: 25, buckets: [], swaps: [], band: null },
  };
}

const rules = (over: Partial<AlertRules> = {}): AlertRules => ({ ...DEFAULT_ALERT_RULES, ...over });
const fired = (r: MonitorReport, ru = rules()) => evaluateAlerts(r, ru).map((a) => a.rule);

describe('evaluateAlerts', () => {
  it('raises nothing on a report that breaks no rule', () => {
    expect(evaluateAlerts(report(), rules())).toEqual([]);
  });

  it('raises dataset drift with the counts, the share against its threshold and the top three drifted features by label', () => {
    // Already sorted most severe first, as driftReport returns them; "stem" has no label and keeps its name.
    const columns = [column('gill-color', true), column('stem', true), column('odor', false), column('cap-width', true), column('ring', true), column('veil', false)];
    const r = report({ drift: { drifted: true, count: 4, total: 6, share: 4 / 6, shareThreshold: 0.5, columns } });
    expect(evaluateAlerts(r, rules())).toEqual([
      {
        rule: 'dataset-drift',
        message: `Dataset drift in ${WHERE}: 4 of 6 features drifted (66.7 % ≥ 50.0 %), most: Gill colour, stem, Cap width.`,
        values: { drifted: 4, scored: 6, share: 4 / 6, threshold: 0.5 },
      },
    ]);
    expect(fired(r, rules({ datasetDrift: false }))).toEqual([]);
    // Drifted columns alone are not a drifted data set: the verdict decides.
    expect(fired(report({ drift: { drifted: false, count: 1, total: 3, share: 1 / 3, columns: [column('odor', true), column('cap-width', false), column('ring', false)] } }))).toEqual([]);
  });

  it('raises measured accuracy strictly below its limit, never at it, never without feedback, never with a null limit', () => {
    const low = report({ actual: actual({ accuracy: 0.9, labelled: 40 }) });
    expect(evaluateAlerts(low, rules())).toEqual([
      { rule: 'accuracy-below', message: `Accuracy 0.900 on 40 feedbacks in ${WHERE} is below 0.95.`, values: { accuracy: 0.9, labelled: 40, limit: 0.95 } },
    ]);
    expect(fired(report({ actual: actual({ accuracy: 0.95 }) }))).toEqual([]);
    expect(fired(report({ actual: actual({ accuracy: 0.9 }) }), rules({ accuracyBelow: 0.85 }))).toEqual([]);
    expect(fired(low, rules({ accuracyBelow: null }))).toEqual([]);
    expect(fired(report({ actual: null }))).toEqual([]);
  });

  it('raises estimated accuracy below its limit, naming it as estimated from probabilities', () => {
    const low = report({ estimated: 0.912345 });
    expect(evaluateAlerts(low, rules())).toEqual([
      {
        rule: 'estimated-accuracy-below',
        message: `Estimated accuracy 0.912 (from the model's probabilities, no labels) in ${WHERE} is below 0.95.`,
        values: { estimated: 0.912345, rows: 500, limit: 0.95 },
      },
    ]);
    expect(fired(report({ estimated: 0.95 }))).toEqual([]);
    expect(fired(low, rules({ estimatedAccuracyBelow: null }))).toEqual([]);
    expect(fired(report({ estimated: null }))).toEqual([]);
  });

  it('raises poisonous-called-edible on any such row, singular and plural, and only when switched on', () => {
    expect(evaluateAlerts(report({ actual: actual({ poisonousCalledEdible: 1, accuracy: 0.975 }) }), rules())).toEqual([
      { rule: 'poisonous-called-edible', message: `1 poisonous mushroom was called edible, by expert feedback, in ${WHERE}.`, values: { count: 1, labelled: 40 } },
    ]);
    const two = report({ actual: actual({ poisonousCalledEdible: 2, accuracy: 0.96 }) });
    expect(evaluateAlerts(two, rules())[0].message).toBe(`2 poisonous mushrooms were called edible, by expert feedback, in ${WHERE}.`);
    expect(fired(two, rules({ poisonousCalledEdible: false }))).toEqual([]);
    expect(fired(report({ actual: actual({ poisonousCalledEdible: 0 }) }))).toEqual([]);
  });

  it('raises missing values strictly above the limit, counting the features and naming the worst by label', () => {
    const columns = [column('odor', false, 0.2), column('cap-width', false, 0.25), column('gill-color', false, 0.4), column('ring', false, null)];
    const r = report({ drift: { columns } });
    expect(evaluateAlerts(r, rules())).toEqual([
      {
        rule: 'missing-share-above',
        message: `Missing values above 20.0 % (and above the reference) in 2 features of ${WHERE}; worst: Gill colour 40.0 %.`,
        values: { features: 2, worst: 'gill-color', share: 0.4, limit: 0.2 },
      },
    ]);
    expect(evaluateAlerts(report({ drift: { columns: [column('cap-width', false, 0.3)] } }), rules())[0].message).toBe(
      `Missing values above 20.0 % (and above the reference) in 1 feature of ${WHERE}; worst: Cap width 30.0 %.`,
    );
    expect(fired(r, rules({ missingShareAbove: 0.4 }))).toEqual([]);
    expect(fired(r, rules({ missingShareAbove: null }))).toEqual([]);
    // As missing in the reference as now: the data's nature, not an alert.
    const usual = { ...column('veil-type', false, 0.95), missing: { reference: 0.95, current: 0.95, shifted: false } };
    expect(fired(report({ drift: { columns: [usual] } }))).toEqual([]);
  });

  it('raises every broken rule at once, in rule order', () => {
    const r = report({
      drift: { drifted: true, count: 2, total: 3, share: 2 / 3, columns: [column('odor', true, 0.5), column('cap-width', true), column('ring', false)] },
      actual: actual({ accuracy: 0.5, poisonousCalledEdible: 3 }),
      estimated: 0.6,
    });
    expect(fired(r)).toEqual(['dataset-drift', 'accuracy-below', 'estimated-accuracy-below', 'poisonous-called-edible', 'missing-share-above']);
  });
});

describe('normaliseRules', () => {
  it('gives the defaults for anything that is not a settings object', () => {
    for (const v of [undefined, null, 'rules', 42, true]) expect(normaliseRules(v)).toEqual(DEFAULT_ALERT_RULES);
  });

  it('keeps valid fields and fills fields an older version did not save with the defaults', () => {
    expect(normaliseRules({ datasetDrift: false, accuracyBelow: 0.8 })).toEqual({ ...DEFAULT_ALERT_RULES, datasetDrift: false, accuracyBelow: 0.8 });
    const full: AlertRules = { datasetDrift: false, accuracyBelow: 0.9, estimatedAccuracyBelow: 0.85, poisonousCalledEdible: false, missingShareAbove: 0.1, notify: true, driftShare: 0.3 };
    expect(normaliseRules({ ...full, retired: 'x' })).toEqual(full);
  });

  it('replaces malformed fields with the defaults', () => {
    expect(
      normaliseRules({ datasetDrift: 'no', accuracyBelow: '0.9', estimatedAccuracyBelow: Number.NaN, poisonousCalledEdible: 0, missingShareAbove: Infinity, notify: 'yes' }),
    ).toEqual(DEFAULT_ALERT_RULES);
  });

  it('keeps a null limit as "rule off", but a null switch takes its default', () => {
    const r = normaliseRules({ accuracyBelow: null, estimatedAccuracyBelow: null, missingShareAbove: null, datasetDrift: null });
    expect(r).toMatchObject({ accuracyBelow: null, estimatedAccuracyBelow: null, missingShareAbove: null, datasetDrift: true });
  });

  it('accepts a drift share in (0, 1] only', () => {
    const share = (driftShare: unknown) => normaliseRules({ driftShare }).driftShare;
    expect(share(0.3)).toBe(0.3);
    expect(share(1)).toBe(1);
    expect(share(0)).toBe(0.5);
    expect(share(-0.2)).toBe(0.5);
    expect(share(1.01)).toBe(0.5);
    expect(share(Number.NaN)).toBe(0.5);
    expect(share('0.3')).toBe(0.5);
    expect(share(null)).toBe(0.5);
  });
});
