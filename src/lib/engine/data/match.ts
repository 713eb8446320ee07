import { EngineError } from '../errors';
import type { FeatureColumn, WorkspaceSchema } from './schema';
import { columnNames, normaliseColumnName, CLASS_VALUES } from './schema';
import { codeLookup, isMissing, parseCategory, parseClass, parseNumber } from './cells';

export type MatchKind = 'exact' | 'reordered' | 'headerless' | 'inferred';

/** How the columns of a file map onto a schema: for each schema column, its index in the file. */
export interface SchemaMatch {
  schema: WorkspaceSchema;
  kind: MatchKind;
  /** File column index of the class column, then of each feature in schema order. */
  fileIndex: number[];
  /** File columns the schema does not use (e.g. an `id` column): reported, then ignored. */
  ignoredColumns: string[];
  /** True when the first row is data, not a header. */
  headerless: boolean;
}

/**
 * Finds the known schema a header belongs to, regardless of column order, naming style or extra
 * columns. When the first row is not a header but has a schema's column count and its values are
 * valid in that schema's column order (the original UCI `.data` files), it is read as headerless.
 */
export function matchSchema(firstRow: string[], schemas: WorkspaceSchema[], classOptional = false): SchemaMatch | null {
  const names = firstRow.map(normaliseColumnName);
  for (const schema of schemas) {
    const wanted = columnNames(schema).map(normaliseColumnName);
    const fileIndex = wanted.map((w) => names.indexOf(w));
    // Files to predict may lack the class column (fileIndex[0] = -1); reference data may not.
    const found = fileIndex.every((i, k) => i >= 0 || (k === 0 && classOptional));
    if (found && new Set(names).size === names.length) {
      const ordered = fileIndex.every((v, i) => v === i) && names.length === wanted.length;
      return {
        schema,
        kind: ordered ? 'exact' : 'reordered',
        fileIndex,
        ignoredColumns: firstRow.filter((_, i) => !fileIndex.includes(i)),
        headerless: false,
      };
    }
  }
  for (const schema of schemas) {
    if (firstRow.length !== schema.features.length + 1) continue;
    if (rowFitsInSchemaOrder(firstRow, schema)) {
      return {
        schema,
        kind: 'headerless',
        fileIndex: firstRow.map((_, i) => i),
        ignoredColumns: [],
        headerless: true,
      };
    }
  }
  return null;
}

function rowFitsInSchemaOrder(row: string[], schema: WorkspaceSchema): boolean {
  const cls = parseClass(row[0]);
  if (cls !== 0 && cls !== 1) return false;
  return schema.features.every((f, i) => {
    const raw = row[i + 1];
    if (isMissing(raw)) return true;
    return f.kind === 'numeric' ? parseNumber(raw, true).ok : parseCategory(raw, codeLookup(f)) !== 'unknown';
  });
}

/** Names (normalised) that say "this is the class column", in order of preference. */
export const CLASS_NAMES = ['class', 'edibility', 'edible', 'poisonous', 'label', 'target', 'y', 'classes', 'is-edible', 'is-poisonous'];
/** Categorical columns are stored as bytes (255 = missing): more than this many values cannot be one. */
export const MAX_CATEGORIES = 254;

/**
 * Columns that could be the class: every value present is e/p/edible/poisonous and both classes
 * occur. A column with one value is never the class: UCI's veil-type holds only "p" (partial), and a
 * file without its class column must not become a workspace where every mushroom is poisonous.
 */
export function classCandidates(header: string[], rows: string[][]): number[] {
  const out: number[] = [];
  header.forEach((_, i) => {
    const seen = [false, false];
    for (const r of rows) {
      const v = (r[i] ?? '').trim();
      if (isMissing(v)) continue;
      const c = CLASS_VALUES.get(v.toLowerCase());
      if (c === undefined) return;
      seen[c] = true;
    }
    if (seen[0] && seen[1]) out.push(i);
  });
  return out;
}

const cleanName = (name: string) => name.replace(/^\uFEFF/, '').trim();

/** The names of the columns that could be the class (classCandidates), as the import review lists them. */
export function classCandidateNames(header: string[], rows: string[][]): string[] {
  return classCandidates(header, rows).map((i) => cleanName(header[i]));
}

/**
 * The class column of a file of unknown layout: `chosen` (the user's pick in the import review), else
 * the column named like a class (CLASS_NAMES, any case or spacing) that holds both classes. A file
 * where some column could be the class by its values but none is named so is refused with those
 * columns in `details.candidates`, for the user to choose; a file with none is refused.
 */
