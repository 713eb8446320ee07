import type { ColumnData } from '../data/dataset';
import { columnDrift } from './columnDrift';
import type { ReferenceSummary } from './columnSummary';
import type { ColumnDriftResult, DriftOptions } from './driftTypes';

/** Evidently's DatasetDriftMetric default: the data set drifted when at least half its features did. */
export const DEFAULT_DRIFT_SHARE = 0.5;

export interface DatasetDrift {
  /** Drifted features / features with a score. */
  share: number;
  drifted: boolean;
  /** Drifted features. */
  count: number;
  /** Features with a score (the denominator of `share`). */
  total: number;
  /** Features that could not be scored (empty window, kind mismatch…): see their reasons. */
  skipped: number;
  shareThreshold: number;
  /** Per-feature results, most severe first; unscored ones last, in their original order. */
  columns: ColumnDriftResult[];
}

/**
 * The data-set verdict from per-feature results. Features without a score are left out of the
 * share rather than counted as "not drifted", so an all-missing column cannot dilute the share.
 */
export function datasetDrift(results: readonly ColumnDriftResult[], shareThreshold = DEFAULT_DRIFT_SHARE): DatasetDrift {
  const scored = results.filter((r) => r.score !== null);
  const count = scored.filter((r) => r.drifted).length;
  const total = scored.length;
  const share = total > 0 ? count / total : 0;
  const threshold = Number.isFinite(shareThreshold) ? shareThreshold : DEFAULT_DRIFT_SHARE;
  return {
    share,
    drifted: total > 0 && share >= threshold,
    count,
    total,
    skipped: results.length - total,
    shareThreshold: threshold,
    columns: sortBySeverity(results),
  };
}

/** Most severe first; drifted before not drifted at equal severity; unscored last. Stable otherwise. */
export function sortBySeverity(results: readonly ColumnDriftResult[]): ColumnDriftResult[] {
  return results
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const scoredA = a.r.score !== null ? 1 : 0;
      const scoredB = b.r.score !== null ? 1 : 0;
      return scoredB - scoredA || b.r.severity - a.r.severity || Number(b.r.drifted) - Number(a.r.drifted) || a.i - b.i;
    })
    .map(({ r }) => r);
}

/**
 * A whole drift report: every reference feature against the current column of the same name.
 * A feature the window lacks is scored as an empty window (reason 'empty-current'), never skipped silently.
 */
export function driftReport(reference: ReferenceSummary, current: readonly ColumnData[], options: DriftOptions = {}, shareThreshold = DEFAULT_DRIFT_SHARE): DatasetDrift {
  const byName = new Map(current.map((c) => [c.name, c]));
  const results = reference.columns.map((ref) => {
    const empty: ColumnData =
      ref.kind === 'numeric' ? { name: ref.name, kind: 'numeric', values: new Float64Array(0) } : { name: ref.name, kind: 'categorical', values: new Uint8Array(0) };
    return columnDrift(ref, byName.get(ref.name) ?? empty, options);
  });
  return datasetDrift(results, shareThreshold);
}
