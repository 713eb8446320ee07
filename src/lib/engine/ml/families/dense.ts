import * as tf from '@tensorflow/tfjs';
import { EngineError } from '../../errors';
import type { Matrix } from '../matrix';
import type { FitOptions, Model, SavedModel } from '../model';
import { seededRng, shuffle, type Rng } from '../rng';
import { cancellationPoint, checkColumns, checkTrainingData, notFitted } from './common';
import { batchTensors, buildNetwork, dropoutMasks, forward, hasExpectedArchitecture, sigmoidCrossEntropy, weightsOf, type Weights } from './denseOps';

/** What the tfjs families share: logistic regression is this network with no hidden layers. */
export interface DenseConfig {
  hiddenLayers: number[];
  epochs: number;
  learningRate: number;
  batchSize: number;
  /** L2 penalty on kernels (not biases), added to the loss as l2 · Σw². */
  l2: number;
  /** Dropout rate after each hidden layer while training; 0 = none. */
  dropout: number;
  /** Early stopping: stop after this many epochs without a better validation loss, keep the best weights; 0 = off. */
  patience: number;
}

export const DENSE_SCHEMA_VERSION = 1;

/** Rows per predict call: tfjs's default of 32 makes 60k rows crawl. */
const PREDICT_BATCH = 8192;

interface DenseState {
  inputDims: number;
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  /** Base64 of the weights' float32 bytes. */
  weightData: string;
}

function toBase64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let s = '';
  // One byte at a time, not fromCharCode(...chunk): as fast in V8, and no argument list for the stack.
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s);
}

