import { MISSING_CODE, type Dataset } from '../data/dataset';
import type { Matrix } from './matrix';
import type { DatasetProfile } from '../data/profile';
import type { WorkspaceSchema } from '../data/schema';
import type { FeatureInput } from './explain';
import type { Model } from './model';
import { EncodeBuffer, type Preprocessor } from './preprocess';
import { seededRng } from './rng';
import { takeDatasetRows } from './split';
import { throwIfCancelled } from '../errors';

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
  /** Encodes the completions, its memory shared by a caller that searches many rows. */
  encoder?: CompletionEncoder;
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

/**
 * Builds the model's input for completions: each is a source row with some fields replaced, encoded
 * straight into memory reused from call to call. The source rows a call needs are encoded once
 * (column by column, as transform does), then copied per completion and the replaced fields
 * re-encoded. The one builder of completions for the enumeration, the single-field screen and the
 * walkers: copying a data set per model call and encoding it again cost most of the Secondary
 * batch's answer rule.
 */
export class CompletionEncoder {
  readonly #sources = new EncodeBuffer();
  readonly #completions = new EncodeBuffer();

  /** `n` completions: row `sourceRow(i)` of `source`, with `change(i, put)` calling `put(j, v)` for each field j that completion i sets to v. Valid until the next call. */
  encode(pre: Preprocessor, source: Dataset, n: number, sourceRow: (i: number) => number, change: (i: number, put: (j: number, v: number) => void) => void): Matrix {
    const at = new Map<number, number>();
    const from = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const row = sourceRow(i);
      let k = at.get(row);
      if (k === undefined) at.set(row, (k = at.size));
      from[i] = k;
    }
    const encoded = pre.transform(takeDatasetRows(source, Uint32Array.from(at.keys())), this.#sources).x.data;
    const x = this.#completions.matrix(n, pre.dims, false); // every value is copied in below
    const d = pre.dims;
    let i = 0;
    const put = (j: number, v: number) => pre.encodeFeature(x, i, j, v);
    for (; i < n; i++) {
      x.data.set(encoded.subarray(from[i] * d, (from[i] + 1) * d), i * d); // a native copy: 3× a loop
      change(i, put);
    }
    return x;
  }
}

/**
 * For several rows of `ds`, each row's unknown fields changed alone to each candidate (the first
 * stage of the search), encoded for one model call: `owner[r]` is the index in `rows` of completion r.
 */
export function singleFieldCompletions(
  pre: Preprocessor,
  ds: Dataset,
  rows: { row: number; unknown: number[] }[],
  candidates: FieldCandidates[],
  encoder: CompletionEncoder,
): { completions: Matrix; owner: Int32Array } {
  let n = 0;
  for (const { unknown } of rows) for (const j of unknown) n += candidates[j].length;
  const owner = new Int32Array(n);
  const field = new Int32Array(n);
  const source = new Int32Array(n);
  const value = new Float64Array(n);
  let r = 0;
  rows.forEach(({ row, unknown }, k) => {
    for (const j of unknown) {
      for (const v of candidates[j]) {
        owner[r] = k;
        field[r] = j;
        source[r] = row;
        value[r++] = v;
      }
    }
  });
  const completions = encoder.encode(
    pre,
    ds,
    n,
    (i) => source[i],
    (i, put) => put(field[i], value[i]),
  );
  return { completions, owner };
}

/**
 * One coordinate-ascent walker over row `row` of a data set: per unknown field (schema indices), the
 * index of its current candidate value, or -1 for the row's own value; `p` is P(poisonous) there
 * (-Infinity before the first move).
 */
export interface Walker {
  row: number;
  unknown: number[];
  state: number[];
  p: number;
}

/** Every single-field move of every active walker: walker (index into `active`), position k in its unknown list, candidate index v. */
function listMoves(active: Walker[], candidates: FieldCandidates[]) {
  let n = 0;
  for (const w of active) for (const j of w.unknown) n += candidates[j].length;
  const mWalker = new Int32Array(n);
  const mK = new Int32Array(n);
  const mV = new Int32Array(n);
  let m = 0;
  active.forEach((w, a) =>
    w.unknown.forEach((j, k) => {
      for (let v = 0; v < candidates[j].length; v++) {
        if (v === w.state[k]) continue;
        mWalker[m] = a;
        mK[m] = k;
        mV[m++] = v;
      }
    }),
  );
  return { mWalker, mK, mV, m };
}

