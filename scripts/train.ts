// Trains a model in Node with the same engine the browser worker runs, and writes a model bundle
// (model + preprocessing + safety threshold + evaluation + a reference profile: statistics of the
// training split, never rows).
//
//   npm run train -- --data ../shared/data/mushrooms.csv --workspace uci --out artifacts/uci.model.json
//   options: --kind mlp|logistic|tree|forest|baseline (default mlp), --seed N (default 42),
//            --params '{"epochs":30}', --alpha 0.01 --delta 0.05 (the safety guarantee), --no-cv (skip
//            the 5-fold check, which trains five more times)
//
// The committed bundles in artifacts/ are installed by the app as v1 production on first launch.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, basename } from 'node:path';
import { analyzeCsv } from '../src/lib/engine/data/importCsv';
import { BUILTIN_SCHEMAS } from '../src/lib/engine/data/builtinSchemas';
import { runTrainingPipeline } from '../src/lib/engine/ml/pipeline';
import { DEFAULT_ALPHA, DEFAULT_DELTA } from '../src/lib/engine/ml/conformal';
import type { ModelKind } from '../src/lib/engine/ml/model';
import { initTfjsForNode } from '../src/lib/engine/ml/tfjsNode';

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) {
    console.error(`Missing --${name}. Usage: npm run train -- --data FILE.csv --workspace uci|secondary --out artifacts/NAME.json [--kind mlp] [--seed 42]`);
    process.exit(2);
  }
  return v;
}

const dataPath = arg('data');
const workspace = arg('workspace');
const out = arg('out');
const kind = arg('kind', 'mlp') as ModelKind;
const seed = Number(arg('seed', '42'));
const params = JSON.parse(arg('params', '{}')) as Record<string, unknown>;
const alpha = Number(arg('alpha', String(DEFAULT_ALPHA)));
const delta = Number(arg('delta', String(DEFAULT_DELTA)));
const crossValidate = !process.argv.includes('--no-cv');

const schema = BUILTIN_SCHEMAS.find((s) => s.id === workspace);
if (!schema) {
  console.error(`Unknown workspace "${workspace}": use ${BUILTIN_SCHEMAS.map((s) => s.id).join(' or ')}.`);
  process.exit(2);
}

const backend = await initTfjsForNode();
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const analysis = await analyzeCsv(readFileSync(dataPath, 'utf8'), { sourceName: basename(dataPath), schemas: [schema] });
const { report } = analysis;
if (report.schemaId !== schema.id) {
  console.error(`${dataPath} does not match the ${schema.name} schema.`);
  process.exit(1);
}
console.error(`${report.rowsAccepted} rows accepted, ${report.rowsRejected} rejected; SHA-256 ${report.sha256}; tfjs backend ${backend}.`);

const { bundle, model } = await runTrainingPipeline(
  { workspaceId: schema.id, schema, dataset: analysis.dataset, dataSha256: report.sha256, kind, params, seed, alpha, delta, crossValidate, appVersion: pkg.version },
  {
    onLog: (line) => console.error(line),
    onStep: (id, status, ms) => status !== 'running' && console.error(`  ${id}: ${status}${ms !== undefined ? ` (${ms} ms)` : ''}`),
  },
);
model.dispose();

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(bundle));
const e = bundle.evaluation;
console.log(
  JSON.stringify({
    out,
    workspace: schema.id,
    kind,
    seed,
    trainingMs: bundle.trainingMs,
    accuracy: e.atHalf.accuracy,
    falseEdibleAtHalf: e.atHalf.falseEdible,
    falseEdibleAtSafety: e.atSafety.falseEdible,
    edibleAbove: bundle.threshold.edibleAbove,
    guarantee: bundle.threshold.guarantee,
    cv: e.crossValidation && {
      falseEdible: e.crossValidation.falseEdible,
      poisonous: e.crossValidation.poisonous,
      uncertainShare: e.crossValidation.uncertainShare,
      rows: e.crossValidation.rows,
      ms: e.crossValidation.ms,
    },
    bytes: JSON.stringify(bundle).length,
  }),
);
