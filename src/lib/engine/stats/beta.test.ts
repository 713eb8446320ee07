import { describe, expect, it } from 'vitest';
import { binomialSf, regularizedBeta } from './beta';

describe('regularizedBeta', () => {
  // Reference values from SciPy 1.x: scipy.stats.beta.cdf(x, a, b).
  it.each([
    [0.01, 1, 298, 0.9499633771336743],
    [0.01, 1, 299, 0.9504637433623375],
    [0.01, 5, 900, 0.947202276635435],
    [0.01, 39, 5045, 0.9634097856496726],
    [0.3, 2.5, 4, 0.3521975859067672],
    [0.5, 10, 10, 0.5],
    [0.9, 3, 0.5, 0.44541555534797056],
    [0.001, 1, 5000, 0.9932788880401344],
    [0.01, 20, 1000, 0.004034423168324762],
  ])('I_%f(%f, %f) matches SciPy', (x, a, b, expected) => {
    expect(regularizedBeta(x, a, b)).toBeCloseTo(expected, 12);
  });

  it('is 0 at 0, 1 at 1 and NaN outside its domain', () => {
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
    expect(regularizedBeta(-0.1, 2, 3)).toBeNaN();
    expect(regularizedBeta(0.5, 0, 3)).toBeNaN();
  });
});

describe('binomialSf', () => {
  // SciPy: scipy.stats.binom.sf(k - 1, n, p) = P(X ≥ k).
  it.each([
    [1, 299, 0.01, 0.9504637433623375],
    [3, 587, 0.01, 0.93291458063068],
    [40, 5083, 0.01, 0.9492990769695507],
    [0, 10, 0.5, 1],
    [5, 10, 0.5, 0.623046875],
  ])('P(X ≥ %i) for X ~ Binomial(%i, %f) matches SciPy', (k, n, p, expected) => {
    expect(binomialSf(k, n, p)).toBeCloseTo(expected, 12);
  });

  it('is 0 above n', () => expect(binomialSf(11, 10, 0.5)).toBe(0));
});