/**
 * Steepest coordinate ascent for many walkers at once: each round, every active walker's every
 * single-field move, in as few model calls as `perCall` allows. A walker takes its best move if
 * that raises P(poisonous), and stops at a local maximum; every walker of a row stops once one of
 * them reaches `stopAt`. A walker's path depends only on its own start, never on the others
 * (ties go to the first field, then the first value). Returns how many completions were evaluated.
 */
export async function ascend(
  pre: Preprocessor,
  model: Model,
  source: Dataset,
  walkers: Walker[],
  candidates: FieldCandidates[],
  {
    stopAt = Infinity,
    maxRounds = 40,
    perCall = 32_768,
    signal,
    encoder = new CompletionEncoder(),
  }: { stopAt?: number; maxRounds?: number; perCall?: number; signal?: AbortSignal; encoder?: CompletionEncoder } = {},
): Promise<number> {
  let evaluated = 0;
  const reached = new Set<number>();
  let active = walkers.filter((w) => !(w.p >= stopAt));
  for (let round = 0; round < maxRounds && active.length; round++) {
    throwIfCancelled(signal);
    const { mWalker, mK, mV, m } = listMoves(active, candidates);
    const best = new Int32Array(active.length).fill(-1);
    const bestP = new Float64Array(active.length).fill(-Infinity);
    for (let from = 0; from < m; from += perCall) {
      const to = Math.min(m, from + perCall);
      const moves = encoder.encode(
        pre,
        source,
        to - from,
        (i) => active[mWalker[from + i]].row,
        (i, put) => {
          const w = active[mWalker[from + i]];
          w.unknown.forEach((j, k) => {
            const v = k === mK[from + i] ? mV[from + i] : w.state[k];
            if (v >= 0) put(j, candidates[j][v]);
          });
        },
      );
      const p = await model.predictProba(moves);
      for (let r = from; r < to; r++) {
        if (p[r - from] > bestP[mWalker[r]]) {
          bestP[mWalker[r]] = p[r - from];
          best[mWalker[r]] = r;
        }
      }
    }
    evaluated += m;
    const next: Walker[] = [];
    active.forEach((w, a) => {
      const r = best[a];
      if (reached.has(w.row) || r < 0 || !(bestP[a] > w.p + 1e-12)) return; // a local maximum: this walker is done
      w.state[mK[r]] = mV[r];
      w.p = bestP[a];
      if (w.p >= stopAt) reached.add(w.row);
      else next.push(w);
    });
    active = next.filter((w) => !reached.has(w.row));
  }
  return evaluated;
}

/**
 * The worst completion of the fields `input` leaves unknown, or null when every field is given.
 * `base` is the one-row dataset of the input as given (unknowns missing).
 */
export function worstCase(
  schema: WorkspaceSchema,
  pre: Preprocessor,
  model: Model,
  input: FeatureInput,
  base: Dataset,
  candidates: FieldCandidates[],
  options: WorstCaseOptions = {},
): Promise<WorstCase | null> {
  const unknown = schema.features.map((f, j) => j).filter((j) => !isGiven(input[schema.features[j].name]));
  return worstCaseOver(schema, pre, model, unknown, base, candidates, options);
}

/** The fields a data row leaves missing (MISSING_CODE or NaN): a batch row's "not known". */
export function missingFields(ds: Dataset, row: number): number[] {
  const out: number[] = [];
  ds.columns.forEach((c, j) => {
    if (c.kind === 'categorical' ? c.values[row] === MISSING_CODE : Number.isNaN(c.values[row])) out.push(j);
  });
  return out;
}

/** P(poisonous) of `rows` completions of the one-row input: `assign(row, k)` is the value of unknown field k in that row, or undefined for the value as given. */
type PredictCompletions = (rows: number, assign: (row: number, k: number) => number | undefined) => Promise<Float32Array>;

interface Worst {
  /** Per unknown field, the index of its candidate value; −1 = left as given. */
  worst: number[];
  pPoisonous: number;
}

/**
 * What to check first: each unknown field changed alone from the answers as given, in one call.
 * Gives the fields in order of the P(poisonous) their worst value reaches, and the worst single change.
 */
