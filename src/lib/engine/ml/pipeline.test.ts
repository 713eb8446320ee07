import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeCsv } from '../data/importCsv';
import { BUILTIN_SCHEMAS } from '../data/builtinSchemas';
import { readSample } from '$lib/testing/sharedData';
import { loadModel } from './families';
import { runTrainingPipeline, PIPELINE_STEPS, type StepId, type StepStatus } from './pipeline';
import { Preprocessor } from './preprocess';
import { takeDatasetRows } from './split';
import { initTfjsForNode } from './tfjsNode';
import { decide } from './threshold';

describe('runTrainingPipeline on the synthetic UCI-style sample', () => {
  let input: Awaited<ReturnType<typeof analyzeCsv>>;
  beforeAll(async () => {
    await initTfjsForNode();
    input = await analyzeCsv(readSample('uci-synthetic.csv'), { sourceName: 'sample', schemas: [...BUILTIN_SCHEMAS] });
  });
  const request = (kind: 'tree' | 'mlp', seed = 5) => ({
    workspaceId: 'uci',
    schema: input.schema,
    dataset: input.dataset,
    dataSha256: input.report.sha256,
    kind,
    seed,
    appVersion: 'test',
  });

  it('runs every step in order and returns a bundle that predicts the same after a JSON round trip', async () => {
    const steps: [StepId, StepStatus][] = [];
    const { bundle, model, preprocessor } = await runTrainingPipeline(request('tree'), { onStep: (id, status) => steps.push([id, status]) });
    expect(steps.filter(([, s]) => s === 'done').map(([id]) => id)).toEqual(PIPELINE_STEPS.map((s) => s.id).filter((id) => id !== 'register'));
    expect(bundle.data.split).toEqual({ train: 280, validation: 60, test: 60 });
    expect(bundle.evaluation.rows).toBe(60);
    expect(bundle.evaluation.atHalf.accuracy).toBeGreaterThan(0.8);
    expect(bundle.threshold.edibleAbove).toBeGreaterThanOrEqual(0.9);
    // The threshold is honest on its own validation split: no poisonous row there is called edible.
    expect(bundle.threshold.validation.falseEdible).toBe(0);
    expect((bundle.referenceProfile as { rows: number }).rows).toBe(280); // statistics of the training split only

    const saved = JSON.parse(JSON.stringify(bundle));
    const again = await loadModel(saved.model);
    const pre = Preprocessor.load(input.schema, saved.preprocessor);
    const x = pre.transform(input.dataset).x;
    expect(Array.from(await again.predictProba(x))).toEqual(Array.from(await model.predictProba(preprocessor.transform(input.dataset).x)));
    const verdicts = new Set(Array.from(await again.predictProba(x)).map((p) => decide(p, bundle.threshold)));
    expect([...verdicts].every((v) => ['edible', 'uncertain', 'poisonous'].includes(v))).toBe(true);
  });

  it('adds feedback rows to the training split only: validation and test stay those of the reference data', async () => {
    const extra = takeDatasetRows(
      input.dataset,
      Uint32Array.from({ length: 25 }, (_, i) => i),
    );
    const plain = await runTrainingPipeline(request('tree'));
    const logs: string[] = [];
    const more = await runTrainingPipeline({ ...request('tree'), extraTrainRows: extra }, { onLog: (l) => logs.push(l) });
    expect(more.bundle.data.split).toEqual({ train: 305, validation: 60, test: 60 });
    const positives = (e: typeof plain.bundle.evaluation) => e.atHalf.confusion.tp + e.atHalf.confusion.fn;
    expect(positives(more.bundle.evaluation)).toBe(positives(plain.bundle.evaluation)); // the same test rows
    expect(logs).toContain('Training split: 280 reference rows + 25 feedback rows.');
  });

  it('records the guarantee (or its refusal) and the 5-fold check; crossValidate: false skips the check', async () => {
    const { bundle } = await runTrainingPipeline(request('tree'));
    // 60 validation rows hold ~30 poisonous ones: too few for α = 1 %, δ = 5 %.
    expect(bundle.threshold.guarantee).toMatchObject({ alpha: 0.01, delta: 0.05, stated: false });
    expect(bundle.threshold.guarantee?.reason).toMatch(/^needs at least 299 poisonous calibration rows for α = 0.01 and δ = 0.05; has \d+$/);
    const loose = await runTrainingPipeline({ ...request('tree'), alpha: 0.2, delta: 0.1 });
    expect(loose.bundle.threshold.guarantee).toMatchObject({ alpha: 0.2, delta: 0.1, stated: true });
    expect(loose.bundle.threshold.edibleAbove).toBeGreaterThanOrEqual(0.9);
    expect(bundle.evaluation.crossValidation).toMatchObject({ folds: 5, rows: 400 });

    const steps = new Map<StepId, StepStatus>();
    const quick = await runTrainingPipeline({ ...request('tree'), crossValidate: false }, { onStep: (id, s) => steps.set(id, s) });
    expect(steps.get('crossValidate')).toBe('skipped');
    expect(quick.bundle.evaluation.crossValidation).toBeUndefined();
    expect(quick.bundle.threshold).toEqual(bundle.threshold);
  });

  it('refuses an α or δ outside (0, 1)', async () => {
    await expect(runTrainingPipeline({ ...request('tree'), alpha: 0 })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(runTrainingPipeline({ ...request('tree'), delta: 1 })).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('repeats exactly with the same seed', async () => {
    const a = await runTrainingPipeline(request('mlp', 9));
    const b = await runTrainingPipeline(request('mlp', 9));
    // Everything but the 5-fold check's wall-clock time.
    const same = (e: typeof a.bundle.evaluation) => ({ ...e, crossValidation: { ...e.crossValidation, ms: 0 } });
    expect(same(b.bundle.evaluation)).toEqual(same(a.bundle.evaluation));
    a.model.dispose();
    b.model.dispose();
  });

  it('stops on cancel during training with the step marked cancelled', async () => {
    const ctrl = new AbortController();
    const statuses = new Map<StepId, StepStatus>();
    const run = runTrainingPipeline(
      { ...request('mlp'), params: { epochs: 200 } },
      { signal: ctrl.signal, onStep: (id, s) => statuses.set(id, s), onEpoch: (e) => e === 2 && ctrl.abort() },
    );
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(statuses.get('train')).toBe('cancelled');
    expect(statuses.has('evaluate')).toBe(false);
  });

  it('refuses data with a single class', async () => {
    const oneClass = { ...input.dataset, label: new Uint8Array(input.dataset.rows) };
    await expect(runTrainingPipeline({ ...request('tree'), dataset: oneClass })).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});
