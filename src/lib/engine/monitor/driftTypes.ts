/** Shared shapes of per-feature drift: what the registry computes and what a report shows. */

export type DriftTestId = 'ks' | 'chisquare' | 'chisquare_contingency' | 'ztest' | 'wasserstein' | 'jensenshannon' | 'psi' | 'kl' | 'hellinger';

export const DRIFT_TEST_IDS: readonly DriftTestId[] = ['ks', 'chisquare', 'chisquare_contingency', 'ztest', 'wasserstein', 'jensenshannon', 'psi', 'kl', 'hellinger'];

/**
 * How drift sees a column: its schema kind, or 'binary' when at most two distinct values occur
 * across both windows (Evidently then uses the two-proportion Z test).
 */
export type DriftColumnType = 'numeric' | 'categorical' | 'binary';

/**
 * Why a result is missing a score, used another test than asked, or deserves a second look.
 * The UI matches on the code; the message is for people.
 */
export type DriftReasonCode =
  /** No non-missing reference values: nothing to compare against. */
  | 'empty-reference'
  /** No non-missing values in the current window. */
  | 'empty-current'
  /** The reference summary and the current column are not the same kind (numeric vs categorical). */
  | 'kind-mismatch'
  /** One and the same value in both windows: no drift is possible (informational). */
  | 'constant'
  /** Categories in the current window that the reference never saw (listed in `unseen`). */
  | 'unseen-categories'
  /** The chosen test has no value on these data (χ² goodness of fit with unseen categories); another was used. */
  | 'test-undefined'
  /** The requested test does not apply to this column type; the default was used. */
  | 'test-not-applicable'
  /** The requested test id is not one we know; the default was used. */
  | 'unknown-test'
  /** The threshold given is unusable (not finite, or a p-value cut outside (0, 1)); the default was used. */
  | 'invalid-threshold';

export interface DriftReason {
  code: DriftReasonCode;
  message: string;
}

/** A small picture of both windows for a table sparkline: shares of each side's non-missing values. */
export type MiniDistribution =
  | { kind: 'histogram'; edges: number[]; reference: number[]; current: number[] }
  /** keys are category codes; −1 gathers the categories beyond the first few ("other"). */
  | { kind: 'categories'; keys: number[]; reference: number[]; current: number[] };

export interface ColumnDriftResult {
  feature: string;
  kind: 'numeric' | 'categorical';
  type: DriftColumnType;
  /** The test that produced `score` (after any fallback). */
  test: DriftTestId;
  /** Set when the requested test could not be used; `reasons` says why. */
  requestedTest?: string;
  testKind: 'test' | 'distance';
  /** p-value for a test, distance for a distance; null when nothing could be computed. */
  score: number | null;
  /** The test's own statistic (KS D, χ², z, raw W1), when it has one. */
  statistic: number | null;
  threshold: number;
  drifted: boolean;
  /** Comparable across tests: ≥ 1 means at or past the threshold (see severity.ts). */
  severity: number;
  reasons: DriftReason[];
  /** Missing share of each window: its own signal, reported beside the test. */
  missing: { reference: number | null; current: number | null; shifted: boolean };
  /** Non-missing values compared on each side. */
  compared: { reference: number; current: number };
  /** Categories (codes) or, for a numeric column compared by value, values absent from the reference, with their share of current non-missing values. */
  unseen: { key: number; share: number }[];
  distribution: MiniDistribution;
}

export interface DriftOptions {
  /** One test for every feature instead of Evidently's default choice. */
  test?: DriftTestId;
  /** Per-feature test, by feature name; wins over `test`. */
  tests?: Record<string, DriftTestId>;
  /** Per-test thresholds instead of the registry defaults. */
  thresholds?: Partial<Record<DriftTestId, number>>;
  /** Per-feature thresholds, by feature name; win over `thresholds`. */
  featureThresholds?: Record<string, number>;
  /** |current − reference| missing share at or above which `missing.shifted` is set (default 0.05). */
  missingShareDelta?: number;
  /** Bins of the numeric mini-histogram (default 10). */
  histogramBins?: number;
}
