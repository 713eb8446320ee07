import type { Matrix } from '../matrix';
import type { Rng } from '../rng';

/**
 * A CART classification tree grown on binned features (at most 256 bins per column: exact for
 * one-hot and small-vocabulary columns, quantile cuts for numbers). Each node tries every bin
 * boundary of its candidate columns with a histogram, so a level costs O(rows × columns): one tree
 * on 43k × 128 one-hot rows grows in 1–3 s. ml-cart (what this replaces) re-splits the whole node
 * for every candidate value: 7 s on 1,000 such rows, 138 s on 4,000, hours on 43,000.
 */

/** A grown tree in flat arrays (plain JSON). Node 0 is the root; `feature[i] === -1` marks a leaf. */
export interface FlatTree {
  feature: number[];
  /** Go left when x[feature] < threshold. */
  threshold: number[];
  left: number[];
  right: number[];
  /** Leaf: the (weighted) share of poisonous training rows that reached it. */
  value: number[];
}

export type GainFunction = 'gini' | 'entropy';

export interface GrowOptions {
  maxDepth: number;
  /** A node with fewer (weighted) rows than this becomes a leaf. */
  minSamplesSplit: number;
  gainFunction: GainFunction;
  /** Columns tried per node: all when ≥ the column count (a plain tree), a seeded sample otherwise (a forest). */
  featuresPerNode: number;
  rng?: Rng;
}

/** The columns binned once and shared by every tree grown on them. */
export interface BinnedData {
  rows: number;
  cols: number;
  /** Column-major bin codes: codes[c * rows + r]. */
  codes: Uint8Array;
  /** Per column, ascending cut points: bin(x) = how many cuts are ≤ x (NaN takes the last bin). */
  cuts: Float64Array[];
}

const MAX_BINS = 256;
/** The cut that parts missing values (NaN, +∞: the last bin) from all numbers; JSON-safe, unlike Infinity. */
const MISSING_CUT = Number.MAX_VALUE;

function columnCuts(values: Float32Array): Float64Array {
  let hasNaN = false;
  const distinct = new Set<number>();
  for (const v of values) {
    if (!Number.isFinite(v)) hasNaN = true;
    else if (distinct.size <= MAX_BINS) distinct.add(v);
  }
  // Bin codes are bytes: at most 255 cuts, one of them kept for the missing-value cut.
  const maxCuts = MAX_BINS - (hasNaN ? 2 : 1);
  let cuts: number[];
  if (distinct.size <= maxCuts + 1) {
    const d = [...distinct].sort((a, b) => a - b);
    cuts = d.slice(1).map((v, i) => (d[i] + v) / 2);
  } else {
    const sorted = values.filter((v) => Number.isFinite(v)).sort();
    cuts = [];
    for (let q = 1; q <= maxCuts; q++) {
      const v = sorted[Math.floor((q * sorted.length) / (maxCuts + 1))];
      if (v > sorted[0] && (cuts.length === 0 || v > cuts[cuts.length - 1])) cuts.push(v);
    }
  }
  if (hasNaN) cuts.push(MISSING_CUT);
  return Float64Array.from(cuts);
}

function binOf(cuts: Float64Array, v: number): number {
  if (Number.isNaN(v)) return cuts.length;
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function binColumns(x: Matrix): BinnedData {
  const { rows, cols } = x;
  const codes = new Uint8Array(rows * cols);
  const cuts: Float64Array[] = [];
  const column = new Float32Array(rows);
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) column[r] = x.data[r * cols + c];
    const cc = columnCuts(column);
    cuts.push(cc);
    for (let r = 0; r < rows; r++) codes[c * rows + r] = binOf(cc, column[r]);
  }
  return { rows, cols, codes, cuts };
}

function impurity(fn: GainFunction, w0: number, w1: number): number {
  const w = w0 + w1;
  if (w === 0 || w0 === 0 || w1 === 0) return 0;
  const p = w1 / w;
  return fn === 'gini' ? 2 * p * (1 - p) : -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p));
}

