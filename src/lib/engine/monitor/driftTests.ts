import { EngineError } from '../errors';
import { chiSquareContingency, chiSquareGoodnessOfFit } from '../stats/chiSquare';
import { checkCounts, divergence, type DivergenceId } from '../stats/divergences';
import { ksTwoSample } from '../stats/kolmogorovSmirnov';
import { twoProportionZTest } from '../stats/proportions';
import { wassersteinDistance, WASSERSTEIN_MIN_NORM } from '../stats/wasserstein';
import { alignCounts, alignedProportions } from './alignedCounts';
import type { ColumnSummary, NumericColumnSummary } from './columnSummary';
import type { DriftColumnType, DriftTestId } from './driftTypes';
import { numericHellinger } from './numericHellinger';

/**
 * The registry of drift statistics (Evidently's StatTest registry): each a pure function of two
 * column summaries with a descriptor saying what it returns, when it means drift and which
 * columns it applies to. Callers guarantee both summaries are the same kind and non-empty.
 */
export interface DriftScore {
  /** p-value ('test') or distance ('distance'). */
  score: number;
  statistic: number | null;
}

export interface DriftTestDescriptor {
  id: DriftTestId;
  label: string;
  /** 'test': drifted when p < threshold. 'distance': drifted when score ≥ threshold. */
  kind: 'test' | 'distance';
  defaultThreshold: number;
  /** A binary column also accepts the tests of its schema kind. */
  columnTypes: readonly DriftColumnType[];
  /** null when the statistic is undefined on these data (the caller falls back and says why). */
  compute(reference: ColumnSummary, current: ColumnSummary): DriftScore | null;
}

const BOTH: readonly DriftColumnType[] = ['numeric', 'categorical'];

/** columnDrift checks applicability first, so reaching the throw is a bug in the caller, not bad data. */
function numeric(s: ColumnSummary): NumericColumnSummary {
  if (s.kind !== 'numeric') throw new EngineError('internal', `A numeric drift test was given the categorical column "${s.name}".`, { column: s.name });
  return s;
}

/**
 * A distance on the aligned shares of both windows (binned as Evidently's `get_binned_data` for a
 * numeric column). Degenerate counts or shares (NaN from a damaged summary, all zeros) throw EngineError.
 */
function onProportions(id: DivergenceId) {
  return (reference: ColumnSummary, current: ColumnSummary): DriftScore => {
    if (reference.kind !== current.kind) {
      throw new EngineError('internal', `Column "${reference.name}" is ${reference.kind} in the reference but ${current.kind} in the current window.`, { column: reference.name });
    }
    const a = alignCounts(reference, current);
    checkCounts(id, a.reference, a.current);
    const p = alignedProportions(a);
    return { score: divergence(id, p.reference, p.current), statistic: null };
  };
}

export const DRIFT_TESTS: Readonly<Record<DriftTestId, DriftTestDescriptor>> = {
  ks: {
    id: 'ks',
    label: 'Kolmogorov–Smirnov',
    kind: 'test',
    defaultThreshold: 0.05,
    columnTypes: ['numeric'],
    compute(reference, current) {
      const r = ksTwoSample(numeric(reference).sample, numeric(current).sample);
      return { score: r.pvalue, statistic: r.statistic };
    },
  },
  chisquare: {
    id: 'chisquare',
    label: 'Chi-square goodness of fit',
    kind: 'test',
    defaultThreshold: 0.05,
    columnTypes: BOTH,
    compute(reference, current) {
      const a = alignCounts(reference, current);
      const r = chiSquareGoodnessOfFit(a.current, a.reference);
      return r && { score: r.pvalue, statistic: r.statistic };
    },
  },
  chisquare_contingency: {
    id: 'chisquare_contingency',
    label: 'Chi-square contingency (2 × k)',
    kind: 'test',
    defaultThreshold: 0.05,
    columnTypes: BOTH,
    compute(reference, current) {
      const a = alignCounts(reference, current);
      const r = chiSquareContingency(a.reference, a.current);
      return r && { score: r.pvalue, statistic: r.statistic };
    },
  },
  ztest: {
    id: 'ztest',
    label: 'Two-proportion Z test',
    kind: 'test',
    defaultThreshold: 0.05,
    columnTypes: ['binary'],
    compute(reference, current) {
      const a = alignCounts(reference, current);
      if (a.keys.length > 2) return null;
      // One value in both windows: identical, as Evidently scores it (p = 1).
      if (a.keys.length < 2) return { score: 1, statistic: 0 };
      const r = twoProportionZTest([a.reference[0], a.current[0]], [a.nReference, a.nCurrent]);
      return { score: r.pvalue, statistic: r.z };
    },
  },
  wasserstein: {
    id: 'wasserstein',
    label: 'Wasserstein distance (normed)',
    kind: 'distance',
    defaultThreshold: 0.1,
    columnTypes: ['numeric'],
    compute(reference, current) {
      const ref = numeric(reference);
      const raw = wassersteinDistance(ref.sample, numeric(current).sample);
      return { score: raw / Math.max(ref.std, WASSERSTEIN_MIN_NORM), statistic: raw };
    },
  },
  jensenshannon: {
    id: 'jensenshannon',
    label: 'Jensen–Shannon distance',
    kind: 'distance',
    defaultThreshold: 0.1,
    columnTypes: BOTH,
    compute: onProportions('jensenshannon'),
  },
  psi: {
    id: 'psi',
    label: 'Population stability index',
    kind: 'distance',
    defaultThreshold: 0.1,
    columnTypes: BOTH,
    compute: onProportions('psi'),
  },
  kl: {
    id: 'kl',
    label: 'Kullback–Leibler divergence',
    kind: 'distance',
    defaultThreshold: 0.1,
    columnTypes: BOTH,
    compute: onProportions('kl'),
  },
  hellinger: {
    id: 'hellinger',
    label: 'Hellinger distance',
    kind: 'distance',
    defaultThreshold: 0.1,
    columnTypes: BOTH,
    // A numeric column is always binned, on Evidently's own Hellinger bins (see numericHellinger.ts), not get_binned_data's.
    compute(reference, current) {
      if (reference.kind === 'numeric' && current.kind === 'numeric') return { score: numericHellinger(reference.sample, current.sample).distance, statistic: null };
      return onProportions('hellinger')(reference, current);
    },
  },
};

export function isDriftTestId(id: unknown): id is DriftTestId {
  return typeof id === 'string' && Object.hasOwn(DRIFT_TESTS, id);
}

export function appliesTo(test: DriftTestDescriptor, kind: 'numeric' | 'categorical', type: DriftColumnType): boolean {
  return test.columnTypes.includes(type) || test.columnTypes.includes(kind);
}
