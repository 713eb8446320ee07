import { describe, expect, it } from 'vitest';
import { BUILTIN_SCHEMAS } from '../engine/data/builtinSchemas';
import { seededRng, type Rng } from '../engine/ml/rng';
import { DEFAULT_DRIFT_SHARE } from '../engine/monitor/datasetDrift';
import type { ColumnDriftResult, MiniDistribution } from '../engine/monitor/driftTypes';
import { REPORT_FORMAT, type MonitorReport, type QualityBucket } from '../engine/monitor/report';
import { DATA_CREDIT, DISCLAIMER, formatP, renderReportHtml } from './reportHtml';
import { EVIL, EVIL_ESCAPED, tagProblem } from './markup.testing';

const HEADINGS = ['Dataset drift', 'Feature drift', 'Drifted features', 'Prediction drift', 'Target drift', 'Model quality', 'PCA map', 'Quality over time'];
const T0 = Date.UTC(2025, 5, 1, 9, 30);

function shares(rng: Rng, n: number): number[] {
  const w = Array.from({ length: n }, () => rng() + 0.05);
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / s);
}

function column(rng: Rng, f: MonitorReport['features'][number], drifted: boolean, rank: number): ColumnDriftResult {
  const numeric = !f.codes;
  let distribution: MiniDistribution;
  if (numeric) {
    const edges = Array.from({ length: 11 }, (_, i) => i * 2.7);
    distribution = { kind: 'histogram', edges, reference: shares(rng, 10), current: shares(rng, 10) };
  } else {
    const n = f.codes!.length;
    const keys = n > 12 ? [...Array.from({ length: 11 }, (_, i) => i), -1] : Array.from({ length: n }, (_, i) => i);
    distribution = { kind: 'categories', keys, reference: shares(rng, keys.length), current: shares(rng, keys.length) };
  }
  const test = numeric ? 'ks' : f.codes!.length === 2 ? 'ztest' : 'chisquare';
  const score = drifted ? 10 ** -(3 + rank * 4 * rng()) : 0.05 + 0.9 * rng();
  return {
    feature: f.name,
    kind: numeric ? 'numeric' : 'categorical',
    type: numeric ? 'numeric' : f.codes!.length === 2 ? 'binary' : 'categorical',
    test,
    testKind: 'test',
    score,
    statistic: rng() * 30,
    threshold: 0.05,
    drifted,
    severity: Math.log(score) / Math.log(0.05),
    reasons: [],
    missing: { reference: rng() * 0.1, current: rng() * 0.2, shifted: rng() < 0.3 },
    compared: { reference: 40_000, current: 5_000 },
    unseen: [],
    distribution,
  };
}

function points(rng: Rng, n: number, shift: number) {
  return { x: Array.from({ length: n }, () => (rng() + rng() + rng() - 1.5) * 3 + shift), y: Array.from({ length: n }, () => (rng() + rng() - 1) * 2) };
}

