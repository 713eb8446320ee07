import { describe, expect, it } from 'vitest';
import { erfc, normalCdf, normalQuantile, normalSf } from './normal';

function expectRel(actual: number, expected: number, what: string, rtol = 1e-12) {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(rtol * Math.abs(expected));
}

// Reference values: SciPy 1.17 (scipy.stats.norm, scipy.special.erfc), printed with repr.
describe('normal distribution against SciPy', () => {
  it.each([
    [5, 2.866515718791933e-7],
    [10, 7.61985302416047e-24],
    [30, 4.906713927147908e-198],
  ])('normalSf(%d) keeps full relative precision in the far tail', (z, expected) => {
    expectRel(normalSf(z), expected, `sf(${z})`);
  });

  it('normalCdf at familiar points', () => {
    expect(normalCdf(0)).toBe(0.5);
    expectRel(normalCdf(-1.96), 0.024997895148220435, 'cdf(-1.96)');
    expectRel(normalCdf(1), 0.8413447460685429, 'cdf(1)');
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalSf(Infinity)).toBe(0);
  });

  it('erfc is 1 at 0, 2 at −∞ and symmetric: erfc(−x) = 2 − erfc(x)', () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(-Infinity)).toBe(2);
    for (const x of [0.2, 0.46875, 0.5, 1.7, 3.9, 4.5]) expectRel(erfc(-x), 2 - erfc(x), `erfc(-${x})`, 1e-15);
  });

  it.each([
    [0.975, 1.959963984540054],
    [0.8, 0.8416212335729143],
    [1e-10, -6.361340902404056],
    [0.999999, 4.753424308817087],
  ])('normalQuantile(%d)', (p, expected) => {
    expectRel(normalQuantile(p), expected, `ppf(${p})`, 1e-13);
  });

  it('normalQuantile inverts normalCdf and handles the ends', () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(-0.1)).toBeNaN();
    expect(normalQuantile(1.1)).toBeNaN();
    for (const p of [1e-300, 1e-8, 0.001, 0.02425, 0.3, 0.6, 0.97]) expectRel(normalCdf(normalQuantile(p)), p, `cdf(ppf(${p}))`, 1e-13);
  });
});
