import { EngineError, throwIfCancelled } from '../../errors';
import type { Matrix } from '../matrix';
import type { FitOptions, Model, SavedModel } from '../model';
import { binColumns, growTree, isFlatTree, treePath, treeValue, type FlatTree, type GainFunction, type PathStep } from './cart';
import { checkColumns, checkTrainingData, notFitted } from './common';
import { TREE_PARAMS, resolveParams } from './params';

export { TREE_PARAMS };

export type TreeParams = {
  maxDepth: number;
  minNumSamples: number;
  gainFunction: GainFunction;
};

export const TREE_SCHEMA_VERSION = 1;

interface TreeState {
  inputDims: number;
  tree: FlatTree;
}

/** One CART tree; P(poisonous) is the share of poisonous training rows in the leaf a row reaches. */
export class DecisionTree implements Model {
  readonly kind = 'tree' as const;
  readonly params: TreeParams;
  #state: TreeState | null = null;

  constructor(params?: Record<string, unknown>) {
    this.params = resolveParams<TreeParams>(TREE_PARAMS, params);
  }

  async fit(x: Matrix, y: Uint8Array, opts: FitOptions): Promise<void> {
    checkTrainingData(x, y, opts.validation);
    throwIfCancelled(opts.signal);
    opts.onProgress?.({ phase: 'Training', done: 0, total: 1 });
    const binned = binColumns(x);
    throwIfCancelled(opts.signal);
    const tree = growTree(binned, y, new Float64Array(x.rows).fill(1), {
      maxDepth: this.params.maxDepth,
      minSamplesSplit: this.params.minNumSamples,
      gainFunction: this.params.gainFunction,
      featuresPerNode: x.cols,
    });
    throwIfCancelled(opts.signal);
    this.#state = { inputDims: x.cols, tree };
    opts.onProgress?.({ phase: 'Training', done: 1, total: 1, detail: `${tree.feature.length} nodes` });
  }

  async predictProba(x: Matrix): Promise<Float32Array> {
    if (!this.#state) throw notFitted(this.kind);
    checkColumns(x, this.#state.inputDims);
    const out = new Float32Array(x.rows);
    for (let r = 0; r < x.rows; r++) out[r] = treeValue(this.#state.tree, x, r);
    return out;
  }

  decisionPath(x: Matrix, r: number): { steps: PathStep[]; value: number } {
    if (!this.#state) throw notFitted(this.kind);
    checkColumns(x, this.#state.inputDims);
    return treePath(this.#state.tree, x, r);
  }

  async toJSON(): Promise<SavedModel> {
    if (!this.#state) throw notFitted(this.kind);
    return { kind: this.kind, schemaVersion: TREE_SCHEMA_VERSION, params: { ...this.params }, state: structuredClone(this.#state) };
  }

  static load(saved: SavedModel): DecisionTree {
    const model = new DecisionTree(saved.params);
    const s = saved.state as Partial<TreeState> | null;
    if (!s || typeof s.inputDims !== 'number' || !isFlatTree(s.tree, s.inputDims)) throw new EngineError('invalid-argument', 'The saved tree is malformed.');
    model.#state = { inputDims: s.inputDims, tree: s.tree };
    return model;
  }

  dispose(): void {}
}