/** A Secondary-sized report: 20 features, 2000 + 2000 map points, 40 buckets, two version swaps. */
function fixtureReport(evil = false): MonitorReport {
  const rng = seededRng(20250601);
  const schema = BUILTIN_SCHEMAS.find((s) => s.id === 'secondary')!;
  const features: MonitorReport['features'] = schema.features.map((f) =>
    f.kind === 'categorical' ? { name: f.name, label: f.label, codes: f.codes.map((c) => c.label) } : { name: f.name, label: f.label, ...(f.unit ? { unit: f.unit } : {}) },
  );
  if (evil) features.find((f) => f.name === 'cap-shape')!.codes![0] = EVIL;
  const columns = features.map((f, i) => column(rng, f, i % 3 === 0, i)).sort((a, b) => b.severity - a.severity);
  const capShape = columns.find((c) => c.feature === 'cap-shape')!;
  capShape.unseen = [{ key: 0, share: 0.031 }];
  capShape.reasons = [{ code: 'unseen-categories', message: `1 category absent from the reference: ${evil ? EVIL : 'bell'}` }];
  const stemWidth = columns.find((c) => c.feature === 'stem-width')!;
  Object.assign(stemWidth, { test: 'wasserstein', testKind: 'distance', score: 0.14, threshold: 0.1, requestedTest: 'psi' });
  stemWidth.reasons = [{ code: 'test-not-applicable', message: 'PSI was asked for; Wasserstein was used.' }];
  const count = columns.filter((c) => c.drifted).length;
  const buckets: QualityBucket[] = Array.from({ length: 40 }, (_, b) => {
    const acc = 0.97 - (b > 25 ? 0.04 : 0) + rng() * 0.02;
    return {
      start: b * 250,
      end: (b + 1) * 250,
      at: T0 + (b + 1) * 3_600_000,
      actual: b % 7 === 3 ? null : { labelled: 40, accuracy: acc, precision: 0.96, recall: 0.99, f1: 0.975, balancedAccuracy: acc - 0.01, poisonousCalledEdible: b > 30 ? 1 : 0 },
      estimated: { accuracy: acc + 0.005, lower: acc - 0.015, upper: acc + 0.02 },
      reconstruction: 4 + rng() * 0.6 + (b > 25 ? 1.5 : 0),
    };
  });
  const pc = (j: number): ColumnDriftResult => ({ ...column(rng, { name: `PC${j + 1}`, label: `PC${j + 1}` }, j === 0, j), feature: `PC${j + 1}` });
  return {
    format: REPORT_FORMAT,
    createdAt: T0 + 50 * 3_600_000,
    timings: { driftMs: 5.7, totalMs: 420 },
    workspace: { id: 'secondary', name: evil ? `Fungi ${EVIL}` : 'Secondary Mushroom' },
    version: { id: 12, number: 3, edibleAbove: 0.97 },
    // The batch was split between production v3 and an A/B challenger, the older v2.
    answeredBy: [
      {
        versionId: 12,
        version: 3,
        rows: 3500,
        estimated: { rows: 3500, skipped: 0, accuracy: 0.971, standardError: 0.003, lower: 0.965, upper: 0.977, calledEdible: 1100, expectedFalseEdible: 6.2 },
        actual: { labelled: 1000, accuracy: 0.965, precision: 0.97, recall: 0.995, f1: 0.982, balancedAccuracy: 0.96, poisonousCalledEdible: 0 },
      },
      {
        versionId: 9,
        version: 2,
        rows: 1500,
        estimated: { rows: 1500, skipped: 0, accuracy: 0.941, standardError: 0.006, lower: 0.929, upper: 0.953, calledEdible: 450, expectedFalseEdible: 6.2 },
        actual: { labelled: 480, accuracy: 0.921, precision: 0.94, recall: 0.97, f1: 0.955, balancedAccuracy: 0.91, poisonousCalledEdible: 3 },
      },
    ],
    window: { kind: 'batch', key: 'batch:abc', label: evil ? `batch ${EVIL}.csv` : 'Batch: forest-walk.csv', rows: 5000, from: T0, to: T0 + 40 * 3_600_000 },
    reference: { source: 'data', rows: 42_748 },
    features,
    drift: {
      share: count / columns.length,
      drifted: count / columns.length >= DEFAULT_DRIFT_SHARE,
      count,
      total: columns.length,
      skipped: 0,
      shareThreshold: DEFAULT_DRIFT_SHARE,
      columns,
    },
    prediction: {
      referencePredictedPoisonous: 0.555,
      currentPredictedPoisonous: 0.61,
      currentCalledEdible: 0.31,
      probability: {
        ...column(rng, { name: 'P(poisonous)', label: 'P(poisonous)' }, true, 2),
        distribution: { kind: 'histogram', edges: Array.from({ length: 11 }, (_, i) => i / 10), reference: shares(rng, 10), current: shares(rng, 10) },
      },
    },
    target: { referencePoisonous: 0.555, labelled: 1480, currentPoisonous: 0.6, test: { z: 3.48, pvalue: 0.000502 } },
    pca: { explained: [0.214, 0.121, 0.083], reference: points(rng, 2000, 0), current: points(rng, 2000, 1.2), components: [pc(0), pc(1), pc(2)] },
    estimated: { rows: 5000, skipped: 0, accuracy: 0.962, standardError: 0.003, lower: 0.956, upper: 0.968, calledEdible: 1550, expectedFalseEdible: 12.4 },
    actual: { labelled: 1480, accuracy: 0.951, precision: 0.962, recall: 0.987, f1: 0.974, balancedAccuracy: 0.944, poisonousCalledEdible: 3 },
    history: {
      rows: 10_000,
      bucketRows: 250,
      buckets,
      swaps: [
        { at: T0 + 12 * 3_600_000, row: 3000, version: 2 },
        { at: T0 + 29 * 3_600_000, row: 7250, version: 3 },
      ],
      band: { mean: 4.3, lower: 3.6, upper: 5.0 },
    },
  };
}

