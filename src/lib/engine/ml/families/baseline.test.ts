import { beforeAll, describe, expect, it } from 'vitest';
import { initTfjsForNode } from '../tfjsNode';
import { createModel, loadModel } from './index';
import { syntheticProblem } from './testData';

describe('baseline (scaler + PCA + logistic)', () => {
  beforeAll(async () => {
    await initTfjsForNode();
  });

  it('learns more than the majority class and round-trips through JSON with the same predictions', async () => {
    const problem = syntheticProblem();
    const model = createModel('baseline', { components: 3, epochs: 40, learningRate: 0.05 });
    await model.fit(problem.train.x, problem.train.y, { seed: 3 });
    const p = await model.predictProba(problem.test.x);
    const accuracy = p.reduce((n, v, i) => n + Number((v >= 0.5 ? 1 : 0) === problem.test.y[i]), 0) / p.length;
    const poisonousShare = problem.test.y.reduce((n, v) => n + v, 0) / problem.test.y.length;
    expect(accuracy).toBeGreaterThan(Math.max(poisonousShare, 1 - poisonousShare));

    const saved = JSON.parse(JSON.stringify(await model.toJSON()));
    expect(saved).toMatchObject({ kind: 'baseline', schemaVersion: 1, params: { components: 3 } });
    const loaded = await loadModel(saved);
    const q = await loaded.predictProba(problem.test.x);
    q.forEach((v, i) => expect(v).toBeCloseTo(p[i], 6));
    model.dispose();
    loaded.dispose();
  });
});
