import type { FeatureColumn, WorkspaceSchema } from './schema';

/** A part of the mushroom, as a field guide groups what to look at. */
export interface FieldGroup {
  id: string;
  label: string;
  fields: FeatureColumn[];
}

// Matched on the field's name, so both built-in schemas and imported ones with the same names group.
const PARTS: readonly { id: string; label: string; match: RegExp }[] = [
  { id: 'cap', label: 'Cap', match: /^cap-/ },
  { id: 'gills', label: 'Gills', match: /^gill-/ },
  { id: 'stalk', label: 'Stalk', match: /^(stalk|stem)-/ },
  { id: 'ring', label: 'Veil and ring', match: /^(veil-|ring-|has-ring$)/ },
  { id: 'spores', label: 'Spores', match: /^spore-/ },
  { id: 'senses', label: 'Smell and bruising', match: /^(odou?r|bruises|does-bruise)/ },
  { id: 'place', label: 'Where and when it grows', match: /^(habitat|population|season)$/ },
];

/**
 * The schema's fields grouped by part of the mushroom. `importance` (field name → score) puts the
 * fields that matter most to the model first, and the groups holding them first; without it the
 * schema's own order stays. Fields no part claims go to "Other".
 */
export function fieldGroups(schema: WorkspaceSchema, importance: ReadonlyMap<string, number> = new Map()): FieldGroup[] {
  const groups = new Map<string, FieldGroup>();
  for (const f of schema.features) {
    const part = PARTS.find((p) => p.match.test(f.name)) ?? { id: 'other', label: 'Other' };
    let g = groups.get(part.id);
    if (!g) groups.set(part.id, (g = { id: part.id, label: part.label, fields: [] }));
    g.fields.push(f);
  }
  const score = (f: FeatureColumn) => importance.get(f.name) ?? 0;
  const out = [...groups.values()];
  // Array.prototype.sort is stable: equal scores keep the schema's order.
  for (const g of out) g.fields.sort((a, b) => score(b) - score(a));
  const best = (g: FieldGroup) => score(g.fields[0]);
  return out.sort((a, b) => best(b) - best(a));
}
