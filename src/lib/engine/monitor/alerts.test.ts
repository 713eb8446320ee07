import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULES, evaluateAlerts, normaliseRules, type AlertRules } from './alerts';
import type { AnsweringVersion } from './answeredBy';
import type { EstimatedAccuracy } from './estimatedAccuracy';
import type { ColumnDriftResult } from './driftTypes';
import { REPORT_FORMAT, type MonitorReport } from './report';
import type { QualityMetrics } from './quality';

/** How rules on the data name the window, and rules on quality the answers they judged (one version answered it all). */
const WHERE = 'the last 500 production rows, answered by v3 (500)';
const V3 = "v3's answers in the last 500 production rows (all 500 rows)";
const V3_VALUES = { version: 3, versionRows: 500, windowRows: 500 };
const WINDOW_VALUES = { windowRows: 500, answeredBy: 'v3 (500)' };

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
  labelled: 40,
  accuracy: 0.99,
  precision: 1,
  recall: 0.98,
  f1: 0.99,
  balancedAccuracy: 0.99,
  poisonousCalledEdible: 0,
  ...over,
});

const estimated = (accuracy: number | null, rows = 500): EstimatedAccuracy => ({
  rows,
  skipped: 0,
  accuracy,
  standardError: null,
  lower: null,
  upper: null,
  calledEdible: 0,
  expectedFalseEdible: 0,
});

/**
 * A report that breaks no default rule: no drift, accurate, no poisonous called edible, few missing
 * values. Answered by v3 alone unless `answeredBy` says otherwise.
 */
