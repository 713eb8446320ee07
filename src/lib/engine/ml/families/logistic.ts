import { DenseNetwork } from './dense';
import { LOGISTIC_PARAMS, resolveParams } from './params';

export { LOGISTIC_PARAMS };

export type LogisticParams = {
  epochs: number;
  learningRate: number;
  batchSize: number;
  l2: number;
};

/** Logistic regression: one dense sigmoid unit trained with Adam on binary cross-entropy. */
export function createLogistic(params?: Record<string, unknown>): DenseNetwork {
  const p = resolveParams<LogisticParams>(LOGISTIC_PARAMS, params);
  return new DenseNetwork('logistic', { ...p }, { ...p, hiddenLayers: [], dropout: 0, patience: 0 });
}
