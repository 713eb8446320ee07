import { MISSING_CODE, type Dataset } from '../data/dataset';
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

/** One given answer: a code index of a categorical field (-1 = not a code), or a number. */
type Answer = { j: number; code: number } | { j: number; value: number };

/**
 * Per categorical field, the reference rows grouped by code (a counting sort), so a look-up scans
 * only the rows that share its rarest given code instead of the whole reference data. Built once
 * per reference data set: a batch of a million rows checks each against the same index.
 */
interface CodeIndex {
  /** rows[offsets[code]] … rows[offsets[code + 1] - 1] hold `code` (256 codes, MISSING_CODE last). */
  offsets: Int32Array;
  rows: Int32Array;
}
const indexes = new WeakMap<Dataset, Map<number, CodeIndex>>();

function codeIndex(reference: Dataset, j: number): CodeIndex {
  let perField = indexes.get(reference);
  if (!perField) indexes.set(reference, (perField = new Map()));
  let index = perField.get(j);
  if (index) return index;
  const values = reference.columns[j].values as Uint8Array;
  const offsets = new Int32Array(257);
  for (let r = 0; r < reference.rows; r++) offsets[values[r] + 1]++;
  for (let c = 0; c < 256; c++) offsets[c + 1] += offsets[c];
  const next = offsets.slice(0, 256);
  const rows = new Int32Array(reference.rows);
  for (let r = 0; r < reference.rows; r++) rows[next[values[r]]++] = r;
  perField.set(j, (index = { offsets, rows }));
  return index;
}

function matchAnswers(reference: Dataset, answers: Answer[]): ReferenceMatch {
  const tests: ((row: number) => boolean)[] = [];
  let narrowest: { from: number; to: number; rows: Int32Array } | null = null;
  for (const a of answers) {
    const col = reference.columns[a.j];
    if ('code' in a) {
      if (a.code < 0 || a.code >= MISSING_CODE) return { rows: 0, edible: 0, poisonous: 0, fields: answers.length };
      const index = codeIndex(reference, a.j);
      const from = index.offsets[a.code];
      const to = index.offsets[a.code + 1];
      if (!narrowest || to - from < narrowest.to - narrowest.from) narrowest = { from, to, rows: index.rows };
      const values = col.values;
      tests.push((r) => values[r] === a.code); // a reference row missing the field does not match
    } else {
      const tolerance = Math.abs(a.value) * NUMERIC_MATCH_TOLERANCE;
      const values = col.values;
      tests.push((r) => Math.abs(values[r] - a.value) <= tolerance); // NaN (missing) never matches
    }
  }
  let rows = 0;
  let poisonous = 0;
  const visit = (r: number) => {
    for (let t = 0; t < tests.length; t++) if (!tests[t](r)) return;
    rows++;
    poisonous += reference.label[r];
  };
  if (narrowest) for (let i = narrowest.from; i < narrowest.to; i++) visit(narrowest.rows[i]);
  else for (let r = 0; r < reference.rows; r++) visit(r);
  return { rows, edible: rows - poisonous, poisonous, fields: answers.length };
}

/**
 * How many mushrooms of the reference data share the answers given, and their classes: a check on
 * the model a forager can read. A categorical answer matches the same code (a reference row missing
 * that field does not match); a number matches within NUMERIC_MATCH_TOLERANCE of it.
 */
export function matchReference(schema: WorkspaceSchema, reference: Dataset, input: FeatureInput): ReferenceMatch {
  const answers: Answer[] = [];
  schema.features.forEach((f, j) => {
    const raw = input[f.name];
    if (raw === null || raw === undefined || raw === '') return;
    if (f.kind === 'categorical') answers.push({ j, code: f.codes.findIndex((c) => c.code === raw || c.label === raw) });
    else answers.push({ j, value: Number(raw) });
  });
  return matchAnswers(reference, answers);
}

/** The same look-up for row `row` of a data set in the same schema (a batch row: its missing fields are not given). */
export function matchReferenceRow(reference: Dataset, ds: Dataset, row: number): ReferenceMatch {
  const answers: Answer[] = [];
  ds.columns.forEach((c, j) => {
    const v = c.values[row];
    if (c.kind === 'categorical') {
      if (v !== MISSING_CODE) answers.push({ j, code: v });
    } else if (!Number.isNaN(v)) answers.push({ j, value: v });
  });
  return matchAnswers(reference, answers);
}
