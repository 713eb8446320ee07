import { chiSquareSf } from './special';

export interface ChiSquareResult {
  statistic: number;
  pvalue: number;
  dof: number;
}

type Counts = ArrayLike<number>;

/**
 * Pearson's goodness of fit (SciPy's `chisquare`) of the current counts against the reference
 * proportions scaled to the current total — Evidently's "chisquare" drift test. Categories absent
 * from both samples are left out (Evidently never sees them, and they would add degrees of freedom).
 * Returns null when the test is undefined: a category seen in current but never in reference has
 * expected count 0, and there is no honest finite statistic for it.
 */
export function chiSquareGoodnessOfFit(current: Counts, reference: Counts): ChiSquareResult | null {
  if (current.length !== reference.length || current.length === 0) return null;
  let nCur = 0;
  let nRef = 0;
  for (let i = 0; i < current.length; i++) {
    nCur += current[i];
    nRef += reference[i];
  }
  if (nCur === 0 || nRef === 0) return null;
  let statistic = 0;
  let k = 0;
  for (let i = 0; i < current.length; i++) {
    const expected = (reference[i] / nRef) * nCur;
    if (expected === 0) {
      if (current[i] > 0) return null;
      continue;
    }
    k++;
    statistic += (current[i] - expected) ** 2 / expected;
  }
  const dof = k - 1;
  return { statistic, pvalue: dof > 0 ? chiSquareSf(statistic, dof) : 1, dof };
}

/**
 * χ² test of homogeneity on the 2 × k table [reference; current] (SciPy's `chi2_contingency`
 * with correction=False). Categories empty in both rows are dropped, as their expected count
 * would be 0. With one category left there is nothing to compare: statistic 0, p = 1, dof 0,
 * as SciPy returns for a table with no degrees of freedom.
 */
export function chiSquareContingency(reference: Counts, current: Counts): ChiSquareResult | null {
  if (reference.length !== current.length) return null;
  let nRef = 0;
  let nCur = 0;
  let k = 0;
  for (let i = 0; i < reference.length; i++) {
    nRef += reference[i];
    nCur += current[i];
    if (reference[i] + current[i] > 0) k++;
  }
  if (nRef === 0 || nCur === 0) return null;
  const total = nRef + nCur;
  let statistic = 0;
  for (let i = 0; i < reference.length; i++) {
    const column = reference[i] + current[i];
    if (column === 0) continue;
    const eRef = (nRef * column) / total;
    const eCur = (nCur * column) / total;
    statistic += (reference[i] - eRef) ** 2 / eRef + (current[i] - eCur) ** 2 / eCur;
  }
  const dof = k - 1;
  if (dof <= 0) return { statistic: 0, pvalue: 1, dof: 0 };
  return { statistic, pvalue: chiSquareSf(statistic, dof), dof };
}