async function screenSingles(
  schema: WorkspaceSchema,
  predict: PredictCompletions,
  unknown: number[],
  cand: number[][],
): Promise<Worst & { checks: FieldCheck[]; evaluated: number }> {
  const single: [number, number][] = [];
  cand.forEach((c, k) => c.forEach((_, v) => single.push([k, v])));
  const pSingle = await predict(single.length, (r, k) => (single[r][0] === k ? cand[k][single[r][1]] : undefined));
  const checks: FieldCheck[] = unknown.map((j, k) => {
    let best = -1;
    let bestP = -Infinity;
    single.forEach(([kk, v], r) => {
      if (kk === k && pSingle[r] > bestP) [best, bestP] = [v, pSingle[r]];
    });
    return { feature: schema.features[j].name, label: schema.features[j].label, value: words(schema, j, cand[k][best]), pPoisonous: bestP };
  });
  checks.sort((a, b) => b.pPoisonous - a.pPoisonous);
  let worst = new Array<number>(unknown.length).fill(0);
  let pPoisonous = -Infinity;
  for (let r = 0; r < single.length; r++) {
    if (pSingle[r] > pPoisonous) {
      pPoisonous = pSingle[r];
      worst = unknown.map((_, k) => (single[r][0] === k ? single[r][1] : -1));
    }
  }
  return { checks, worst, pPoisonous, evaluated: single.length };
}

/** Every completion of the unknown fields (mixed-radix numbering), in one call. */
async function enumerateAll(predict: PredictCompletions, unknown: number[], cand: number[][], product: number): Promise<Worst> {
  const digit = (row: number, k: number) => {
    let rest = row;
    for (let i = 0; i < k; i++) rest = Math.floor(rest / cand[i].length);
    return rest % cand[k].length;
  };
  const p = await predict(product, (row, k) => cand[k][digit(row, k)]);
  let worst: number[] = [];
  let pPoisonous = -Infinity;
  for (let row = 0; row < product; row++) {
    if (p[row] > pPoisonous) {
      pPoisonous = p[row];
      worst = unknown.map((_, k) => digit(row, k));
    }
  }
  return { worst, pPoisonous };
}

/** As `worstCase`, for the fields `unknownFields` (schema indices) of the one-row `base`. */
export async function worstCaseOver(
  schema: WorkspaceSchema,
  pre: Preprocessor,
  model: Model,
  unknownFields: number[],
  base: Dataset,
  candidates: FieldCandidates[],
  options: WorstCaseOptions = {},
): Promise<WorstCase | null> {
  const { enumerateUpTo = 4096, starts = 4, maxRounds = 40, seed = 1, stopAt = Infinity, encoder = new CompletionEncoder() } = options;
  const unknown = unknownFields.filter((j) => candidates[j].length > 0);
  if (!unknown.length) return null;
  const cand = unknown.map((j) => candidates[j]);
  const predict: PredictCompletions = (rows, assign) =>
    model.predictProba(
      encoder.encode(
        pre,
        base,
        rows,
        () => 0,
        (r, put) =>
          unknown.forEach((j, k) => {
            const v = assign(r, k);
            if (v !== undefined) put(j, v);
          }),
      ),
    );
  const { checks, worst: firstWorst, pPoisonous: firstP, evaluated: singles } = await screenSingles(schema, predict, unknown, cand);
  let evaluated = singles;
  let worst = firstWorst;
  let worstP = firstP;

  let product = 1;
  for (const c of cand) product *= c.length;
  let exhaustive = false;
  if (worstP < stopAt && product <= enumerateUpTo) {
    const every = await enumerateAll(predict, unknown, cand, product);
    evaluated += product;
    if (every.pPoisonous > worstP) [worst, worstP] = [every.worst, every.pPoisonous];
    exhaustive = true;
  } else if (worstP < stopAt) {
    // One walker from the worst single change (the batch screen walks the same path: answerRule.ts),
    // the others from random completions.
    const rng = seededRng(seed);
    const walkers: Walker[] = [{ row: 0, unknown, state: worst.slice(), p: worstP }];
    for (let s = 0; s < starts; s++) walkers.push({ row: 0, unknown, state: cand.map((c) => Math.floor(rng() * c.length)), p: -Infinity });
    evaluated += await ascend(pre, model, base, walkers, candidates, { stopAt, maxRounds, encoder });
    for (const w of walkers) {
      if (w.p > worstP) {
        worstP = w.p;
        worst = w.state.slice();
      }
    }
  }
  const completion = unknown.map((j, k) => ({
    feature: schema.features[j].name,
    label: schema.features[j].label,
    value: worst[k] < 0 ? words(schema, j, base.columns[j].values[0]) : words(schema, j, cand[k][worst[k]]),
  }));
  return { pPoisonous: worstP, completion, checks, exhaustive, evaluated };
}
