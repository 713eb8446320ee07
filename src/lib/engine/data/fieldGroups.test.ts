import { describe, expect, it } from 'vitest';
import { fieldGroups } from './fieldGroups';
import { BUILTIN_SCHEMAS } from './builtinSchemas';

const [uci, secondary] = BUILTIN_SCHEMAS;

describe('fieldGroups', () => {
  it('puts every field of both built-in schemas in exactly one part of the mushroom, none in "Other"', () => {
    for (const schema of [uci, secondary]) {
      const groups = fieldGroups(schema);
      const names = groups.flatMap((g) => g.fields.map((f) => f.name));
      expect(names.sort()).toEqual(schema.features.map((f) => f.name).sort());
      expect(groups.map((g) => g.id)).not.toContain('other');
    }
    expect(fieldGroups(uci).map((g) => g.label)).toEqual(['Cap', 'Smell and bruising', 'Gills', 'Stalk', 'Veil and ring', 'Spores', 'Where and when it grows']);
    expect(fieldGroups(secondary).find((g) => g.id === 'stalk')!.fields.map((f) => f.name)).toEqual(['stem-height', 'stem-width', 'stem-root', 'stem-surface', 'stem-color']);
  });

  it('leads with the group and the field that matter most to the model', () => {
    const importance = new Map([
      ['odor', 0.5],
      ['spore-print-color', 0.3],
      ['gill-size', 0.2],
      ['gill-color', 0.25],
    ]);
    const groups = fieldGroups(uci, importance);
    expect(groups.map((g) => g.id).slice(0, 3)).toEqual(['senses', 'spores', 'gills']);
    expect(groups[0].fields[0].name).toBe('odor');
    expect(groups[2].fields.map((f) => f.name).slice(0, 2)).toEqual(['gill-color', 'gill-size']);
  });

  it('keeps fields of an imported schema it cannot place under "Other"', () => {
    const schema = { ...uci, features: [...uci.features.slice(0, 2), { name: 'weight', label: 'Weight', kind: 'numeric' as const }] };
    const groups = fieldGroups(schema);
    expect(groups.at(-1)).toMatchObject({ id: 'other', label: 'Other' });
    expect(groups.at(-1)!.fields.map((f) => f.name)).toEqual(['weight']);
  });
});