/** An empty window: nothing scored, no map, no labels, no history. */
function emptyReport(): MonitorReport {
  const r = fixtureReport();
  const unscored = (c: ColumnDriftResult): ColumnDriftResult => ({
    ...c,
    score: null,
    statistic: null,
    drifted: false,
    severity: 0,
    unseen: [],
    reasons: [{ code: 'empty-current', message: `No values of ${c.feature} in the current window.` }],
    missing: { reference: 0.01, current: null, shifted: false },
    compared: { reference: 40_000, current: 0 },
    distribution:
      c.distribution.kind === 'histogram' ? { kind: 'histogram', edges: [], reference: [], current: [] } : { ...c.distribution, current: c.distribution.current.map(() => 0) },
  });
  const columns = r.drift.columns.map(unscored);
  return {
    ...r,
    window: { ...r.window, kind: 'last', label: 'Last 0 rows', rows: 0, from: null, to: null },
    answeredBy: [],
    reference: { source: 'profile', rows: 42_748 },
    drift: { share: 0, drifted: false, count: 0, total: 0, skipped: columns.length, shareThreshold: 0.5, columns },
    prediction: { referencePredictedPoisonous: null, currentPredictedPoisonous: null, currentCalledEdible: null, probability: null },
    target: { referencePoisonous: 0.555, labelled: 0, currentPoisonous: null, test: null },
    pca: null,
    estimated: { rows: 0, skipped: 0, accuracy: null, standardError: null, lower: null, upper: null, calledEdible: 0, expectedFalseEdible: 0 },
    actual: null,
    history: { rows: 0, bucketRows: 25, buckets: [], swaps: [], band: null },
  };
}

function expectSelfContained(html: string) {
  expect(html.startsWith('<!doctype html>')).toBe(true);
  expect(html).not.toMatch(/https?:\/\//i);
  expect(html).not.toMatch(/\b(src|href|xlink:href|action|srcset)\s*=/i);
  expect(html).not.toMatch(/<script|<iframe|<object|<embed|<link|<img|url\(|@import/i);
  expect(html).not.toMatch(/\bNaN\b|Infinity|undefined|\[object/);
  expect(tagProblem(html)).toBeNull();
  expect(html.match(/<svg/g)?.length ?? 0).toBe(html.match(/<\/svg>/g)?.length ?? 0);
  expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:`);
}

describe('renderReportHtml', () => {
  it('renders a Secondary-sized report as one self-contained file under 500 KB', () => {
    const html = renderReportHtml(fixtureReport());
    expectSelfContained(html);
    const kb = new TextEncoder().encode(html).length / 1024;
    console.log(`report HTML for 20 features, 2000 + 2000 map points, 40 buckets: ${kb.toFixed(1)} KB`);
    expect(kb).toBeLessThan(500);
    for (const h of HEADINGS) expect(html).toContain(`<h2>${h}</h2>`);
    expect(html).toContain(DISCLAIMER);
    expect(html).toContain(DATA_CREDIT.replace(/&/g, '&amp;'));
    expect(html).toContain('estimate (CBPE), not measured');
    expect(html).toContain('Secondary Mushroom');
    expect(html).toContain('Batch: forest-walk.csv');
    expect(html).toContain('2025-06-01 09:30 UTC');
  });

  it('keeps the table in the given order, highlights drifted rows and draws at most five full charts', () => {
    const report = fixtureReport();
    const html = renderReportHtml(report);
    const tbody = html.slice(html.indexOf('<section id="feature-drift">'), html.indexOf('<section id="drifted-features">'));
    const labels = [...tbody.matchAll(/<tr(?: class="drifted")?><td>([^<]*)<\/td>/g)].map((m) => m[1]);
    const byName = new Map(report.features.map((f) => [f.name, f]));
    expect(labels).toEqual(
      report.drift.columns.map((c) => {
        const f = byName.get(c.feature)!;
        return f.label + (f.unit ? ` (${f.unit})` : '');
      }),
    );
    expect(tbody.match(/<tr class="drifted">/g)).toHaveLength(report.drift.count);
    expect(tbody.match(/<svg width="120" height="32"/g)).toHaveLength(20);
    const charts = html.slice(html.indexOf('<section id="drifted-features">'), html.indexOf('<section id="prediction-drift">'));
    expect(charts.match(/<figure>/g)).toHaveLength(Math.min(5, report.drift.count));
    expect(tbody).toContain('Wasserstein');
    expect(tbody).toContain('(asked: psi)');
    expect(tbody).toContain('&lt; 0.05');
    expect(tbody).toContain('(shifted)');
    expect(tbody).toMatch(/bell<\/div>/);
  });

  it('shows poisonous-called-edible before the other measured metrics', () => {
    const html = renderReportHtml(fixtureReport());
    const quality = html.slice(html.indexOf('<section id="quality">'));
    expect(quality.indexOf('Poisonous called edible: 3')).toBeGreaterThan(0);
    expect(quality.indexOf('Poisonous called edible')).toBeLessThan(quality.indexOf('<dt>Accuracy</dt>'));
    expect(quality.indexOf('estimate (CBPE), not measured')).toBeLessThan(quality.indexOf('Measured quality'));
  });

  it('escapes every user- or data-supplied string', () => {
    const html = renderReportHtml(fixtureReport(true));
    expectSelfContained(html);
    expect(html).not.toContain(EVIL);
    expect(html).not.toContain(`"'&`);
    expect(html).toContain(`Fungi ${EVIL_ESCAPED}`);
    expect(html).toContain(`batch ${EVIL_ESCAPED}.csv`);
    // The code label: in the unseen-categories cell, the reason message and the chart's tooltip.
    expect(html).toContain(`${EVIL_ESCAPED} (3.1 %)`);
    expect(html).toContain(`reference: ${EVIL_ESCAPED}</div>`);
    expect(html.split(EVIL_ESCAPED).length).toBeGreaterThanOrEqual(6);
  });

  it('renders empty windows, missing sections and unscored features without throwing', () => {
    const html = renderReportHtml(emptyReport());
    expectSelfContained(html);
    for (const h of HEADINGS) expect(html).toContain(`<h2>${h}</h2>`);
    expect(html).toContain('No feature could be scored.');
    expect(html).toContain('No PCA map');
    expect(html).toContain('No production rows yet.');
    expect(html).toContain('nothing measured');
    expect(html).toContain('No values of cap-shape in the current window.');
    expect(html).not.toContain('<h3>Measured quality');
  });

  it('copes with partial data: PCA without reference, NaN test results, a lone bucket, no band', () => {
    const r = fixtureReport();
    r.pca = { explained: [], reference: null, current: { x: [0.1, 0.2], y: [0.3, NaN] }, components: [] };
    r.target = { ...r.target, test: { z: NaN, pvalue: NaN } };
    r.history = { ...r.history, buckets: r.history.buckets.slice(0, 1).map((b) => ({ ...b, actual: null, reconstruction: null })), swaps: [], band: null };
    r.features = [];
    r.workspace.name = '';
    const html = renderReportHtml(r);
    expectSelfContained(html);
    expect(html).toContain('No component drift tests');
    expect(html).toContain('cap-shape');
  });
});

