import type { ColumnData } from '../data/dataset';
import { unionDistinctCount } from '../stats/sortedSample';
import { MAX_UNBINNED_DISTINCT } from './alignedCounts';
import { presentCount, summariseColumn, type ColumnSummary } from './columnSummary';
import { defaultDriftTest, driftColumnType } from './defaultTest';
import { appliesTo, DRIFT_TESTS, isDriftTestId, type DriftScore } from './driftTests';
import type { ColumnDriftResult, DriftOptions, DriftReason, DriftTestId } from './driftTypes';
import { DEFAULT_HISTOGRAM_BINS, miniDistribution } from './miniDistribution';
import { driftSeverity, isDrifted, isValidThreshold } from './severity';

export const DEFAULT_MISSING_SHARE_DELTA = 0.05;

/** The requested test when it exists and applies to this column, else the default (with the reason). */
function chooseTest(requested: unknown, fallback: DriftTestId, kind: ColumnSummary['kind'], type: ReturnType<typeof driftColumnType>, reasons: DriftReason[]): DriftTestId {
  if (requested === undefined) return fallback;
  if (!isDriftTestId(requested)) {
    reasons.push({ code: 'unknown-test', message: `There is no drift test called "${String(requested)}"; used ${DRIFT_TESTS[fallback].label}.` });
    return fallback;
  }
  if (!appliesTo(DRIFT_TESTS[requested], kind, type)) {
    reasons.push({ code: 'test-not-applicable', message: `${DRIFT_TESTS[requested].label} does not apply to a ${type} column; used ${DRIFT_TESTS[fallback].label}.` });
    return fallback;
  }
  return requested;
}

function unseenReason(unseen: { share: number }[]): DriftReason {
  const total = unseen.reduce((s, u) => s + u.share, 0);
  return {
    code: 'unseen-categories',
    message: `${unseen.length} ${unseen.length === 1 ? 'value' : 'values'} never seen in the reference make up ${percent(total)} of the current window.`,
  };
}

const kindMismatch = (kind: string, current: string): DriftReason => ({
  code: 'kind-mismatch',
  message: `The reference column is ${kind} but the current column is ${current}: nothing to compare.`,
});
const EMPTY_REFERENCE: DriftReason = { code: 'empty-reference', message: 'The reference has no values in this column (empty or all missing): nothing to compare against.' };
const emptyCurrent = (rows: number): DriftReason => ({
  code: 'empty-current',
  message: `${rows === 0 ? 'The current window has no rows.' : 'Every value in the current window is missing.'} The missing share is the only signal.`,
});

/**
 * Drift of one feature: the reference summary (computed once per model version) against a
 * current window. Never throws on data: an empty or all-missing window, a constant column,
 * unseen categories, NaN anywhere or a test that does not fit all come back as a result with
 * `reasons`, and `score: null` when nothing honest can be computed.
 */
export function columnDrift(reference: ColumnSummary, current: ColumnData | ColumnSummary, options: DriftOptions = {}): ColumnDriftResult {
  const cur = 'values' in current ? summariseColumn(current) : current;
  const feature = reference.name;
  const kind = reference.kind;
  const reasons: DriftReason[] = [];
  const nRef = presentCount(reference);
  const nCur = cur.kind === kind ? presentCount(cur) : 0;
  const distinct = cur.kind === kind ? distinctOverBoth(reference, cur) : distinctOverBoth(reference, reference);
  const type = driftColumnType(kind, distinct);

  const requested: unknown = options.tests?.[feature] ?? options.test;
  const test = chooseTest(requested, defaultDriftTest(nRef, kind, distinct), kind, type, reasons);
  const unseen = cur.kind === kind ? unseenInReference(reference, cur) : [];
  if (unseen.length) reasons.push(unseenReason(unseen));

  const base = {
    feature,
    kind,
    type,
    missing: missingShares(reference, cur, options.missingShareDelta ?? DEFAULT_MISSING_SHARE_DELTA),
    compared: { reference: nRef, current: nCur },
    unseen,
    distribution: miniDistribution(reference, cur.kind === kind ? cur : emptyLike(reference), options.histogramBins ?? DEFAULT_HISTOGRAM_BINS),
  };
  const finish = (id: DriftTestId, outcome: DriftScore | null): ColumnDriftResult => {
    const descriptor = DRIFT_TESTS[id];
    const threshold = thresholdFor(id, feature, options, reasons);
    const score = outcome && !Number.isNaN(outcome.score) ? outcome.score : null;
    return {
      ...base,
      ...(requested !== undefined && requested !== id ? { requestedTest: String(requested) } : {}),
      test: id,
      testKind: descriptor.kind,
      score,
      statistic: outcome && score !== null && outcome.statistic !== null && !Number.isNaN(outcome.statistic) ? outcome.statistic : null,
      threshold,
      drifted: isDrifted(descriptor.kind, score, threshold),
      severity: driftSeverity(descriptor.kind, score, threshold),
      reasons,
    };
  };

  const nothingToCompare = cur.kind !== kind ? kindMismatch(kind, cur.kind) : nRef === 0 ? EMPTY_REFERENCE : nCur === 0 ? emptyCurrent(cur.rows) : null;
  if (nothingToCompare) {
    reasons.push(nothingToCompare);
    return finish(test, null);
  }
  if (distinct === 1) reasons.push({ code: 'constant', message: 'Both windows hold one and the same value: no drift is possible.' });

  const outcome = DRIFT_TESTS[test].compute(reference, cur);
  if (outcome) return finish(test, outcome);
  // The only undefined case: χ² goodness of fit with categories the reference never saw (expected count 0).
  const alternative: DriftTestId = 'chisquare_contingency';
  reasons.push({
    code: 'test-undefined',
    message: `${DRIFT_TESTS[test].label} is undefined when the current window has values the reference never had; used the ${DRIFT_TESTS[alternative].label} test, which compares both windows' counts.`,
  });
  return finish(alternative, DRIFT_TESTS[alternative].compute(reference, cur));
}

