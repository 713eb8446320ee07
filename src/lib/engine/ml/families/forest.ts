import { EngineError } from '../../errors';
import type { Matrix } from '../matrix';
import type { FitOptions, Model, SavedModel } from '../model';
import { seededRng } from '../rng';
import { binColumns, growTree, isFlatTree, treeValue, type FlatTree } from './cart';
import { cancellationPoint, checkColumns, checkTrainingData, notFitted } from './common';
import { FOREST_PARAMS, resolveParams } from './params';

export { FOREST_PARAMS };

export type ForestParams = {
  nEstimators: number;
  /** Columns tried at each split: √cols, log2(cols) or all of them (plain bagging). */
  maxFeatures: 'sqrt' | 'log2' | 'all';
  maxDepth: number;
  minNumSamples: number;
  /** Each tree's bootstrap sample (drawn with replacement) as a share of the training rows. */
  sampleFraction: number;
};

export const FOREST_SCHEMA_VERSION = 1;

interface ForestState {
  inputDims: number;
  trees: FlatTree[];
}

function featuresPerNode(cols: number, rule: ForestParams['maxFeatures']): number {
  if (rule === 'all') return cols;
  return Math.max(1, Math.round(rule === 'sqrt' ? Math.sqrt(cols) : Math.log2(cols)));
}

/**
 * A random forest: seeded bootstrap samples, a fresh seeded column sample at every split (as in
 * Breiman's and scikit-learn's forests), and P(poisonous) = the mean of the trees' leaf shares.
 */
export class RandomForest implements Model {
  readonly kind = 'forest' as const;
  readonly params: ForestParams;
  #state: ForestState | null = null;

  constructor(params?: Record<string, unknown>) {
    this.params = resolveParams<ForestParams>(FOREST_PARAMS, params);
  }

  async fit(x: Matrix, y: Uint8Array, opts: FitOptions): Promise<void> {
    checkTrainingData(x, y, opts.validation);
    const checkpoint = cancellationPoint(opts.signal);
    await checkpoint();
    const p = this.params;
    const rng = seededRng(opts.seed);
    const binned = binColumns(x);
    const sampleSize = Math.max(1, Math.round(p.sampleFraction * x.rows));
    const weight = new Float64Array(x.rows);
    const trees: FlatTree[] = [];
    for (let t = 0; t < p.nEstimators; t++) {
      await checkpoint();
      weight.fill(0);
      for (let i = 0; i < sampleSize; i++) weight[Math.floor(rng() * x.rows)]++;
      trees.push(
        growTree(binned, y, weight, {
          maxDepth: p.maxDepth,
          minSamplesSplit: p.minNumSamples,
          gainFunction: 'gini',
          featuresPerNode: featuresPerNode(x.cols, p.maxFeatures),
          rng,
        }),
      );
      opts.onProgress?.({ phase: 'Training', done: t + 1, total: p.nEstimators, detail: `tree ${t + 1} of ${p.nEstimators}` });
    }
    this.#state = { inputDims: x.cols, trees };
  }

  async predictProba(x: Matrix): Promise<Float32Array> {
    if (!this.#state) throw notFitted(this.kind);
    checkColumns(x, this.#state.inputDims);
    const { trees } = this.#state;
    const out = new Float32Array(x.rows);
    for (let r = 0; r < x.rows; r++) {
      let sum = 0;
      for (const tree of trees) sum += treeValue(tree, x, r);
      out[r] = sum / trees.length;
    }
    return out;
  }

  async toJSON(): Promise<SavedModel> {
    if (!this.#state) throw notFitted(this.kind);
    return { kind: this.kind, schemaVersion: FOREST_SCHEMA_VERSION, params: { ...this.params }, state: structuredClone(this.#state) };
  }

  static load(saved: SavedModel): RandomForest {
    const model = new RandomForest(saved.params);
    const s = saved.state as Partial<ForestState> | null;
    if (!s || typeof s.inputDims !== 'number' || !Array.isArray(s.trees) || s.trees.length === 0 || !s.trees.every((t) => isFlatTree(t, s.inputDims!))) {
      throw new EngineError('invalid-argument', 'The saved forest is malformed.');
    }
    model.#state = { inputDims: s.inputDims, trees: s.trees };
    return model;
  }

  dispose(): void {}
}
