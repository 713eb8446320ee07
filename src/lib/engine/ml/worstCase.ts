import { MISSING_CODE, type ColumnData, type Dataset } from '../data/dataset';
import type { DatasetProfile } from '../data/profile';
import type { WorkspaceSchema } from '../data/schema';
import type { FeatureInput } from './explain';
import type { Model } from './model';
import type { Preprocessor } from './preprocess';
import { seededRng } from './rng';

/**
 * "Edible" must survive what the user did not give. For the fields left unknown, this searches the
 * values the reference data admits (every code seen in training, "missing" where the training data
 * had missing values, and a grid of quantiles for a number) for the completion that makes
 * P(poisonous) highest. Small searches are enumerated (the answer is then exact); larger ones use
 * steepest coordinate ascent from several starts, all starts' candidate moves in one model call per round.
 */

/** The values an unknown field may take: code indices (MISSING_CODE = missing) or numbers (NaN = missing). */
export type FieldCandidates = number[];

/** One unknown field's strongest single change from the answers as given. */
export interface FieldCheck {
  feature: string;
  label: string;
  /** The value that raises P(poisonous) most, in words. */
  value: string;
  pPoisonous: number;
}

export interface WorstCase {
  /** The highest P(poisonous) found over the completions of the unknown fields. */
  pPoisonous: number;
  /** That completion, in words. */
  completion: { feature: string; label: string; value: string }[];
  /** Every unknown field, most dangerous first: what to look at next. */
  checks: FieldCheck[];
  /** True when every completion was evaluated, so `pPoisonous` is the exact worst case. */
  exhaustive: boolean;
  evaluated: number;
}

export interface WorstCaseOptions {
  /** Enumerate every completion up to this many. */
  enumerateUpTo?: number;
  starts?: number;
  maxRounds?: number;
  seed?: number;
  /** Stop as soon as a completion reaches this P(poisonous): the answer can no longer be "edible". */
  stopAt?: number;
}

const QUANTILES = [0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1];

/** Per feature (schema order), the values a completion may give it, from the training split's profile. */
export function completionCandidates(schema: WorkspaceSchema, profile: DatasetProfile): FieldCandidates[] {
  return schema.features.map((f, j): FieldCandidates => {
    const col = profile.columns[j];
    if (f.kind === 'categorical' && col?.kind === 'categorical') {
      const seen: number[] = [];
      col.counts.forEach((n, code) => n > 0 && seen.push(code));
      if (col.missing > 0) seen.push(MISSING_CODE);
      return seen;
    }
    if (col?.kind === 'numeric') {
      const grid = quantileGrid(col.edges, col.counts);
      if (col.missing > 0) grid.push(NaN);
      return grid;
    }
    return [];
  });
}

/** Quantiles of a histogram, linear within bins; duplicates dropped. */
function quantileGrid(edges: number[], counts: number[]): number[] {
  let total = 0;
  for (const c of counts) total += c;
  if (!total) return [];
  const out: number[] = [];
  for (const q of QUANTILES) {
    const target = q * total;
    let acc = 0;
    let v = edges[edges.length - 1];
    for (let b = 0; b < counts.length; b++) {
      if (acc + counts[b] >= target && counts[b] > 0) {
        v = edges[b] + ((target - acc) / counts[b]) * (edges[b + 1] - edges[b]);
        break;
      }
      acc += counts[b];
    }
    const rounded = Number(v.toPrecision(4));
    if (!out.includes(rounded)) out.push(rounded);
  }
  return out;
}

const isGiven = (v: FeatureInput[string]) => v !== null && v !== undefined && v !== '';

function words(schema: WorkspaceSchema, j: number, value: number): string {
  const f = schema.features[j];
  if (f.kind === 'categorical') return value === MISSING_CODE ? 'missing' : (f.codes[value]?.label ?? String(value));
  return Number.isNaN(value) ? 'missing' : `${value}${f.unit ? ` ${f.unit}` : ''}`;
}

/** Rows that copy `base` (one row) with the unknown fields set per row from `assign(row, field)`. */
function completions(base: Dataset, unknown: number[], rows: number, assign: (row: number, k: number) => number): Dataset {
  const columns = base.columns.map((c, j): ColumnData => {
    const k = unknown.indexOf(j);
    if (c.kind === 'numeric') {
      const values = new Float64Array(rows).fill(c.values[0]);
      if (k >= 0) for (let r = 0; r < rows; r++) values[r] = assign(r, k);
      return { name: c.name, kind: 'numeric', values };
    }
    const values = new Uint8Array(rows).fill(c.values[0]);
    if (k >= 0) for (let r = 0; r < rows; r++) values[r] = assign(r, k);
    return { name: c.name, kind: 'categorical', values };
  });
  return { rows, label: new Uint8Array(rows), columns };
}

