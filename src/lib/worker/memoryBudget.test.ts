import { describe, expect, it } from 'vitest';
import { trainingMemoryBudget } from './memoryBudget';

describe('trainingMemoryBudget', () => {
  it("takes a quarter of the device memory Chromium reports, and an 8 GB device's share where none is reported", () => {
    expect(trainingMemoryBudget(8)).toBe(2 * 2 ** 30);
    expect(trainingMemoryBudget(2)).toBe(0.5 * 2 ** 30);
    expect(trainingMemoryBudget(0.5)).toBe(128 * 2 ** 20);
    expect(trainingMemoryBudget(undefined)).toBe(2 * 2 ** 30);
    expect(trainingMemoryBudget(Number.NaN)).toBe(2 * 2 ** 30);
  });
});
