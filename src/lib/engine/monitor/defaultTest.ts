import type { DriftColumnType, DriftTestId } from './driftTypes';

/** Evidently switches from tests to distances above this many (non-missing) reference values. */
export const SMALL_REFERENCE_MAX_ROWS = 1000;
/** A numeric column with at most this many distinct values is treated as categorical. */
export const FEW_VALUES_MAX = 5;

/**
 * Evidently's default test for one feature (`_get_default_stattest`), where `distinct` counts the
 * distinct non-missing values over both windows:
 * - reference ≤ 1000 values: KS for numeric with > 5 distinct values; otherwise χ² goodness of fit,
 *   or the two-proportion Z test when there are at most 2 distinct values;
 * - reference > 1000 values: normed Wasserstein for numeric with > 5 distinct values; otherwise
 *   Jensen–Shannon distance.
 */
export function defaultDriftTest(referenceCount: number, kind: 'numeric' | 'categorical', distinct: number): DriftTestId {
  const manyValues = kind === 'numeric' && distinct > FEW_VALUES_MAX;
  if (referenceCount <= SMALL_REFERENCE_MAX_ROWS) {
    if (manyValues) return 'ks';
    return distinct > 2 ? 'chisquare' : 'ztest';
  }
  return manyValues ? 'wasserstein' : 'jensenshannon';
}

/** 'binary' when at most two distinct values occur across both windows, else the schema kind. */
export function driftColumnType(kind: 'numeric' | 'categorical', distinct: number): DriftColumnType {
  return distinct <= 2 ? 'binary' : kind;
}
