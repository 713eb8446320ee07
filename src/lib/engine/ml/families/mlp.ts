import { DenseNetwork, type DenseConfig } from './dense';
import { MLP_PARAMS, resolveParams } from './params';

export { MLP_PARAMS };

/** An MLP's hyperparameters are exactly the dense network's configuration. */
export type MlpParams = DenseConfig;

/** A multilayer perceptron: ReLU hidden layers, a sigmoid output, Adam on binary cross-entropy. */
export function createMlp(params?: Record<string, unknown>): DenseNetwork {
  const p = resolveParams<MlpParams>(MLP_PARAMS, params);
  return new DenseNetwork('mlp', { ...p, hiddenLayers: [...p.hiddenLayers] }, { ...p, hiddenLayers: [...p.hiddenLayers] });
}
