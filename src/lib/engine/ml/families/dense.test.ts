import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../errors';
import { matrix } from '../matrix';
import type { ModelKind } from '../model';
import { initTfjsForNode } from '../tfjsNode';
import { createModel, loadModel } from './index';
import { accuracy, syntheticProblem, viaJson } from './testData';

const problem = syntheticProblem();
// Small data, so more steps per epoch than the defaults (which are tuned for ~43k rows) would give.
const families: { kind: ModelKind; params: Record<string, unknown> }[] = [
  { kind: 'logistic', params: { epochs: 30, batchSize: 32, learningRate: 0.05 } },
  { kind: 'mlp', params: { hiddenLayers: [16, 8], epochs: 20, batchSize: 32, learningRate: 0.01 } },
];

beforeAll(async () => {
  const backend = await initTfjsForNode();
  console.info(`tfjs backend: ${backend}`);
});

describe.each(families)('$kind', ({ kind, params }) => {
  async function trained(seed = 1) {
    const model = createModel(kind, params);
    await model.fit(problem.train.x, problem.train.y, { seed });
    return model;
  }

  it('learns a learnable problem, reporting every epoch', async () => {
    const epochs: [number, number, number | undefined][] = [];
    const progress: number[] = [];
    const model = createModel(kind, params);
    await model.fit(problem.train.x, problem.train.y, {
      seed: 1,
      validation: problem.test,
      onEpoch: (e, loss, valLoss) => epochs.push([e, loss, valLoss]),
      onProgress: (p) => progress.push(p.done),
    });
    expect(accuracy(await model.predictProba(problem.test.x), problem.test.y)).toBeGreaterThanOrEqual(0.95);
    expect(epochs.map((e) => e[0])).toEqual(Array.from({ length: params.epochs as number }, (_, i) => i + 1));
    expect(epochs.at(-1)![1]).toBeLessThan(epochs[0][1]);
    expect(epochs.every(([, l, v]) => Number.isFinite(l) && Number.isFinite(v))).toBe(true);
    expect(progress.at(-1)).toBe(params.epochs);
    model.dispose();
  });

  it('round-trips through JSON with the same predictions', async () => {
    const model = await trained();
    const saved = viaJson(await model.toJSON());
    expect(saved).toMatchObject({ kind, schemaVersion: 1 });
    const loaded = await loadModel(saved);
    const [a, b] = [await model.predictProba(problem.test.x), await loaded.predictProba(problem.test.x)];
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-6);
    // A loaded model saves again to the same weights.
    expect((await loaded.toJSON()).state).toMatchObject({ weightData: (saved.state as { weightData: string }).weightData });
    model.dispose();
    loaded.dispose();
  });

  it('repeats exactly with the same seed', async () => {
    const [m1, m2, m3] = [await trained(5), await trained(5), await trained(6)];
    const [p1, p2, p3] = [await m1.predictProba(problem.test.x), await m2.predictProba(problem.test.x), await m3.predictProba(problem.test.x)];
    expect(Array.from(p2)).toEqual(Array.from(p1));
    expect(Array.from(p3)).not.toEqual(Array.from(p1));
    [m1, m2, m3].forEach((m) => m.dispose());
  });

  it('stops on cancel with a typed error and frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const ctrl = new AbortController();
    const model = createModel(kind, params);
    const run = model.fit(problem.train.x, problem.train.y, { seed: 1, signal: ctrl.signal, onEpoch: (e) => e === 2 && ctrl.abort() });
    await expect(run).rejects.toMatchObject({ name: 'EngineError', code: 'cancelled' });
    expect(tf.memory().numTensors).toBe(before);
    await expect(model.predictProba(problem.test.x)).rejects.toBeInstanceOf(EngineError);

    const aborted = AbortSignal.abort();
    await expect(model.fit(problem.train.x, problem.train.y, { seed: 1, signal: aborted })).rejects.toMatchObject({ code: 'cancelled' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses data of the wrong shape', async () => {
    const model = await trained();
    await expect(model.predictProba(matrix(1, 3))).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(model.fit(problem.train.x, new Uint8Array(3), { seed: 1 })).rejects.toMatchObject({ code: 'invalid-argument' });
    model.dispose();
  });
});

describe('mlp options', () => {
  it('trains with dropout, L2 and early stopping without leaking tensors, and repeats exactly', async () => {
    const before = tf.memory().numTensors;
    const params = { hiddenLayers: [16, 8], epochs: 40, batchSize: 32, learningRate: 0.01, dropout: 0.2, l2: 1e-4, patience: 3 };
    const run = async () => {
      const model = createModel('mlp', params);
      let epochs = 0;
      await model.fit(problem.train.x, problem.train.y, { seed: 3, validation: problem.test, onEpoch: () => epochs++ });
      const p = await model.predictProba(problem.test.x);
      model.dispose();
      return { p, epochs };
    };
    const [a, b] = [await run(), await run()];
    expect(accuracy(a.p, problem.test.y)).toBeGreaterThanOrEqual(0.95);
    expect(Array.from(b.p)).toEqual(Array.from(a.p));
    expect(b.epochs).toBe(a.epochs);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses bad hyperparameters', () => {
    expect(() => createModel('mlp', { hiddenLayers: [0] })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => createModel('mlp', { dropout: 1 })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => createModel('logistic', { hiddenLayers: [8] })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => createModel('logistic', { epochs: 2.5 })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});
