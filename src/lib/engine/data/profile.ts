import type { Dataset } from './dataset';
import { MISSING_CODE } from './dataset';
import type { WorkspaceSchema } from './schema';

export interface CategoricalProfile {
  name: string;
  kind: 'categorical';
  missing: number;
  /** Count per schema code, in schema order. */
  counts: number[];
}

export interface NumericProfile {
  name: string;
  kind: 'numeric';
  missing: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  /** Equal-width histogram over [min, max]: `edges.length === counts.length + 1`. */
  edges: number[];
  counts: number[];
}

export type ColumnProfile = CategoricalProfile | NumericProfile;

export interface DatasetProfile {
  rows: number;
  /** [edible, poisonous] */
  classCounts: [number, number];
  columns: ColumnProfile[];
}

const BINS = 30;

/** Summary statistics of every column: what the Data page charts and what monitoring compares against. */
export function profileDataset(schema: WorkspaceSchema, ds: Dataset): DatasetProfile {
  let poisonous = 0;
  for (let i = 0; i < ds.rows; i++) poisonous += ds.label[i];
  const columns = ds.columns.map((col, i): ColumnProfile => {
    const f = schema.features[i];
    if (col.kind === 'categorical') {
      const counts = new Array<number>(f.kind === 'categorical' ? f.codes.length : 0).fill(0);
      let missing = 0;
      const values = col.values;
      // Index loops, not for…of: this runs once per import, mostly before the JIT has optimised it,
      // where a typed array's iterator costs several times an indexed read.
      for (let r = 0; r < values.length; r++) {
        const v = values[r];
        if (v === MISSING_CODE) missing++;
        else counts[v]++;
      }
      return { name: col.name, kind: 'categorical', missing, counts };
    }
    return numericProfile(col.name, col.values);
  });
  return { rows: ds.rows, classCounts: [ds.rows - poisonous, poisonous], columns };
}

function numericProfile(name: string, values: Float64Array): NumericProfile {
  let n = 0, missing = 0, sum = 0, min = Infinity, max = -Infinity;
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    if (Number.isNaN(v)) { missing++; continue; }
    n++; sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = n ? sum / n : NaN;
  let sq = 0;
  for (let r = 0; r < values.length; r++) if (!Number.isNaN(values[r])) sq += (values[r] - mean) ** 2;
  if (!n) return { name, kind: 'numeric', missing, min: NaN, max: NaN, mean: NaN, std: NaN, edges: [], counts: [] };
  const bins = min === max ? 1 : BINS;
  const width = (max - min) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    if (Number.isNaN(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => min + i * width);
  return { name, kind: 'numeric', missing, min, max, mean, std: Math.sqrt(sq / n), edges, counts };
}