function report(over: { drift?: Partial<MonitorReport['drift']>; actual?: QualityMetrics | null; estimated?: number | null; answeredBy?: AnsweringVersion[] } = {}): MonitorReport {
  const columns = over.drift?.columns ?? [column('odor', false, 0.05), column('cap-width', false, 0), column('gill-color', false, 0.1)];
  const est = estimated(over.estimated === undefined ? 0.99 : over.estimated);
  const act = over.actual === undefined ? actual() : over.actual;
  return {
    format: REPORT_FORMAT,
    createdAt: 0,
    timings: { driftMs: 1, totalMs: null },
    workspace: { id: 'uci', name: 'UCI' },
    version: { id: 7, number: 3, edibleAbove: 0.9 },
    answeredBy: over.answeredBy ?? [{ versionId: 7, version: 3, rows: 500, estimated: est, actual: act }],
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
    estimated: est,
    actual: act,
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
        version: null,
        message: `Dataset drift in ${WHERE}: 4 of 6 features drifted (66.7 % ≥ 50.0 %), most: Gill colour, stem, Cap width.`,
        values: { drifted: 4, scored: 6, share: 4 / 6, threshold: 0.5, ...WINDOW_VALUES },
      },
    ]);
    expect(fired(r, rules({ datasetDrift: false }))).toEqual([]);
    // Drifted columns alone are not a drifted data set: the verdict decides.
    expect(
      fired(report({ drift: { drifted: false, count: 1, total: 3, share: 1 / 3, columns: [column('odor', true), column('cap-width', false), column('ring', false)] } })),
    ).toEqual([]);
  });

  it('raises measured accuracy strictly below its limit, never at it, never without feedback, never with a null limit', () => {
    const low = report({ actual: actual({ accuracy: 0.9, labelled: 40 }) });
    expect(evaluateAlerts(low, rules())).toEqual([
      { rule: 'accuracy-below', version: 3, message: `Accuracy 0.900 on 40 feedbacks of ${V3} is below 0.95.`, values: { accuracy: 0.9, labelled: 40, limit: 0.95, ...V3_VALUES } },
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
        version: 3,
        message: `Estimated accuracy 0.912 (from the model's probabilities, no labels) of ${V3} is below 0.95.`,
        values: { estimated: 0.912345, rows: 500, limit: 0.95, ...V3_VALUES },
      },
    ]);
    expect(fired(report({ estimated: 0.95 }))).toEqual([]);
    expect(fired(low, rules({ estimatedAccuracyBelow: null }))).toEqual([]);
    expect(fired(report({ estimated: null }))).toEqual([]);
  });

  it('raises poisonous-called-edible on any such row, singular and plural, and only when switched on', () => {
    expect(evaluateAlerts(report({ actual: actual({ poisonousCalledEdible: 1, accuracy: 0.975 }) }), rules())).toEqual([
      {
        rule: 'poisonous-called-edible',
        version: 3,
        message: `1 poisonous mushroom was called edible, by expert feedback, among ${V3}.`,
        values: { count: 1, labelled: 40, ...V3_VALUES },
      },
    ]);
    const two = report({ actual: actual({ poisonousCalledEdible: 2, accuracy: 0.96 }) });
    expect(evaluateAlerts(two, rules())[0].message).toBe(`2 poisonous mushrooms were called edible, by expert feedback, among ${V3}.`);
    expect(fired(two, rules({ poisonousCalledEdible: false }))).toEqual([]);
    expect(fired(report({ actual: actual({ poisonousCalledEdible: 0 }) }))).toEqual([]);
  });

  it('raises missing values strictly above the limit, counting the features and naming the worst by label', () => {
    const columns = [column('odor', false, 0.2), column('cap-width', false, 0.25), column('gill-color', false, 0.4), column('ring', false, null)];
    const r = report({ drift: { columns } });
    expect(evaluateAlerts(r, rules())).toEqual([
      {
        rule: 'missing-share-above',
        version: null,
        message: `Missing values above 20.0 % (and above the reference) in 2 features of ${WHERE}; worst: Gill colour 40.0 %.`,
        values: { features: 2, worst: 'gill-color', share: 0.4, limit: 0.2, ...WINDOW_VALUES },
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

describe('evaluateAlerts on a window answered by several versions', () => {
  const v3 = (over: Partial<AnsweringVersion> = {}): AnsweringVersion => ({
    versionId: 7,
    version: 3,
    rows: 400,
    estimated: estimated(0.99, 400),
    actual: actual({ labelled: 200, accuracy: 1 }),
    ...over,
  });
  const v2 = (over: Partial<AnsweringVersion> = {}): AnsweringVersion => ({
    versionId: 5,
    version: 2,
    rows: 100,
    estimated: estimated(0.98, 100),
    actual: actual({ labelled: 10, accuracy: 0.96 }),
    ...over,
  });
  const V2 = "v2's answers in the last 500 production rows (100 of 500 rows)";

  it('names every version that answered the window, with its count, in a rule on the data', () => {
    const columns = [column('odor', true), column('cap-width', true), column('ring', false)];
    const [drift] = evaluateAlerts(report({ drift: { drifted: true, count: 2, total: 3, share: 2 / 3, columns }, answeredBy: [v3(), v2()] }), rules());
    expect(drift).toEqual({
      rule: 'dataset-drift',
      version: null,
      message: 'Dataset drift in the last 500 production rows, answered by v3 (400) and v2 (100): 2 of 3 features drifted (66.7 % ≥ 50.0 %), most: Odour, Cap width.',
      values: { drifted: 2, scored: 3, share: 2 / 3, threshold: 0.5, windowRows: 500, answeredBy: 'v3 (400) and v2 (100)' },
    });
  });

  it("blames the version whose own rows break a quality rule, with its own figures, even when the window's mix would pass", () => {
    // The window as a whole: (200 + 8) / 210 right, above 0.95; v2 alone is at 0.8.
    const bad = v2({ actual: actual({ labelled: 10, accuracy: 0.8, poisonousCalledEdible: 2 }) });
    const r = report({ actual: actual({ labelled: 210, accuracy: 208 / 210, poisonousCalledEdible: 2 }), answeredBy: [v3(), bad] });
    expect(evaluateAlerts(r, rules())).toEqual([
      {
        rule: 'accuracy-below',
        version: 2,
        message: `Accuracy 0.800 on 10 feedbacks of ${V2} is below 0.95.`,
        values: { accuracy: 0.8, labelled: 10, limit: 0.95, version: 2, versionRows: 100, windowRows: 500 },
      },
      {
        rule: 'poisonous-called-edible',
        version: 2,
        message: `2 poisonous mushrooms were called edible, by expert feedback, among ${V2}.`,
        values: { count: 2, labelled: 10, version: 2, versionRows: 100, windowRows: 500 },
      },
    ]);
  });

  it('never puts one version’s estimate on another’s account, and raises for each version that breaks a rule', () => {
    const low = report({ estimated: 0.96, answeredBy: [v3({ estimated: estimated(0.93, 400) }), v2()] });
    expect(evaluateAlerts(low, rules()).map((a) => [a.rule, a.version, a.values.estimated])).toEqual([['estimated-accuracy-below', 3, 0.93]]);
    expect(evaluateAlerts(low, rules())[0].message).toBe(
      "Estimated accuracy 0.930 (from the model's probabilities, no labels) of v3's answers in the last 500 production rows (400 of 500 rows) is below 0.95.",
    );
    const both = report({ answeredBy: [v3({ estimated: estimated(0.93, 400) }), v2({ estimated: estimated(0.9, 100) })] });
    expect(evaluateAlerts(both, rules()).map((a) => [a.rule, a.version, a.values.estimated, a.values.versionRows])).toEqual([
      ['estimated-accuracy-below', 3, 0.93, 400],
      ['estimated-accuracy-below', 2, 0.9, 100],
    ]);
  });

  it('judges no version on feedback it does not have', () => {
    // Only v3's rows have feedback, and they are fine; v2 has none: no accuracy alert, for either.
    const r = report({ actual: actual({ labelled: 200, accuracy: 1 }), answeredBy: [v3(), v2({ actual: null })] });
    expect(evaluateAlerts(r, rules({ accuracyBelow: 0.999 }))).toEqual([]);
  });
});

describe('normaliseRules', () => {
  it('gives the defaults for anything that is not a settings object', () => {
    for (const v of [undefined, null, 'rules', 42, true]) expect(normaliseRules(v)).toEqual(DEFAULT_ALERT_RULES);
  });

  it('keeps valid fields and fills fields an older version did not save with the defaults', () => {
    expect(normaliseRules({ datasetDrift: false, accuracyBelow: 0.8 })).toEqual({ ...DEFAULT_ALERT_RULES, datasetDrift: false, accuracyBelow: 0.8 });
    const full: AlertRules = {
      datasetDrift: false,
      accuracyBelow: 0.9,
      estimatedAccuracyBelow: 0.85,
      poisonousCalledEdible: false,
      missingShareAbove: 0.1,
      notify: true,
      driftShare: 0.3,
    };
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
