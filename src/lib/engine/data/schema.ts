/**
 * A workspace schema: every column of a data set, its kind and, for categorical columns,
 * every code with the human label shown in forms, tables and reports.
 * Built-in schemas live in `data/schemas/*.json`; inferred ones are stored with their workspace.
 */
export interface CodeLabel {
  code: string;
  label: string;
  /** Why this code is special, e.g. present in the data but absent from the source's documentation. */
  note?: string;
}

export interface CategoricalColumn {
  name: string;
  label: string;
  kind: 'categorical';
  codes: CodeLabel[];
}

export interface NumericColumn {
  name: string;
  label: string;
  kind: 'numeric';
  unit?: string;
}

export type FeatureColumn = CategoricalColumn | NumericColumn;

export interface WorkspaceSchema {
  /** Stable id, also the workspace id for built-ins: 'uci' | 'secondary' | 'custom-…'. */
  id: string;
  name: string;
  schemaVersion: 1;
  description?: string;
  /** Credit for the data set the schema describes (shown on the About page). */
  source?: { title: string; citation: string; doi?: string; licence: string };
  /** The class column. Values are always normalised to e / p; 1 = poisonous in every encoding. */
  classColumn: string;
  features: FeatureColumn[];
}

/** Tokens that mean "no value" in any column. */
export const MISSING_TOKENS = new Set(['', '?', 'NA', 'N/A', 'na', 'n/a', 'null', 'NULL', 'NaN', 'nan']);

/** Class spellings accepted on import, mapped to 0 = edible, 1 = poisonous. */
export const CLASS_VALUES: ReadonlyMap<string, 0 | 1> = new Map([
  ['e', 0],
  ['edible', 0],
  ['p', 1],
  ['poisonous', 1],
]);

export const CLASS_LABELS = ['edible', 'poisonous'] as const;

/** Column names are compared in this form, so `Cap Shape`, `cap_shape` and `cap-shape` match. */
export function normaliseColumnName(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
}

export function columnNames(schema: WorkspaceSchema): string[] {
  return [schema.classColumn, ...schema.features.map((f) => f.name)];
}
