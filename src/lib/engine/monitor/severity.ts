/**
 * Drift decisions and one comparable severity for p-value tests and distances, so a report can
 * sort KS, χ², Wasserstein and Jensen–Shannon columns together. Severity ≥ 1 means "at or past
 * the threshold"; 0 means no evidence.
 * - distance: score / threshold.
 * - test: ln p / ln threshold — how many times smaller p is than the cut on a log scale
 *   (p = threshold → 1, p = threshold² → 2, p = 1 → 0). p is floored at 1e-300 so p = 0 still
 *   sorts, finitely, after every representable p.
 */
export const MIN_P = 1e-300;

export function isDrifted(kind: 'test' | 'distance', score: number | null, threshold: number): boolean {
  if (score === null || Number.isNaN(score)) return false;
  return kind === 'test' ? score < threshold : score >= threshold;
}

export function driftSeverity(kind: 'test' | 'distance', score: number | null, threshold: number): number {
  if (score === null || Number.isNaN(score)) return 0;
  if (kind === 'distance') return Math.max(0, score) / threshold;
  // max(0, ·) also turns ln 1 / ln t = −0 into 0, which JSON cannot tell apart anyway.
  return Math.max(0, Math.log(Math.min(1, Math.max(score, MIN_P))) / Math.log(threshold));
}

/** A threshold we can use: a p-value cut strictly inside (0, 1), a positive finite distance. */
export function isValidThreshold(kind: 'test' | 'distance', threshold: unknown): threshold is number {
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold <= 0) return false;
  return kind === 'distance' || threshold < 1;
}
