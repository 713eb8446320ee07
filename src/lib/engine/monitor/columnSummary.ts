import type { ColumnData, Dataset } from '../data/dataset';
import { MISSING_CODE } from '../data/dataset';
import { populationStd, sampleMean, sortedSample, type SortedSample } from '../stats/sortedSample';

/**
 * Everything drift needs from one column, computed once: for the reference when a model version
 * is registered (then cached in IndexedDB), for a current window once per report. Plain numbers
 * and arrays only, so a summary survives JSON and structured cloning unchanged.
 */
export interface NumericColumnSummary {
  name: string;
  kind: 'numeric';
  /** Rows in the window, missing included. */
  rows: number;
  /** NaN or ±Infinity: both count as missing. */
  missing: number;
  sample: SortedSample;
  /** Population mean and standard deviation of the finite values (0 when there are none). */
  mean: number;
  std: number;
}

export interface CategoricalColumnSummary {
  name: string;
  kind: 'categorical';
  rows: number;
  missing: number;
  /** Non-missing rows. */
  n: number;
  /** counts[code] for every code up to the largest seen; codes are schema indices. */
  counts: number[];
}

export type ColumnSummary = NumericColumnSummary | CategoricalColumnSummary;

export const REFERENCE_SUMMARY_FORMAT = 'sporeprint-drift-reference';
export const REFERENCE_SUMMARY_VERSION = 1;

/** The reference side of every drift report for one model version, in schema feature order. */
export interface ReferenceSummary {
  format: typeof REFERENCE_SUMMARY_FORMAT;
  formatVersion: typeof REFERENCE_SUMMARY_VERSION;
  rows: number;
  columns: ColumnSummary[];
}

export function summariseColumn(column: ColumnData): ColumnSummary {
  if (column.kind === 'numeric') {
    const sample = sortedSample(column.values);
    const n = sample.n;
    return {
      name: column.name,
      kind: 'numeric',
      rows: column.values.length,
      missing: column.values.length - n,
      sample,
      mean: n ? sampleMean(sample) : 0,
      std: n ? populationStd(sample) : 0,
    };
  }
  const counts = new Float64Array(MISSING_CODE + 1);
  const values = column.values;
  for (let i = 0; i < values.length; i++) counts[values[i]]++;
  const missing = counts[MISSING_CODE];
  let top = MISSING_CODE - 1;
  while (top >= 0 && counts[top] === 0) top--;
  return {
    name: column.name,
    kind: 'categorical',
    rows: values.length,
    missing,
    n: values.length - missing,
    counts: Array.from(counts.subarray(0, top + 1)),
  };
}

/** Summaries of every column of a data set (the training split, for a model's reference). */
export function summariseReference(ds: Pick<Dataset, 'rows' | 'columns'>): ReferenceSummary {
  return {
    format: REFERENCE_SUMMARY_FORMAT,
    formatVersion: REFERENCE_SUMMARY_VERSION,
    rows: ds.rows,
    columns: ds.columns.map(summariseColumn),
  };
}

/** Non-missing values in a summary. */
export function presentCount(s: ColumnSummary): number {
  return s.kind === 'numeric' ? s.sample.n : s.n;
}

/** Distinct non-missing values in a summary. */
export function distinctCount(s: ColumnSummary): number {
  if (s.kind === 'numeric') return s.sample.values.length;
  let k = 0;
  for (const c of s.counts) if (c > 0) k++;
  return k;
}

/**
 * A reference summary read back from storage or a file, or null when it is not one we can use
 * (another format or version: the caller recomputes it from the training data).
 */
export function loadReferenceSummary(value: unknown): ReferenceSummary | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Partial<ReferenceSummary>;
  if (v.format !== REFERENCE_SUMMARY_FORMAT || v.formatVersion !== REFERENCE_SUMMARY_VERSION || !Array.isArray(v.columns)) return null;
  return v as ReferenceSummary;
}
