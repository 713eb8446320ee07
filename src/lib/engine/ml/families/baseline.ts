import { EngineError } from '../../errors';
import { matrix, type Matrix } from '../matrix';
import type { FitOptions, Model, SavedModel } from '../model';
import { fitPca, loadPca, type Pca } from '../pca';
import { createLogistic } from './logistic';
import { BASELINE_PARAMS, resolveParams } from './params';

export const BASELINE_SCHEMA_VERSION = 1;

interface BaselineState {
  mean: number[];
  std: number[];
  pca: unknown;
  logistic: SavedModel;
}

/**
 * The seed projects' baseline, kept for comparison: standardise every encoded column, project on
 * the first PCA components, and fit a logistic regression on those few coordinates.
 */
export class BaselineModel implements Model {
  readonly kind = 'baseline' as const;
  readonly params: Record<string, unknown>;
  #mean: Float64Array = new Float64Array();
  #std: Float64Array = new Float64Array();
  #pca: Pca | null = null;
  #logistic: Model;

  constructor(params: Record<string, unknown> = {}, logistic?: Model) {
    const { components, ...rest } = resolveParams<Record<string, unknown>>(BASELINE_PARAMS, params);
    this.#logistic = logistic ?? createLogistic(rest);
    this.params = { components, ...this.#logistic.params };
  }

  #project(x: Matrix): Matrix {
    if (!this.#pca) throw new EngineError('invalid-argument', 'The baseline model has not been fitted.');
    const scaled = matrix(x.rows, x.cols);
    for (let i = 0; i < x.data.length; i++) {
      const c = i % x.cols;
      scaled.data[i] = (x.data[i] - this.#mean[c]) / this.#std[c];
    }
    const p = this.#pca.transform(scaled);
    return matrix(p.rows, p.cols, Float32Array.from(p.data));
  }

  async fit(x: Matrix, y: Uint8Array, opts: FitOptions): Promise<void> {
    const mean = new Float64Array(x.cols);
    const sq = new Float64Array(x.cols);
    for (let i = 0; i < x.data.length; i++) mean[i % x.cols] += x.data[i];
    for (let c = 0; c < x.cols; c++) mean[c] /= x.rows;
    for (let i = 0; i < x.data.length; i++) sq[i % x.cols] += (x.data[i] - mean[i % x.cols]) ** 2;
    this.#mean = mean;
    this.#std = sq.map((s) => Math.sqrt(s / x.rows) || 1);
    const scaled = matrix(x.rows, x.cols);
    for (let i = 0; i < x.data.length; i++) scaled.data[i] = (x.data[i] - mean[i % x.cols]) / this.#std[i % x.cols];
    this.#pca = fitPca(scaled, Math.min(Number(this.params.components), x.cols));
    const validation = opts.validation ? { x: this.#project(opts.validation.x), y: opts.validation.y } : undefined;
    await this.#logistic.fit(this.#project(x), y, { ...opts, validation });
  }

  predictProba(x: Matrix): Promise<Float32Array> {
    return this.#logistic.predictProba(this.#project(x));
  }

  async toJSON(): Promise<SavedModel> {
    if (!this.#pca) throw new EngineError('invalid-argument', 'The baseline model has not been fitted.');
    const state: BaselineState = { mean: [...this.#mean], std: [...this.#std], pca: this.#pca.toJSON(), logistic: await this.#logistic.toJSON() };
    return { kind: 'baseline', schemaVersion: BASELINE_SCHEMA_VERSION, params: this.params, state };
  }

  static async load(saved: SavedModel, loadLogistic: (s: SavedModel) => Promise<Model>): Promise<BaselineModel> {
    const s = saved.state as BaselineState;
    const m = new BaselineModel(saved.params, await loadLogistic(s.logistic));
    m.#mean = Float64Array.from(s.mean);
    m.#std = Float64Array.from(s.std);
    m.#pca = loadPca(s.pca);
    return m;
  }

  dispose(): void {
    this.#logistic.dispose();
  }
}