/**
 * Grows one tree on the rows with weight > 0 (bootstrap counts for a forest, all ones for a tree).
 * Deterministic: ties go to the first column tried and the lowest cut.
 */
interface NodeRows {
  /** The node's rows are idx[start … end − 1]. */
  start: number;
  end: number;
  /** Their total weight per class. */
  w0: number;
  w1: number;
}

interface Split {
  col: number;
  /** Rows with a bin ≤ this go left. */
  bin: number;
  /** Left-side weight per class. */
  l0: number;
  l1: number;
}

/** Histogram buffers for `bestSplit`, reused across nodes. */
interface Scratch {
  h0: Float64Array;
  h1: Float64Array;
}

/**
 * The best cut over `tryCount` columns that vary in the node, or null when no cut gains anything.
 * A forest draws its columns here one at a time; a column that is constant in the node (one bin
 * only) does not count towards `tryCount`, as in scikit-learn's splitter. Without that, a deep node
 * where most of the 11 sampled one-hot columns are constant stops as a mixed leaf: our forest left
 * 1.7 % of the Secondary rows "uncertain" against scikit-learn's 0.2 %.
 */
function bestSplit(
  data: BinnedData,
  y: Uint8Array,
  weight: Float64Array,
  idx: Int32Array,
  node: NodeRows,
  features: Int32Array,
  tryCount: number,
  opts: GrowOptions,
  { h0, h1 }: Scratch,
): Split | null {
  const { rows, codes, cuts } = data;
  const total = node.w0 + node.w1;
  const parent = impurity(opts.gainFunction, node.w0, node.w1);
  const sampling = tryCount < features.length && opts.rng !== undefined;
  let bestGain = 1e-12;
  let best: Split | null = null;
  let varying = 0;
  for (let k = 0; k < features.length && varying < tryCount; k++) {
    if (sampling) drawFeature(features, k, opts.rng!);
    const c = features[k];
    const nCuts = cuts[c].length;
    if (nCuts === 0) continue;
    h0.fill(0, 0, nCuts + 1);
    h1.fill(0, 0, nCuts + 1);
    const base = c * rows;
    for (let i = node.start; i < node.end; i++) {
      const r = idx[i];
      if (y[r]) h1[codes[base + r]] += weight[r];
      else h0[codes[base + r]] += weight[r];
    }
    let l0 = 0;
    let l1 = 0;
    let cutsInside = 0;
    for (let b = 0; b < nCuts; b++) {
      l0 += h0[b];
      l1 += h1[b];
      const wl = l0 + l1;
      if (wl === 0) continue;
      if (wl === total) break;
      cutsInside++;
      const gain = parent - (wl * impurity(opts.gainFunction, l0, l1) + (total - wl) * impurity(opts.gainFunction, node.w0 - l0, node.w1 - l1)) / total;
      if (gain > bestGain) {
        bestGain = gain;
        best = { col: c, bin: b, l0, l1 };
      }
    }
    if (cutsInside > 0) varying++;
  }
  return best;
}

/** Reorders idx[start … end − 1] in place so the split's left rows come first; returns where the right ones start. */
function partition(data: BinnedData, idx: Int32Array, node: NodeRows, split: Split): number {
  const base = split.col * data.rows;
  let lo = node.start;
  let hi = node.end - 1;
  while (lo <= hi) {
    if (data.codes[base + idx[lo]] <= split.bin) lo++;
    else {
      const t = idx[lo];
      idx[lo] = idx[hi];
      idx[hi--] = t;
    }
  }
  return lo;
}

/** Swaps a random one of features[k …] into place k (one step of a Fisher–Yates shuffle). */
function drawFeature(features: Int32Array, k: number, rng: () => number): void {
  const j = k + Math.floor(rng() * (features.length - k));
  const t = features[k];
  features[k] = features[j];
  features[j] = t;
}