describe('renderReportHtml names who answered the window', () => {
  const between = (html: string, from: string, to: string) => html.slice(html.indexOf(from), html.indexOf(to));

  it('names each version with its count, says the window-wide figures mix them, and gives each its own quality', () => {
    const html = renderReportHtml(fixtureReport());
    expect(html).toContain('<dt>Rows answered by</dt><dd><span id="answered-by">v3 (3,500) and v2 (1,500)</span></dd>');
    expect(html).toContain('<dt>Production version</dt><dd>v3 ');
    const mixed = '<strong>Mixed versions:</strong>';
    expect(between(html, '<section id="prediction-drift">', '<section id="target-drift">')).toContain(
      `${mixed} the current probabilities and verdicts are over the answers of v3 (3,500) and v2 (1,500) together`,
    );
    const quality = between(html, '<section id="quality">', '<section id="pca">');
    expect(quality.match(/Mixed versions:/g)).toHaveLength(2); // next to the estimate and next to the measured figures
    expect(quality).toContain(`${mixed} this estimate is over the answers of v3 (3,500) and v2 (1,500) together`);
    expect(quality).toContain('<h3>Per version (each on the rows it answered)</h3>');
    expect(quality).toContain('<tr data-version="3"><td>v3</td><td class="num">3,500</td><td class="num">97.1 %');
    expect(quality).toContain('<tr data-version="2"><td>v2</td><td class="num">1,500</td><td class="num">94.1 %');
    expect(quality).toMatch(/<tr data-version="2">.*<td class="num">480<\/td><td class="num">92\.1 %<\/td><td class="num">3<\/td><\/tr>/);
  });

  it('has no mixed note and no per-version table when one version answered it all', () => {
    const r = fixtureReport();
    r.answeredBy = [{ ...r.answeredBy[0], rows: 5000 }];
    const html = renderReportHtml(r);
    expectSelfContained(html);
    expect(html).toContain('<span id="answered-by">v3 (5,000)</span>');
    expect(html).not.toContain('Mixed versions');
    expect(html).not.toContain('Per version');
  });

  it('says "no rows" for an empty window and "not recorded" for a report saved before reports named them', () => {
    expect(renderReportHtml(emptyReport())).toContain('<span id="answered-by">no rows</span>');
    const old = { ...fixtureReport(), answeredBy: [] };
    const html = renderReportHtml(old);
    expectSelfContained(html);
    expect(html).toContain('<span id="answered-by">not recorded in this saved report</span>');
    expect(html).not.toContain('Mixed versions');
  });
});

describe('formatP', () => {
  it('uses exponent form below 0.001', () => {
    expect(formatP(0.0312)).toBe('0.0312');
    expect(formatP(0.001)).toBe('0.001');
    expect(formatP(0.000502)).toBe('5.02e-4');
    expect(formatP(1e-12)).toBe('1e-12');
    expect(formatP(0)).toBe('&lt; 1e-300');
    expect(formatP(null)).toBe('—');
    expect(formatP(NaN)).toBe('—');
  });
});
