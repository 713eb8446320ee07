import { describe, expect, it } from 'vitest';
import type { ModelKind, SavedModel } from '../model';
import { createModel, FAMILY_INFO, loadModel } from './index';

describe('model families', () => {
  it('describe every family with defaults that createModel accepts', () => {
    for (const [kind, info] of Object.entries(FAMILY_INFO)) {
      expect(info.label).toBeTruthy();
      expect(info.description).toBeTruthy();
      const defaults = Object.fromEntries(info.params.map((p) => [p.name, p.default]));
      const model = createModel(kind as ModelKind, defaults);
      expect(model.params).toEqual(defaults);
      expect(createModel(kind as ModelKind).params).toEqual(defaults);
      for (const p of info.params) if (p.type === 'choice') expect(p.choices).toContain(p.default);
    }
  });

  it('refuses unknown kinds, unknown params and out-of-range values', () => {
    expect(() => createModel('baseline', { components: 0 })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => createModel('svm' as ModelKind)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => createModel('tree', { depth: 3 })).toThrow(expect.objectContaining({ code: 'invalid-argument', details: expect.objectContaining({ name: 'depth' }) }));
    expect(() => createModel('tree', { gainFunction: 'chi2' })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => createModel('forest', { nEstimators: 0 })).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });

  it('loadModel refuses unknown kinds and format versions', async () => {
    const saved: SavedModel = {
      kind: 'tree',
      schemaVersion: 1,
      params: {},
      state: { inputDims: 1, tree: { feature: [-1], threshold: [0], left: [-1], right: [-1], value: [0.5] } },
    };
    await expect(loadModel(saved)).resolves.toMatchObject({ kind: 'tree' });
    await expect(loadModel({ ...saved, kind: 'svm' as ModelKind })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(loadModel({ ...saved, kind: 'baseline', schemaVersion: 9 })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(loadModel({ ...saved, schemaVersion: 2 })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(loadModel({ ...saved, state: { inputDims: 1 } })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(loadModel({ ...saved, kind: 'mlp', state: {} })).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});
