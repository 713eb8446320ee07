import * as tf from '@tensorflow/tfjs';
import type { Matrix } from '../matrix';
import { childSeed, type Rng } from '../rng';

/*
 * Tensor code for the dense families, shaped by what is slow on the wasm backend (measured on
 * 43k × 128, batch 256, [64, 32]): a training step went from 7.8 ms to ~2.5 ms by
 * - matMul with transposeA/transposeB (what tfjs's own matMul gradient uses) being ~10× slower than
 *   transpose + matMul, so the gradients below transpose explicitly;
 * - tf.gather of 256 rows taking 1.4 ms, while copying them into a batch tensor in JS takes 0.08 ms;
 * - tfjs's sigmoidCrossEntropy gradient costing a dozen small ops, where sigmoid(z) − y is two.
 */

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
type Args = (tf.Tensor | tf.GradSaveFunc)[];

/** a @ b, for a hidden activation and a kernel. */
const matMul = tf.customGrad((...args: Args) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  const gradFunc: Grad = (dy, [sa, sb]) => [tf.matMul(dy as tf.Tensor2D, tf.transpose(sb as tf.Tensor2D)), tf.matMul(tf.transpose(sa as tf.Tensor2D), dy as tf.Tensor2D)];
  return { value: tf.matMul(a, b), gradFunc };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/** x @ kernel for the input layer: the gradient with respect to the data is never needed. */
const inputMatMul = tf.customGrad((...args: Args) => {
  const [x, k, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x]);
  const gradFunc: Grad = (dy, [sx]) => [tf.zerosLike(sx), tf.matMul(tf.transpose(sx as tf.Tensor2D), dy as tf.Tensor2D)];
  return { value: tf.matMul(x, k), gradFunc };
}) as (x: tf.Tensor2D, k: tf.Tensor2D) => tf.Tensor2D;

/** Mean binary cross-entropy on logits, in the stable form relu(z) − z·y + log(1 + e^−|z|). */
export const sigmoidCrossEntropy = tf.customGrad((...args: Args) => {
  const [z, y, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([z, y]);
  const value = tf.mean(tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z))))));
  const gradFunc: Grad = (dy, [sz, sy]) => [tf.mul(tf.sub(tf.sigmoid(sz), sy), tf.div(dy, sz.shape[0] ?? 1)), tf.zerosLike(sy)];
  return { value, gradFunc };
}) as (logits: tf.Tensor2D, labels: tf.Tensor2D) => tf.Scalar;

/** Kernel and bias of each dense layer, input to output: ReLU after every layer but the last. */
export type Weights = { kernel: tf.Tensor2D; bias: tf.Tensor1D }[];

/** The network's own variables (not copies), so gradients and setWeights reach them. */
export function weightsOf(net: tf.LayersModel): Weights {
  return net.layers.map((layer) => {
    const [kernel, bias] = layer.getWeights() as [tf.Tensor2D, tf.Tensor1D];
    return { kernel, bias };
  });
}

/**
 * The network's logits. Dropout masks (training only) multiply the hidden activations; they are
 * drawn here from the seeded rng because a seeded tfjs Dropout layer repeats one mask every batch.
 */
export function forward(weights: Weights, x: tf.Tensor2D, masks?: tf.Tensor2D[]): tf.Tensor2D {
  let h = x;
  weights.forEach(({ kernel, bias }, i) => {
    h = tf.add(i === 0 ? inputMatMul(h, kernel) : matMul(h, kernel), bias);
    if (i < weights.length - 1) h = tf.relu(h);
    if (masks && i < masks.length) h = tf.mul(h, masks[i]);
  });
  return h;
}

/** Inverted dropout masks (0 or 1/(1 − rate)) for one batch, one per hidden layer. */
export function dropoutMasks(rows: number, hidden: number[], rate: number, rng: Rng): tf.Tensor2D[] {
  const keep = 1 / (1 - rate);
  return hidden.map((units) => {
    const m = new Float32Array(rows * units);
    for (let i = 0; i < m.length; i++) m[i] = rng() < rate ? 0 : keep;
    return tf.tensor2d(m, [rows, units]);
  });
}

/** Dense layers with seeded Glorot-uniform kernels: ReLU hidden layers, one linear output unit (a logit). */
export function buildNetwork(inputDims: number, hidden: number[], rng: Rng): tf.Sequential {
  const net = tf.sequential();
  [...hidden, 1].forEach((units, i) =>
    net.add(
      tf.layers.dense({
        units,
        activation: i < hidden.length ? 'relu' : 'linear',
        inputShape: i === 0 ? [inputDims] : undefined,
        kernelInitializer: tf.initializers.glorotUniform({ seed: childSeed(rng) }),
      }),
    ),
  );
  return net;
}

/** Only the shape buildNetwork makes may be loaded: `forward` assumes it. */
export function hasExpectedArchitecture(net: tf.LayersModel, inputDims: number): boolean {
  const n = net.layers.length;
  return (
    n > 0 &&
    net.inputs[0].shape[1] === inputDims &&
    net.layers.every((l, i) => {
      const activation = (l.getConfig() as { activation?: string }).activation;
      return l.getClassName() === 'Dense' && activation === (i < n - 1 ? 'relu' : 'linear') && l.getWeights().length === 2;
    })
  );
}

/**
 * Rows `order[start..end)` of (x, y) as batch tensors, copied through reusable buffers. Reuse is
 * safe because each batch's tensors are disposed before the next batch is copied.
 */
export function batchTensors(x: Matrix, y: Uint8Array, order: Int32Array, start: number, end: number, buf: { x: Float32Array; y: Float32Array }): [tf.Tensor2D, tf.Tensor2D] {
  const n = end - start;
  const c = x.cols;
  for (let i = 0; i < n; i++) {
    const r = order[start + i];
    buf.x.set(x.data.subarray(r * c, r * c + c), i * c);
    buf.y[i] = y[r];
  }
  return [tf.tensor2d(buf.x.subarray(0, n * c), [n, c]), tf.tensor2d(buf.y.subarray(0, n), [n, 1])];
}
