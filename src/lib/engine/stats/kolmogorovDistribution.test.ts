import { describe, expect, it } from 'vitest';
import { kolmogorovSf } from './kolmogorovDistribution';
import { ksTwoSample } from './kolmogorovSmirnov';
import { sortedSample } from './sortedSample';

/**
 * Golden values from SciPy 1.17.1 (`kstwo.sf`, `ks_2samp`), whose Kolmogorov distribution code
 * (_ksstats.py, cephes smirnov) is the one 1.10 shipped. The drift oracle only exercises the exact
 * two-sample path, so these cover the asymptotic one, every branch of it.
 */
const KSTWO_SF: [n: number, x: number, sf: number][] = [
  [200, 0.004, 1.0], // Ruben–Gambino, t ≤ 1
  [200, 0.6, 2.2284451128877564e-69], // x ≥ 0.5: 2 × Smirnov
  [200, 0.996, 0.0], // t ≥ n − 1
  [200, 0.03660601043544626, 0.9424392310281335], // Durbin matrix
  [200, 0.07071067811865475, 0.2576525636322208], // Pelz–Good
  [200, 0.1224744871391589, 0.004506293860968316], // 2 × Smirnov
  [50, 0.1, 0.6623112704658186], // n ≤ 140, Durbin
  [50, 0.2, 0.03143877776953241], // n ≤ 140, Pomeranz in SciPy, Durbin here
  [50, 0.34641016151377546, 7.274359725462303e-6], // n ≤ 140, 2 × Smirnov
  [50, 0.7, 4.405451055671056e-25],
  [9600, 0.007216878364870323, 0.6965413705271779],
  [9600, 0.014433756729740645, 0.03627688936574103],
  [9600, 0.017677669529663688, 0.004898056483469647],
  [9600, 0.05590169943749474, 1.620459855925324e-26],
  [9600, 0.2041241452319315, 0.0],
  [1, 0.7, 0.6000000000000001],
  [2, 0.3, 0.98],
  [2, 0.6, 0.32000000000000006],
  [140, 0.1, 0.11353657290090946],
  [140, 0.2, 2.1981563302200222e-5],
  [141, 0.1, 0.11128445516467933],
  [141, 0.2, 2.0276784223976912e-5],
];

describe('kolmogorovSf (SciPy kstwo.sf)', () => {
  it.each(KSTWO_SF)('n = %i, x = %f', (n, x, sf) => {
    expect(Math.abs(kolmogorovSf(x, n) - sf)).toBeLessThanOrEqual(1e-9 * sf + 1e-300);
  });

  it('is 1 at 0, 0 at 1, NaN for a non-integer n', () => {
    expect(kolmogorovSf(0, 10)).toBe(1);
    expect(kolmogorovSf(1, 10)).toBe(0);
    expect(kolmogorovSf(0.3, 2.5)).toBeNaN();
  });
});

describe('ksTwoSample, asymptotic path (SciPy ks_2samp, max(n1, n2) > 10,000)', () => {
  // Deterministic samples that Python builds the same way (np.round(…, 3)).
  const round3 = (v: number) => Math.round(v * 1000) / 1000;
  const a = Array.from({ length: 12000 }, (_, i) => round3(Math.sin(i * 0.37) * 3 + (i % 7) * 0.1));
  const b = Array.from({ length: 3000 }, (_, j) => round3(Math.sin(j * 0.53) * 3.2 + (j % 5) * 0.1 + 0.05));
  const cases: [string, number[], number[], number, number][] = [
    ['12000 vs 3000', a, b, 0.07541666666666667, 2.5622684636774472e-12],
    ['12000 vs 100 (n ≤ 140, Smirnov)', a, b.slice(0, 100).map((v) => v * 1.3 + 0.4), 0.27375000000000005, 4.777806711661786e-7],
    ['12000 vs 60 (n ≤ 140, Durbin)', a, b.slice(0, 60).map((v) => v * 1.3 + 0.4), 0.25708333333333333, 0.0005515504575105412],
    ['12000 vs 20', a, b.slice(0, 20).map((v) => v * 1.3 + 0.4), 0.30000000000000004, 0.04306706665851756],
  ];
  it.each(cases)('%s', (_, x, y, statistic, pvalue) => {
    const r = ksTwoSample(sortedSample(x), sortedSample(y));
    expect(r.method).toBe('asymp');
    expect(r.statistic).toBeCloseTo(statistic, 12);
    // Our round3 and NumPy's rounding of sin() may differ in the last ulp; the p-values agree far below any decision.
    expect(Math.abs(r.pvalue - pvalue)).toBeLessThanOrEqual(1e-6 * pvalue);
  });

  it('stays exact up to 10,000 values per sample (10000 vs 7000; SciPy 1.17.1 golden, same exact algorithm as 1.10)', () => {
    const c = [...b, ...b, ...b].slice(0, 7000);
    const r = ksTwoSample(sortedSample(a.slice(0, 10000)), sortedSample(c));
    expect(r.method).toBe('exact');
    expect(r.statistic).toBeCloseTo(0.07554285714285715, 12);
    expect(Math.abs(r.pvalue - 7.045441394167118e-21)).toBeLessThanOrEqual(1e-6 * 7.045441394167118e-21);
  });
});