/**
 * The worst completion of the fields `input` leaves unknown, or null when every field is given.
 * `base` is the one-row dataset of the input as given (unknowns missing).
 */
export async function worstCase(
  schema: WorkspaceSchema,
  pre: Preprocessor,
  model: Model,
  input: FeatureInput,
  base: Dataset,
  candidates: FieldCandidates[],
  options: WorstCaseOptions = {},
): Promise<WorstCase | null> {
  const { enumerateUpTo = 4096, starts = 4, maxRounds = 40, seed = 1, stopAt = Infinity } = options;
  const unknown = schema.features.map((f, j) => j).filter((j) => !isGiven(input[schema.features[j].name]) && candidates[j].length > 0);
  if (!unknown.length) return null;
  const cand = unknown.map((j) => candidates[j]);
  const predict = async (ds: Dataset) => model.predictProba(pre.transform(ds).x);

  // What to check first: each unknown field changed alone from the answers as given.
  let singles = 0;
  for (const c of cand) singles += c.length;
  const single: [number, number][] = [];
  cand.forEach((c, k) => c.forEach((_, v) => single.push([k, v])));
  const pSingle = await predict(completions(base, unknown, singles, (r, k) => (single[r][0] === k ? cand[k][single[r][1]] : base.columns[unknown[k]].values[0])));
  const checks: FieldCheck[] = unknown.map((j, k) => {
    let best = -1;
    let bestP = -Infinity;
    single.forEach(([kk, v], r) => {
      if (kk === k && pSingle[r] > bestP) [best, bestP] = [v, pSingle[r]];
    });
    return { feature: schema.features[j].name, label: schema.features[j].label, value: words(schema, j, cand[k][best]), pPoisonous: bestP };
  });
  checks.sort((a, b) => b.pPoisonous - a.pPoisonous);

  let evaluated = singles;
  let worst = new Array<number>(unknown.length).fill(0);
  let worstP = -Infinity;
  for (let r = 0; r < singles; r++) {
    if (pSingle[r] > worstP) {
      worstP = pSingle[r];
      worst = unknown.map((j, k) => (single[r][0] === k ? single[r][1] : -1));
    }
  }

  let product = 1;
  for (const c of cand) product *= c.length;
  let exhaustive = false;
  if (worstP < stopAt && product <= enumerateUpTo) {
    // Mixed-radix enumeration of every completion, in one call.
    const digit = (row: number, k: number) => {
      let rest = row;
      for (let i = 0; i < k; i++) rest = Math.floor(rest / cand[i].length);
      return rest % cand[k].length;
    };
    const p = await predict(completions(base, unknown, product, (row, k) => cand[k][digit(row, k)]));
    evaluated += product;
    for (let row = 0; row < product; row++) {
      if (p[row] > worstP) {
        worstP = p[row];
        worst = unknown.map((_, k) => digit(row, k));
      }
    }
    exhaustive = true;
  } else if (worstP < stopAt) {
    const rng = seededRng(seed);
    const states = Array.from({ length: starts }, () => cand.map((c) => Math.floor(rng() * c.length)));
    const current = states.map(() => -Infinity);
    let active = states.map((_, s) => s);
    for (let round = 0; round < maxRounds && active.length && worstP < stopAt; round++) {
      // Every start's every single-field move, in one batch.
      const moves: [number, number, number][] = [];
      for (const s of active) cand.forEach((c, k) => c.forEach((_, v) => v !== states[s][k] && moves.push([s, k, v])));
      const p = await predict(completions(base, unknown, moves.length, (r, k) => {
        const [s, mk, mv] = moves[r];
        return cand[k][mk === k ? mv : states[s][k]];
      }));
      evaluated += moves.length;
      const bestMove = new Map<number, [number, number]>();
      moves.forEach(([s], r) => {
        const cur = bestMove.get(s);
        if (!cur || p[r] > cur[1]) bestMove.set(s, [r, p[r]]);
      });
      const next: number[] = [];
      for (const s of active) {
        const [r, pr] = bestMove.get(s) ?? [-1, -Infinity];
        if (r < 0 || !(pr > current[s] + 1e-12)) continue; // a local maximum: this start is done
        states[s][moves[r][1]] = moves[r][2];
        current[s] = pr;
        if (pr > worstP) {
          worstP = pr;
          worst = states[s].slice();
        }
        next.push(s);
      }
      active = next;
    }
  }
  const completion = unknown.map((j, k) => ({
    feature: schema.features[j].name,
    label: schema.features[j].label,
    value: worst[k] < 0 ? words(schema, j, base.columns[j].values[0]) : words(schema, j, cand[k][worst[k]]),
  }));
  return { pPoisonous: worstP, completion, checks, exhaustive, evaluated };
}
