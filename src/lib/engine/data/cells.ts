import type { FeatureColumn } from './schema';
import { MISSING_TOKENS, CLASS_VALUES } from './schema';
import { MISSING_CODE } from './dataset';

/** Why a cell was refused; each is shown to the user with the row and column. */
export type CellProblem = 'unknown-code' | 'not-a-number' | 'missing-class' | 'unknown-class';
export type RowProblem = CellProblem | 'field-count';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** "17,09" as written by a spreadsheet in a comma-decimal locale (only when `,` is not the delimiter). */
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

export function isMissing(raw: string): boolean {
  return MISSING_TOKENS.has(raw.trim());
}

export type NumberParse = { ok: true; value: number; decimalComma: boolean } | { ok: false };

/** Strict: `17.wrz` (Excel's date mangling), `12abc` or `1.2.3` are not numbers. */
export function parseNumber(raw: string, allowDecimalComma: boolean): NumberParse {
  const s = raw.trim();
  if (NUMBER.test(s)) return { ok: true, value: Number(s), decimalComma: false };
  if (allowDecimalComma && DECIMAL_COMMA.test(s)) return { ok: true, value: Number(s.replace(',', '.')), decimalComma: true };
  return { ok: false };
}

export function parseClass(raw: string): 0 | 1 | 'missing' | 'unknown' {
  const s = raw.trim();
  if (MISSING_TOKENS.has(s)) return 'missing';
  const v = CLASS_VALUES.get(s.toLowerCase());
  return v === undefined ? 'unknown' : v;
}

/**
 * Lookup from every accepted spelling of a category to its index: the code itself
 * and, case-insensitively, its human label (so a hand-made file may say `almond`).
 */
export function codeLookup(col: FeatureColumn): Map<string, number> {
  const m = new Map<string, number>();
  if (col.kind !== 'categorical') return m;
  col.codes.forEach((c, i) => {
    m.set(c.code, i);
  });
  col.codes.forEach((c, i) => {
    const l = c.label.toLowerCase();
    if (!m.has(l)) m.set(l, i);
  });
  return m;
}

/**
 * The cells parseCategory would read without trimming or lower-casing (codes, labels and missing
 * tokens as written), with its answer: one Map lookup for almost every cell of a file. A missing
 * token wins over a code, as in parseCategory.
 */
export function exactCategoryLookup(lookup: Map<string, number>): Map<string, number | 'missing'> {
  const m = new Map<string, number | 'missing'>();
  for (const [k, i] of lookup) if (k === k.trim()) m.set(k, i);
  for (const t of MISSING_TOKENS) m.set(t, 'missing');
  return m;
}

/** parseNumber for a cell that needs no trimming and is no missing token: the common case, without the allocations. */
export function isPlainNumber(raw: string): boolean {
  return NUMBER.test(raw);
}

export function parseCategory(raw: string, lookup: Map<string, number>): number | 'missing' | 'unknown' {
  const s = raw.trim();
  if (MISSING_TOKENS.has(s)) return 'missing';
  const i = lookup.get(s) ?? lookup.get(s.toLowerCase());
  return i === undefined ? 'unknown' : i;
}

export { MISSING_CODE };
