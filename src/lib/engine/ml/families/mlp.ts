import { DenseNetwork } from './dense';
import { MLP_PARAMS, resolveParams } from './params';

export { MLP_PARAMS };

export type MlpParams = {
  hiddenLayers: number[];
  epochs: number;
  learningRate: number;
  batchSize: number;
  l2: number;
  dropout: number;
  patience: number;
};

/** A multilayer perceptron: ReLU hidden layers, a sigmoid output, Adam on binary cross-entropy. */
export function createMlp(params?: Record<string, unknown>): DenseNetwork {
  const p = resolveParams<MlpParams>(MLP_PARAMS, params);
  return new DenseNetwork('mlp', { ...p, hiddenLayers: [...p.hiddenLayers] }, { ...p, hiddenLayers: [...p.hiddenLayers] });
}
