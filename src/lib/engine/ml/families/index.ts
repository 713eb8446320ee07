import { EngineError } from '../../errors';
import type { Model, ModelKind, SavedModel } from '../model';
import { DENSE_SCHEMA_VERSION } from './dense';
import { FOREST_SCHEMA_VERSION, RandomForest } from './forest';
import { createLogistic } from './logistic';
import { createMlp } from './mlp';
import { FAMILY_INFO, type FamilyKind } from './params';
import { DecisionTree, TREE_SCHEMA_VERSION } from './tree';
import { BASELINE_SCHEMA_VERSION, BaselineModel } from './baseline';

export { FAMILY_INFO, type FamilyInfo, type FamilyKind, type HyperParam } from './params';

const SCHEMA_VERSIONS: Record<FamilyKind, number> = {
  logistic: DENSE_SCHEMA_VERSION,
  mlp: DENSE_SCHEMA_VERSION,
  tree: TREE_SCHEMA_VERSION,
  forest: FOREST_SCHEMA_VERSION,
  baseline: BASELINE_SCHEMA_VERSION,
};

function isFamilyKind(kind: unknown): kind is FamilyKind {
  return typeof kind === 'string' && Object.hasOwn(FAMILY_INFO, kind);
}

/** An untrained model of `kind`; params are checked against the family's descriptors, defaults fill the rest. */
export function createModel(kind: ModelKind, params?: Record<string, unknown>): Model {
  switch (kind) {
    case 'logistic':
      return createLogistic(params);
    case 'mlp':
      return createMlp(params);
    case 'tree':
      return new DecisionTree(params);
    case 'forest':
      return new RandomForest(params);
    case 'baseline':
      return new BaselineModel(params);
    default:
      throw new EngineError('invalid-argument', `Unknown model kind "${String(kind)}".`, { kind: String(kind) });
  }
}

/** Restores a model from `toJSON()` output; refuses kinds and format versions this build does not know. */
export async function loadModel(saved: SavedModel): Promise<Model> {
  const kind: unknown = saved?.kind;
  if (!isFamilyKind(kind)) throw new EngineError('invalid-argument', `Unknown model kind "${String(kind)}".`, { kind: String(kind) });
  if (saved.schemaVersion !== SCHEMA_VERSIONS[kind]) {
    throw new EngineError('invalid-argument', `A ${kind} model in format version ${saved.schemaVersion} cannot be read by this version (it reads ${SCHEMA_VERSIONS[kind]}).`, {
      kind,
      schemaVersion: typeof saved.schemaVersion === 'number' ? saved.schemaVersion : String(saved.schemaVersion),
    });
  }
  switch (kind) {
    case 'logistic':
      return createLogistic(saved.params).restore(saved.state);
    case 'mlp':
      return createMlp(saved.params).restore(saved.state);
    case 'tree':
      return DecisionTree.load(saved);
    case 'forest':
      return RandomForest.load(saved);
    case 'baseline':
      return BaselineModel.load(saved, loadModel);
  }
}
