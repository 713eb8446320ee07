import { MISSING_CODE, type ColumnData, type Dataset } from '../data/dataset';
import type { WorkspaceSchema } from '../data/schema';
import { EngineError } from '../errors';
import { matrix, type Matrix } from './matrix';
import type { Model } from './model';
import type { Preprocessor } from './preprocess';

/** One form's answers: a code (or label) per categorical feature, a number per numeric one; null = not given. */
export type FeatureInput = Record<string, string | number | null | undefined>;

/** How much one feature pushed P(poisonous): the probability with it minus the probability without it. */
export interface Contribution {
  feature: string;
  label: string;
  /** The value as the user gave it, in words. */
  value: string;
  contribution: number;
}

/** A single tree's reasons: each test the mushroom passed on the way to its leaf, in words. */
export interface DecisionPath {
  steps: string[];
  /** Share of poisonous training rows in the leaf: the tree's P(poisonous). */
  leafPoisonous: number;
}

/** A one-row Dataset from form input; unknown codes are refused, empty fields are missing values. */
export function datasetFromInput(schema: WorkspaceSchema, input: FeatureInput): Dataset {
  const columns: ColumnData[] = schema.features.map((f) => {
    const raw = input[f.name];
    const empty = raw === null || raw === undefined || raw === '';
    if (f.kind === 'numeric') {
      const v = empty ? NaN : Number(raw);
      if (!empty && !Number.isFinite(v)) throw new EngineError('invalid-argument', `${f.label}: "${raw}" is not a number.`, { column: f.name });
      return { name: f.name, kind: 'numeric', values: Float64Array.of(v) };
    }
    let code = MISSING_CODE;
    if (!empty) {
      code = f.codes.findIndex((c) => c.code === raw || c.label === raw);
      if (code < 0) throw new EngineError('invalid-argument', `${f.label}: "${raw}" is not one of its codes.`, { column: f.name });
    }
    return { name: f.name, kind: 'categorical', values: Uint8Array.of(code) };
  });
  return { rows: 1, label: Uint8Array.of(0), columns };
}

/**
 * P(poisonous) for one input and each given feature's contribution, by occlusion: the feature is
 * removed (its one-hot block zeroed, a number set to the training mean) and the change in P is its
 * push. Model-agnostic, so every family explains the same way, in one batched call.
 */
export async function explainOne(
  schema: WorkspaceSchema,
  pre: Preprocessor,
  model: Model,
  input: FeatureInput,
): Promise<{ pPoisonous: number; contributions: Contribution[]; unknown: string[]; path?: DecisionPath }> {
  const ds = datasetFromInput(schema, input);
  const enc = pre.transform(ds);
  const blocks = pre.featureBlocks();
  const given = schema.features.map((f, j) => ({ f, j })).filter(({ f }) => input[f.name] !== null && input[f.name] !== undefined && input[f.name] !== '');
  const x = matrix(1 + given.length, pre.dims);
  for (let r = 0; r <= given.length; r++) x.data.set(enc.x.data, r * pre.dims);
  given.forEach(({ j }, k) => x.data.fill(0, (k + 1) * pre.dims + blocks[j].start, (k + 1) * pre.dims + blocks[j].end));
  const p = await model.predictProba(x);
  const contributions = given
    .map(({ f }, k): Contribution => {
      const raw = input[f.name]!;
      const value = f.kind === 'categorical' ? (f.codes.find((c) => c.code === raw || c.label === raw)?.label ?? String(raw)) : `${raw}${f.unit ? ` ${f.unit}` : ''}`;
      return { feature: f.name, label: f.label, value, contribution: p[0] - p[k + 1] };
    })
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  // Only answers the model never saw count as unknown; a field left empty is simply not given.
  const unknown = enc.unknown.filter((u) => u.code !== null).map((u) => u.column);
  const path = model.decisionPath?.(enc.x, 0);
  // A test on a field the user did not give states no fact about the mushroom: say how it was taken.
  const givenFeatures = new Set(given.map(({ j }) => j));
  const step = (s: { column: number; threshold: number; below: boolean }) => {
    const j = pre.featureOf(s.column);
    const said = pre.describeSplit(s.column, s.threshold, s.below);
    return givenFeatures.has(j) ? said : `${schema.features[j]?.label ?? said} not given (${pre.describeMissing(j)}): the tree went the way of “${said}”`;
  };
  return { pPoisonous: p[0], contributions, unknown, ...(path ? { path: { steps: path.steps.map(step), leafPoisonous: path.value } } : {}) };
}

/** How much a feature matters to a model overall: the mean change in P(poisonous) when it is removed. */
export interface FeatureImportance {
  feature: string;
  label: string;
  score: number;
}

/**
 * Global importance by the same occlusion as `explainOne`, averaged over (up to `maxRows` of) a
 * held-out split: what the form can tell the user before they answer anything.
 */
export async function featureImportance(schema: WorkspaceSchema, pre: Preprocessor, model: Model, x: Matrix, maxRows = 2000): Promise<FeatureImportance[]> {
  const rows = Math.min(x.rows, maxRows);
  if (!rows) return [];
  const base = matrix(rows, pre.dims);
  base.data.set(x.data.subarray(0, rows * pre.dims));
  const p0 = await model.predictProba(base);
  const blocks = pre.featureBlocks();
  const out: FeatureImportance[] = [];
  for (const [j, f] of schema.features.entries()) {
    const occluded = matrix(rows, pre.dims);
    occluded.data.set(base.data);
    for (let r = 0; r < rows; r++) occluded.data.fill(0, r * pre.dims + blocks[j].start, r * pre.dims + blocks[j].end);
    const p = await model.predictProba(occluded);
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += Math.abs(p0[r] - p[r]);
    out.push({ feature: f.name, label: f.label, score: sum / rows });
  }
  return out.sort((a, b) => b.score - a.score);
}