export function growTree(data: BinnedData, y: Uint8Array, weight: Float64Array, opts: GrowOptions): FlatTree {
  const { rows, cols, cuts } = data;
  const tree: FlatTree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const idx = new Int32Array(rows);
  let n = 0;
  let w0 = 0;
  let w1 = 0;
  for (let r = 0; r < rows; r++) {
    if (weight[r] <= 0) continue;
    idx[n++] = r;
    if (y[r]) w1 += weight[r];
    else w0 += weight[r];
  }
  const scratch: Scratch = { h0: new Float64Array(MAX_BINS), h1: new Float64Array(MAX_BINS) };
  const features = Int32Array.from({ length: cols }, (_, c) => c);
  const tryCount = Math.min(cols, Math.max(1, opts.featuresPerNode));

  const addNode = () => {
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(0);
    return tree.feature.length - 1;
  };
  const stack = [{ node: addNode(), start: 0, end: n, depth: 0, w0, w1 }];
  while (stack.length) {
    const s = stack.pop()!;
    const total = s.w0 + s.w1;
    tree.value[s.node] = total > 0 ? s.w1 / total : 0;
    if (s.depth >= opts.maxDepth || total < opts.minSamplesSplit || s.w0 === 0 || s.w1 === 0) continue;
    const split = bestSplit(data, y, weight, idx, s, features, tryCount, opts, scratch);
    if (!split) continue;
    const lo = partition(data, idx, s, split);
    const left = addNode();
    const right = addNode();
    tree.feature[s.node] = split.col;
    tree.threshold[s.node] = cuts[split.col][split.bin];
    tree.left[s.node] = left;
    tree.right[s.node] = right;
    stack.push({ node: right, start: lo, end: s.end, depth: s.depth + 1, w0: s.w0 - split.l0, w1: s.w1 - split.l1 });
    stack.push({ node: left, start: s.start, end: lo, depth: s.depth + 1, w0: split.l0, w1: split.l1 });
  }
  return tree;
}

/** The leaf value reached by row `r` of `x`. */
export function treeValue(tree: FlatTree, x: Matrix, r: number): number {
  const off = r * x.cols;
  let node = 0;
  while (tree.feature[node] >= 0) node = x.data[off + tree.feature[node]] < tree.threshold[node] ? tree.left[node] : tree.right[node];
  return tree.value[node];
}

/** One test on the way from the root to a leaf: encoded column, its cut, and which side the row took. */
export interface PathStep {
  column: number;
  threshold: number;
  /** true: x[column] < threshold. */
  below: boolean;
}

/** The tests row `r` of `x` passes from root to leaf, and the leaf's value: a tree's own explanation. */
export function treePath(tree: FlatTree, x: Matrix, r: number): { steps: PathStep[]; value: number } {
  const off = r * x.cols;
  const steps: PathStep[] = [];
  let node = 0;
  while (tree.feature[node] >= 0) {
    const column = tree.feature[node];
    const below = x.data[off + column] < tree.threshold[node];
    steps.push({ column, threshold: tree.threshold[node], below });
    node = below ? tree.left[node] : tree.right[node];
  }
  return { steps, value: tree.value[node] };
}

/** Checks that a saved tree is well formed, so predicting with it cannot loop or read out of range. */
export function isFlatTree(t: unknown, cols: number): t is FlatTree {
  const f = t as FlatTree | null;
  if (!f || ![f.feature, f.threshold, f.left, f.right, f.value].every((a) => Array.isArray(a) && a.length === f.feature.length) || f.feature.length === 0) return false;
  for (let i = 0; i < f.feature.length; i++) {
    if (f.feature[i] === -1) continue;
    if (!(f.feature[i] >= 0 && f.feature[i] < cols && f.left[i] > i && f.right[i] > i && f.left[i] < f.feature.length && f.right[i] < f.feature.length)) return false;
  }
  return true;
}