function findClassColumn(header: string[], rows: string[][], chosen: string | undefined): number {
  const candidates = classCandidates(header, rows);
  const choices = candidates.map((i) => cleanName(header[i]));
  if (chosen !== undefined) {
    const i = header.findIndex((h) => cleanName(h) === chosen);
    if (candidates.includes(i)) return i;
    throw new EngineError('no-class-column', `The column "${chosen}" cannot be the class: every value must be e/p or edible/poisonous, and both must occur.`, {
      columns: header,
      candidates: choices,
    });
  }
  // Names compared without case, spacing or punctuation, so "Edible?" and "is_poisonous" count.
  const bare = (n: string) => normaliseColumnName(n).replace(/[^a-z0-9]+/g, '');
  const classNames = new Set(CLASS_NAMES.map(bare));
  const namedLikeClass = header.map((h) => classNames.has(bare(h)));
  const named = CLASS_NAMES.map((n) => header.findIndex((h) => bare(h) === bare(n))).find((i) => candidates.includes(i));
  if (named !== undefined) return named;
  if (candidates.length) {
    const which = choices.length === 1 ? `The column "${choices[0]}" holds` : `The columns ${choices.map((n) => `"${n}"`).join(', ')} hold`;
    throw new EngineError('no-class-column', `No column is named like a class column (class, edible, label, poisonous, target, y…). ${which} e/p values: choose the class column below.`, {
      columns: header,
      candidates: choices,
    });
  }
  const single = namedLikeClass.indexOf(true);
  throw new EngineError(
    'no-class-column',
    single >= 0
      ? `The column "${cleanName(header[single])}" cannot be the class: it does not hold both edible and poisonous rows (e/p or edible/poisonous). A class column needs both.`
      : 'No class column found: one column must hold e/p or edible/poisonous for every row, both classes present (e.g. a column named "class").',
    { columns: header, candidates: [] },
  );
}

/**
 * Builds a schema for a CSV that matches no known one: the class column is found by name (or chosen
 * by the user, `classColumn`) — see findClassColumn; every other column is numeric when all its
 * values are numbers with more than two distinct values, otherwise categorical with its observed
 * values as codes.
 */
export function inferSchema(header: string[], rows: string[][], sourceName: string, classColumn?: string): SchemaMatch {
  const norm = header.map(normaliseColumnName);
  const classIdx = findClassColumn(header, rows, classColumn);
  const features: FeatureColumn[] = [];
  const fileIndex = [classIdx];
  const ignoredColumns: string[] = [];
  header.forEach((name, i) => {
    if (i === classIdx) return;
    const col = inferColumn(name.replace(/^\uFEFF/, '').trim(), rows.map((r) => r[i] ?? ''));
    if (col) {
      features.push(col);
      fileIndex.push(i);
    } else ignoredColumns.push(name);
  });
  const id = `custom-${hashName(norm.join(','))}`;
  const schema: WorkspaceSchema = {
    id,
    name: sourceName.replace(/\.[^.]+$/, '') || 'Imported data',
    schemaVersion: 1,
    description: `Inferred from ${sourceName}`,
    classColumn: header[classIdx].replace(/^\uFEFF/, '').trim(),
    features,
  };
  return { schema, kind: 'inferred', fileIndex, ignoredColumns, headerless: false };
}

/** Row identifiers and spreadsheet index columns say nothing about a mushroom. */
const ID_NAMES = new Set(['', 'id', 'index', 'row', 'row-id', 'rowid', '#', 'unnamed:-0']);

function inferColumn(name: string, values: string[]): FeatureColumn | null {
  if (ID_NAMES.has(normaliseColumnName(name))) return null;
  const present = values.map((v) => v.trim()).filter((v) => !isMissing(v));
  const label = name.replace(/[-_]+/g, ' ').replace(/^./, (c) => c.toUpperCase());
  const numbers = new Set<number>();
  const allNumeric = present.length > 0 && present.every((v) => {
    const p = parseNumber(v, true);
    if (p.ok) numbers.add(p.value);
    return p.ok;
  });
  if (allNumeric && numbers.size > 2) return { name, label, kind: 'numeric' };
  const distinct = [...new Set(present)].sort();
  // An identifier-like column (every value different) carries no category information.
  if (distinct.length > MAX_CATEGORIES) return null;
  return { name, label, kind: 'categorical', codes: distinct.map((code) => ({ code, label: code })) };
}

/** Short stable id from the column names, so re-importing the same layout finds its workspace. */
function hashName(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}