function distinctOverBoth(a: ColumnSummary, b: ColumnSummary): number {
  if (a.kind === 'numeric' && b.kind === 'numeric') return unionDistinctCount(a.sample, b.sample);
  if (a.kind === 'categorical' && b.kind === 'categorical') {
    let k = 0;
    for (let code = 0; code < Math.max(a.counts.length, b.counts.length); code++) if ((a.counts[code] ?? 0) + (b.counts[code] ?? 0) > 0) k++;
    return k;
  }
  return 0;
}

/** Categories, or the distinct values of a numeric column compared value by value, that the reference never had. */
function unseenInReference(reference: ColumnSummary, current: ColumnSummary): { key: number; share: number }[] {
  const out: { key: number; share: number }[] = [];
  if (reference.kind === 'categorical' && current.kind === 'categorical') {
    current.counts.forEach((c, code) => {
      if (c > 0 && !(reference.counts[code] > 0)) out.push({ key: code, share: c / current.n });
    });
  } else if (reference.kind === 'numeric' && current.kind === 'numeric' && reference.sample.n > 0 && reference.sample.values.length <= MAX_UNBINNED_DISTINCT) {
    const seen = new Set(reference.sample.values);
    current.sample.values.forEach((v, i) => {
      if (!seen.has(v)) out.push({ key: v, share: current.sample.counts[i] / current.sample.n });
    });
  }
  return out;
}

function missingShares(reference: ColumnSummary, current: ColumnSummary, delta: number): ColumnDriftResult['missing'] {
  const ref = reference.rows > 0 ? reference.missing / reference.rows : null;
  const cur = current.rows > 0 ? current.missing / current.rows : null;
  return { reference: ref, current: cur, shifted: ref !== null && cur !== null && Math.abs(cur - ref) >= delta };
}

function thresholdFor(test: DriftTestId, feature: string, options: DriftOptions, reasons: DriftReason[]): number {
  const descriptor = DRIFT_TESTS[test];
  const given = options.featureThresholds?.[feature] ?? options.thresholds?.[test];
  if (given === undefined) return descriptor.defaultThreshold;
  if (isValidThreshold(descriptor.kind, given)) return given;
  if (!reasons.some((r) => r.code === 'invalid-threshold')) {
    const rule = descriptor.kind === 'test' ? 'a p-value cut between 0 and 1' : 'a positive number';
    reasons.push({ code: 'invalid-threshold', message: `Threshold ${String(given)} is not ${rule}; used ${descriptor.defaultThreshold}.` });
  }
  return descriptor.defaultThreshold;
}

function emptyLike(s: ColumnSummary): ColumnSummary {
  return s.kind === 'numeric'
    ? { name: s.name, kind: 'numeric', rows: 0, missing: 0, sample: { values: [], counts: [], n: 0 }, mean: 0, std: 0 }
    : { name: s.name, kind: 'categorical', rows: 0, missing: 0, n: 0, counts: [] };
}

const percent = (x: number) => `${(100 * x).toFixed(x < 0.001 ? 2 : 1)} %`;
