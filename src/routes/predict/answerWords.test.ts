import { describe, expect, it } from 'vitest';
import { leadRest, reasonsInWords } from './answerWords';

const c = (label: string, value: string, contribution: number) => ({ feature: label, label, value, contribution });

describe('answer in words', () => {
  it('leads with what to do: do not eat, or which fields to check first', () => {
    expect(leadRest('poisonous', [])).toBe(' — do not eat.');
    expect(leadRest('uncertain', [{ label: 'Gill size' }, { label: 'Habitat' }, { label: 'Ring type' }])).toBe(': check the gill size or habitat first.');
    expect(leadRest('uncertain', [{ label: 'Gill size' }])).toBe(': check the gill size first.');
    expect(leadRest('uncertain', [])).toBe('.');
    expect(leadRest('edible', [])).toMatch(/expert/);
  });

  it('gives the answers that pushed most towards the decision, and a strong one against it', () => {
    const contributions = [c('Odour', 'foul', 0.4), c('Gill size', 'narrow', 0.1), c('Spore print colour', 'white', -0.15), c('Habitat', 'woods', 0.005)];
    expect(reasonsInWords(contributions, 'poisonous')).toBe(
      'Its odour (foul) and its gill size (narrow) point to poisonous. Only its spore print colour (white) points to edible.',
    );
    expect(reasonsInWords([c('Odour', 'none', -0.3)], 'edible')).toBe('Its odour (none) points to edible.');
    // An uncertain answer is treated as poisonous: its reasons are what points that way.
    expect(reasonsInWords([c('Odour', 'none', -0.3), c('Cap diameter', '12.5', 0.05)], 'uncertain')).toBe(
      'Its cap diameter (12.5) points to poisonous. Only its odour (none) points to edible.',
    );
  });

  it('says nothing rather than something weak', () => {
    expect(reasonsInWords([c('Habitat', 'woods', 0.01)], 'poisonous')).toBeNull();
    expect(reasonsInWords([], 'edible')).toBeNull();
  });
});
