import type { Dataset } from '../data/dataset';
import type { WorkspaceSchema } from '../data/schema';
import type { FeatureInput } from './explain';

/** Numbers count as the same answer within this share of the given value. */
export const NUMERIC_MATCH_TOLERANCE = 0.1;

export interface ReferenceMatch {
  /** Reference rows that share every given answer. */
  rows: number;
  edible: number;
  poisonous: number;
  /** How many answers were compared (the fields given). */
  fields: number;
}

/**
 * How many mushrooms of the reference data share the answers given, and their classes: a check on
 * the model a forager can read. A categorical answer matches the same code (a reference row missing
 * that field does not match); a number matches within NUMERIC_MATCH_TOLERANCE of it. One pass over
 * typed columns, so it holds at a million rows.
 */
export function matchReference(schema: WorkspaceSchema, reference: Dataset, input: FeatureInput): ReferenceMatch {
  const tests: ((row: number) => boolean)[] = [];
  schema.features.forEach((f, j) => {
    const raw = input[f.name];
    if (raw === null || raw === undefined || raw === '') return;
    const col = reference.columns[j];
    if (f.kind === 'categorical' && col.kind === 'categorical') {
      const code = f.codes.findIndex((c) => c.code === raw || c.label === raw);
      const values = col.values;
      tests.push((r) => values[r] === code); // -1 (not a code) matches nothing, nor does a missing value
    } else if (col.kind === 'numeric') {
      const v = Number(raw);
      const tolerance = Math.abs(v) * NUMERIC_MATCH_TOLERANCE;
      const values = col.values;
      tests.push((r) => Math.abs(values[r] - v) <= tolerance); // NaN (missing) never matches
    }
  });
  let rows = 0;
  let poisonous = 0;
  for (let r = 0; r < reference.rows; r++) {
    let all = true;
    for (let t = 0; t < tests.length && all; t++) all = tests[t](r);
    if (all) {
      rows++;
      poisonous += reference.label[r];
    }
  }
  return { rows, edible: rows - poisonous, poisonous, fields: tests.length };
}
