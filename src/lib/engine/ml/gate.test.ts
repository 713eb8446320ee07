import { describe, expect, it } from 'vitest';
import { gateRetrained, type GateScores } from './gate';

const y = Uint8Array.of(1, 1, 0, 0);
const t = { edibleAbove: 0.9 };
const scores = (p: number[], fb: number[]): GateScores => ({ test: { y, p }, feedback: { y: Uint8Array.of(1, 0), p: fb }, threshold: t });

describe('gateRetrained', () => {
  const production = scores([0.9, 0.8, 0.1, 0.6], [0.4, 0.2]); // 3 of 4 right, feedback 1 of 2 right

  it('promotes a candidate that is not worse on every count', () => {
    const v = gateRetrained(production, scores([0.9, 0.8, 0.1, 0.2], [0.7, 0.2]));
    expect(v.passed).toBe(true);
    expect(v.reason).toContain('accuracy 1.0000 vs 0.7500');
  });

  it('holds a less accurate candidate, or one that calls a poisonous test row edible, or misses feedback rows', () => {
    expect(gateRetrained(production, scores([0.9, 0.4, 0.1, 0.6], [0.7, 0.2])).reason).toContain('less accurate');
    const falseEdible = gateRetrained(production, scores([0.9, 0.05, 0.1, 0.2], [0.7, 0.2]));
    expect(falseEdible.passed).toBe(false);
    expect(falseEdible.reason).toContain('calls more poisonous mushrooms edible');
    expect(gateRetrained(production, scores([0.9, 0.8, 0.1, 0.6], [0.4, 0.6])).reason).toContain('gets fewer feedback rows right');
  });

  it('lets an equal candidate through (not worse is enough)', () => {
    expect(gateRetrained(production, production).passed).toBe(true);
  });
});
