import type { WorkspaceSchema } from '../data/schema';
import { EngineError } from '../errors';
import type { ModelBundle, VerifiedBundle } from './bundle';
import { datasetFromInput } from './explain';
import { loadModel } from './families';
import type { Model } from './model';
import { Preprocessor } from './preprocess';

/** The reason a model cannot answer, as one phrase ("its weights could not be read: …"). */
export function unusableModel(what: string, reason: string, details: Record<string, string | number> = {}): EngineError {
  return new EngineError('unusable-model', `${what} cannot be used: ${reason}`, { reason, ...details });
}

/** The index of the first P(poisonous) that is not a probability (NaN, ±∞, outside [0, 1]), or -1. */
export function firstNonProbability(p: ArrayLike<number>): number {
  for (let i = 0; i < p.length; i++) if (!(p[i] >= 0 && p[i] <= 1)) return i;
  return -1;
}

/** Throws unusable-model when any answer is not a probability: a model that says "NaN" must never be served. */
export function assertProbabilities(p: ArrayLike<number>, what: string, details: Record<string, string | number> = {}): void {
  const i = firstNonProbability(p);
  if (i >= 0) throw unusableModel(what, `it answers P(poisonous) = ${p[i]}, not a probability (damaged weights?).`, details);
}

/** A cause's first line as a clause inside a sentence: no capital, no final full stop. */
const clause = (e: unknown) =>
  String((e as Error)?.message ?? e)
    .split('\n')[0]
    .replace(/\.$/, '')
    .replace(/^[A-Z](?=[a-z ])/, (c) => c.toLowerCase());

/**
 * A bundle's model and preprocessing, loaded and checked on a probe mushroom (every field left
 * blank, what an empty form sends): it must load and answer a probability. Anything else — weights
 * cut short, state missing, NaN weights, preprocessing for other columns — throws unusable-model.
 * The caller owns the returned model (dispose it).
 */
export async function loadUsableModel(schema: WorkspaceSchema, bundle: ModelBundle, what: string): Promise<{ model: Model; preprocessor: Preprocessor }> {
  let preprocessor: Preprocessor;
  let model: Model;
  try {
    preprocessor = Preprocessor.load(schema, bundle.preprocessor);
    model = await loadModel(bundle.model);
  } catch (e) {
    throw unusableModel(what, `it does not load (${clause(e)}).`);
  }
  try {
    const p = await model.predictProba(preprocessor.transform(datasetFromInput(schema, {})).x);
    assertProbabilities(p, what);
    return { model, preprocessor };
  } catch (e) {
    model.dispose();
    throw e instanceof EngineError && e.code === 'unusable-model' ? e : unusableModel(what, `it fails on a test mushroom (${clause(e)}).`);
  }
}

/**
 * Checks that a bundle loads and answers before it is registered (trained, retrained, imported,
 * shipped). `outcome` ends the message ("Nothing was imported.").
 */
export async function verifyBundle(schema: WorkspaceSchema, bundle: ModelBundle, what = 'This model', outcome = 'It was not registered.'): Promise<VerifiedBundle> {
  try {
    const { model } = await loadUsableModel(schema, bundle, what);
    model.dispose();
  } catch (e) {
    if (e instanceof EngineError) e.message = `${e.message} ${outcome}`;
    throw e;
  }
  return bundle as VerifiedBundle;
}
