import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinSchema } from '../data/builtinSchemas';
import type { ModelBundle } from './bundle';
import { initTfjsForNode } from './tfjsNode';
import { firstNonProbability, verifyBundle } from './verify';

const uci = builtinSchema('uci')!;
const secondary = builtinSchema('secondary')!;
const shipped = (): ModelBundle => JSON.parse(readFileSync(new URL('../../../../artifacts/uci.model.json', import.meta.url), 'utf8'));
const state = (b: ModelBundle) => b.model.state as { weightData: string };

/** The same weights, every float32 set to NaN (little-endian 0x7fc00000), base64 again. */
function nanWeights(b64: string): string {
  const bytes = Buffer.from(b64, 'base64');
  for (let i = 0; i + 3 < bytes.length; i += 4) bytes.writeFloatLE(NaN, i);
  return bytes.toString('base64');
}

beforeAll(() => initTfjsForNode());

describe('verifyBundle', () => {
  it('accepts the shipped bundle: it loads and answers a blank mushroom with a probability', async () => {
    const b = shipped();
    await expect(verifyBundle(uci, b)).resolves.toBe(b);
  });

  it('refuses weights cut short, naming why', async () => {
    const b = shipped();
    state(b).weightData = state(b).weightData.slice(0, 4000);
    await expect(verifyBundle(uci, b, 'This model file')).rejects.toMatchObject({
      code: 'unusable-model',
      message: expect.stringMatching(/^This model file cannot be used: it does not load/),
    });
  });

  it('refuses a model whose weights are all NaN: it answers no probability', async () => {
    const b = shipped();
    state(b).weightData = nanWeights(state(b).weightData);
    await expect(verifyBundle(uci, b)).rejects.toMatchObject({ code: 'unusable-model', message: expect.stringContaining('P(poisonous) = NaN') });
  });

  it('refuses a model with its state missing, and preprocessing for other columns', async () => {
    const b = shipped();
    delete (b.model as { state?: unknown }).state;
    await expect(verifyBundle(uci, b)).rejects.toMatchObject({ code: 'unusable-model' });
    await expect(verifyBundle(secondary, shipped())).rejects.toMatchObject({ code: 'unusable-model', message: expect.stringContaining('another column layout') });
  });
});

describe('firstNonProbability', () => {
  it('finds NaN, infinities and values outside [0, 1]; -1 when every value is a probability', () => {
    expect(firstNonProbability(Float32Array.of(0, 0.5, 1))).toBe(-1);
    expect(firstNonProbability(Float32Array.of(0.2, NaN))).toBe(1);
    expect(firstNonProbability([Infinity])).toBe(0);
    expect(firstNonProbability([0.1, 1.5])).toBe(1);
    expect(firstNonProbability([-0.01])).toBe(0);
  });
});