function fromBase64(b64: string): ArrayBuffer {
  const s = atob(b64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes.buffer;
}

interface StepContext {
  cfg: DenseConfig;
  optimizer: tf.Optimizer;
  weights: Weights;
  vars: tf.Variable[];
  x: Matrix;
  y: Uint8Array;
  order: Int32Array;
  buf: { x: Float32Array; y: Float32Array };
  rng: Rng;
}

/**
 * One optimizer step on the rows order[s … e − 1]. Returns `lossSum` plus this batch's summed data
 * loss: the loss without the L2 term, so that it compares with the validation loss.
 */
function trainStep({ cfg, optimizer, weights, vars, x, y, order, buf, rng }: StepContext, s: number, e: number, lossSum: tf.Scalar): tf.Scalar {
  return tf.tidy(() => {
    const [xb, yb] = batchTensors(x, y, order, s, e, buf);
    const masks = cfg.dropout > 0 ? dropoutMasks(e - s, cfg.hiddenLayers, cfg.dropout, rng) : undefined;
    let dataLoss: tf.Scalar | null = null;
    optimizer.minimize(
      () => {
        const bce = sigmoidCrossEntropy(forward(weights, xb, masks), yb);
        dataLoss = tf.keep(tf.clone(bce));
        if (cfg.l2 === 0) return bce;
        return tf.add(bce, tf.mul(cfg.l2, tf.addN(weights.map((w) => tf.sum(tf.square(w.kernel)))))) as tf.Scalar;
      },
      false,
      vars,
    );
    const kept = dataLoss as tf.Scalar | null;
    const sum = tf.add(lossSum, tf.mul(kept!, e - s)) as tf.Scalar;
    kept!.dispose();
    return sum;
  });
}

/** Mean sigmoid cross-entropy of the network on (x, y), in large batches, outside any gradient tape. */
async function meanLoss(weights: Weights, x: Matrix, y: Uint8Array): Promise<number> {
  let sum = 0;
  for (let s = 0; s < x.rows; s += PREDICT_BATCH) {
    const e = Math.min(x.rows, s + PREDICT_BATCH);
    const l = tf.tidy(() => {
      const logits = forward(weights, tf.tensor2d(x.data.subarray(s * x.cols, e * x.cols), [e - s, x.cols]));
      const labels = tf.tensor2d(Float32Array.from(y.subarray(s, e)), [e - s, 1]);
      return tf.mul(sigmoidCrossEntropy(logits, labels), e - s);
    });
    sum += (await l.data())[0];
    l.dispose();
  }
  return sum / Math.max(1, x.rows);
}

export class DenseNetwork implements Model {
  readonly kind: 'logistic' | 'mlp';
  readonly params: Record<string, unknown>;
  readonly #config: DenseConfig;
  #net: tf.LayersModel | null = null;
  #inputDims = 0;

  constructor(kind: 'logistic' | 'mlp', params: Record<string, unknown>, config: DenseConfig) {
    this.kind = kind;
    this.params = params;
    this.#config = config;
  }

  async fit(x: Matrix, y: Uint8Array, opts: FitOptions): Promise<void> {
    checkTrainingData(x, y, opts.validation);
    const cfg = this.#config;
    const checkpoint = cancellationPoint(opts.signal);
    await checkpoint();
    const rng = seededRng(opts.seed);
    const net = buildNetwork(x.cols, cfg.hiddenLayers, rng);
    const optimizer = tf.train.adam(cfg.learningRate);
    const weights = weightsOf(net);
    const vars = net.trainableWeights.map((w) => w.read() as tf.Variable);
    let best: { loss: number; weights: tf.Tensor[] } | null = null;
    let sinceBest = 0;
    let lossSum: tf.Scalar = tf.scalar(0);
    try {
      const order = Int32Array.from({ length: x.rows }, (_, i) => i);
      const buf = { x: new Float32Array(cfg.batchSize * x.cols), y: new Float32Array(cfg.batchSize) };
      for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
        shuffle(order, rng);
        lossSum.dispose();
        lossSum = tf.scalar(0);
        for (let s = 0; s < x.rows; s += cfg.batchSize) {
          await checkpoint();
          const e = Math.min(x.rows, s + cfg.batchSize);
          const prev = lossSum;
          const next = trainStep({ cfg, optimizer, weights, vars, x, y, order, buf, rng }, s, e, prev);
          prev.dispose();
          lossSum = next;
        }
        const loss = (await lossSum.data())[0] / x.rows;
        const valLoss = opts.validation && opts.validation.x.rows > 0 ? await meanLoss(weights, opts.validation.x, opts.validation.y) : undefined;
        opts.onEpoch?.(epoch, loss, valLoss);
        opts.onProgress?.({
          phase: 'Training',
          done: epoch,
          total: cfg.epochs,
          detail: `loss ${loss.toFixed(4)}${valLoss === undefined ? '' : `, validation ${valLoss.toFixed(4)}`}`,
        });
        if (cfg.patience > 0 && valLoss !== undefined) {
          if (!best || valLoss < best.loss) {
            best?.weights.forEach((w) => w.dispose());
            best = { loss: valLoss, weights: net.getWeights().map((w) => w.clone()) };
            sinceBest = 0;
          } else if (++sinceBest >= cfg.patience) break;
        }
      }
      if (best) net.setWeights(best.weights);
    } catch (err) {
      net.dispose();
      throw err;
    } finally {
      lossSum.dispose();
      best?.weights.forEach((w) => w.dispose());
      optimizer.dispose(); // net.dispose() does not free an optimizer we created
    }
    this.#net?.dispose();
    this.#net = net;
    this.#inputDims = x.cols;
  }

  async predictProba(x: Matrix): Promise<Float32Array> {
    if (!this.#net) throw notFitted(this.kind);
    checkColumns(x, this.#inputDims);
    const weights = weightsOf(this.#net);
    const out = new Float32Array(x.rows);
    for (let s = 0; s < x.rows; s += PREDICT_BATCH) {
      const e = Math.min(x.rows, s + PREDICT_BATCH);
      const p = tf.tidy(() => tf.sigmoid(forward(weights, tf.tensor2d(x.data.subarray(s * x.cols, e * x.cols), [e - s, x.cols]))));
      out.set(await p.data(), s);
      p.dispose();
    }
    return out;
  }

  async toJSON(): Promise<SavedModel> {
    const net = this.#net;
    if (!net) throw notFitted(this.kind);
    let artifacts: tf.io.ModelArtifacts | null = null;
    await net.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const a = artifacts as tf.io.ModelArtifacts | null;
    if (!a?.weightData || !a.weightSpecs || !a.modelTopology) throw new EngineError('internal', 'tfjs returned no weights when saving the model.');
    const state: DenseState = {
      inputDims: this.#inputDims,
      modelTopology: a.modelTopology as object,
      weightSpecs: a.weightSpecs,
      weightData: toBase64(tf.io.CompositeArrayBuffer.join(a.weightData)),
    };
    return { kind: this.kind, schemaVersion: DENSE_SCHEMA_VERSION, params: { ...this.params }, state };
  }

  /** Restores trained weights from `toJSON()` output (the kind and version are checked by the caller). */
  async restore(state: unknown): Promise<this> {
    const s = state as Partial<DenseState> | null;
    if (!s || typeof s.inputDims !== 'number' || typeof s.weightData !== 'string' || !s.modelTopology || !Array.isArray(s.weightSpecs)) {
      throw new EngineError('invalid-argument', `The saved ${this.kind} model has no usable weights.`);
    }
    let net: tf.LayersModel;
    try {
      net = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: s.modelTopology, weightSpecs: s.weightSpecs, weightData: fromBase64(s.weightData) }));
    } catch (e) {
      throw new EngineError('invalid-argument', `The saved ${this.kind} model could not be loaded: ${(e as Error).message}`);
    }
    if (!hasExpectedArchitecture(net, s.inputDims)) {
      net.dispose();
      throw new EngineError('invalid-argument', `The saved ${this.kind} model has an unexpected architecture.`);
    }
    this.#net?.dispose();
    this.#net = net;
    this.#inputDims = s.inputDims;
    return this;
  }

  dispose(): void {
    this.#net?.dispose();
    this.#net = null;
  }
}
