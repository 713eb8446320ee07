// Generates SYNTHETIC sample data sets from the built-in schemas in data/schemas/.
//
//   npm run make:samples
//
// Every value is drawn with a seeded PRNG from the codes the schema lists; the class is a fixed,
// made-up rule of the features (see `uciIsPoisonous` and `secondaryIsPoisonous`) so a model has
// something to learn. The rows bear no relation to real mushrooms and must never be used to
// decide what to eat. No row of the real data sets is read or copied: only the two schema files.
//
// Writes data/samples/uci-synthetic.csv, data/samples/secondary-synthetic.csv and
// data/samples/README.md. The output is deterministic for a given SEED.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRng } from '../src/lib/engine/ml/rng';

const SEED = 20240611;
const ROWS = 400;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMA_DIR = join(ROOT, 'data', 'schemas');
const OUT_DIR = join(ROOT, 'data', 'samples');

// Minimal local copies of the schema types (src/lib/engine/data/schema.ts), so this script
// imports nothing but node: modules.
interface CodeLabel {
  code: string;
  label: string;
  note?: string;
}
type FeatureColumn = { name: string; label: string; kind: 'categorical'; codes: CodeLabel[] } | { name: string; label: string; kind: 'numeric'; unit?: string };
interface WorkspaceSchema {
  id: string;
  name: string;
  classColumn: string;
  features: FeatureColumn[];
}

type Row = Record<string, string>;

// ---- seeded randomness ------------------------------------------------------------------------

// The engine's own seeded generator (mulberry32), so samples and training draw the same way.
const random = seededRng(SEED);

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

/** Picks a code with the given weights; codes absent from `weights` share what is left equally. */
function pickWeighted(codes: readonly string[], weights: Record<string, number>): string {
  const listed = Object.values(weights).reduce((s, w) => s + w, 0);
  const rest = codes.filter((c) => !(c in weights));
  const share = rest.length > 0 ? Math.max(0, 1 - listed) / rest.length : 0;
  let r = random() * (listed + share * rest.length);
  for (const c of codes) {
    r -= c in weights ? weights[c] : share;
    if (r < 0) return c;
  }
  return codes[codes.length - 1];
}

/** Standard normal deviate (Box-Muller). */
function normal(): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

// ---- schemas ----------------------------------------------------------------------------------

function loadSchema(id: string): WorkspaceSchema {
  return JSON.parse(readFileSync(join(SCHEMA_DIR, `${id}.json`), 'utf8')) as WorkspaceSchema;
}

function codesOf(schema: WorkspaceSchema, name: string): string[] {
  const column = schema.features.find((f) => f.name === name);
  if (!column || column.kind !== 'categorical') throw new Error(`${schema.id}: no categorical column ${name}`);
  return column.codes.map((c) => c.code);
}

/** Every categorical feature gets a uniformly random code unless `special` says otherwise. */
function randomRow(schema: WorkspaceSchema, special: Record<string, () => string>): Row {
  const row: Row = {};
  for (const f of schema.features) {
    if (f.name in special) row[f.name] = special[f.name]();
    else if (f.kind === 'categorical') row[f.name] = pick(f.codes).code;
    else throw new Error(`${schema.id}: no generator for numeric column ${f.name}`);
  }
  return row;
}

// ---- UCI --------------------------------------------------------------------------------------

const UCI_BAD_ODOURS = new Set(['f', 'c', 'y', 'p', 's', 'm']);
const UCI_BAD_SPORE_PRINTS = new Set(['r', 'h', 'w']);

/** The made-up rule: a bad odour, or no odour and a green, chocolate or white spore print. */
function uciIsPoisonous(row: Row): boolean {
  return UCI_BAD_ODOURS.has(row['odor']) || (row['odor'] === 'n' && UCI_BAD_SPORE_PRINTS.has(row['spore-print-color']));
}

function uciRow(schema: WorkspaceSchema): Row {
  const odours = codesOf(schema, 'odor');
  const roots = codesOf(schema, 'stalk-root');
  return randomRow(schema, {
    // Odourless rows are common (as in field guides); the six bad odours share 30%.
    odor: () => pickWeighted(odours, { n: 0.4, a: 0.15, l: 0.15 }),
    'stalk-root': () => (random() < 0.05 ? '?' : pick(roots)),
  });
}

// ---- Secondary --------------------------------------------------------------------------------

const SEC_SMALL_CAP_RING_TYPES = new Set(['e', 'z', 'p', 'l']);
const SEC_BAD_STEM_COLOURS = new Set(['r', 'u', 'k', 'l']);
const SEC_WOODLAND = new Set(['d', 'l']);
const SEC_MISSING_COLUMNS = ['cap-surface', 'gill-spacing', 'stem-root', 'veil-color', 'spore-print-color'];
const SEC_MISSING_RATE = 0.1;

/**
 * The made-up rule: a small cap (< 6 cm) with an evanescent, zone, pendant or large ring; or a
 * green, purple, black or blue stem; or a large cap that bruises or bleeds in woods or leaves.
 */
function secondaryIsPoisonous(row: Row): boolean {
  const diameter = Number(row['cap-diameter']);
  return (
    (diameter < 6 && SEC_SMALL_CAP_RING_TYPES.has(row['ring-type'])) ||
    SEC_BAD_STEM_COLOURS.has(row['stem-color']) ||
    (diameter >= 6 && row['does-bruise-or-bleed'] === 't' && SEC_WOODLAND.has(row['habitat']))
  );
}

function secondaryRow(schema: WorkspaceSchema): Row {
  // Sizes are drawn together so they are plausibly related: cap diameter log-normal around 6 cm,
  // stem height roughly proportional to it (cm), stem width a fraction of the cap (mm).
  const diameter = clamp(Math.exp(Math.log(6) + 0.55 * normal()), 0.5, 40);
  const height = clamp(diameter * (0.6 + 0.7 * random()) + 0.8 * normal(), 0.5, 30);
  const width = clamp(diameter * 10 * (0.1 + 0.2 * random()), 0.5, 80);
  const row = randomRow(schema, {
    'cap-diameter': () => diameter.toFixed(2),
    'stem-height': () => height.toFixed(2),
    'stem-width': () => width.toFixed(2),
  });
  // Blank some fields in a few categorical columns the rule does not use.
  for (const name of SEC_MISSING_COLUMNS) if (random() < SEC_MISSING_RATE) row[name] = '';
  return row;
}

// ---- output -----------------------------------------------------------------------------------

interface Sample {
  file: string;
  rows: number;
  poisonous: number;
}

function writeSample(schema: WorkspaceSchema, file: string, delimiter: string, eol: string, makeRow: (s: WorkspaceSchema) => Row, isPoisonous: (row: Row) => boolean): Sample {
  const columns = [schema.classColumn, ...schema.features.map((f) => f.name)];
  const lines = [columns.join(delimiter)];
  let poisonous = 0;
  for (let i = 0; i < ROWS; i++) {
    const row = makeRow(schema);
    const p = isPoisonous(row);
    if (p) poisonous++;
    row[schema.classColumn] = p ? 'p' : 'e';
    lines.push(columns.map((c) => row[c]).join(delimiter));
  }
  writeFileSync(join(OUT_DIR, file), lines.join(eol) + eol);
  return { file, rows: ROWS, poisonous };
}

function balance(s: Sample): string {
  const pct = (n: number) => `${((100 * n) / s.rows).toFixed(1)}%`;
  return `${s.rows - s.poisonous} e (${pct(s.rows - s.poisonous)}), ${s.poisonous} p (${pct(s.poisonous)})`;
}

function readme(uci: Sample, secondary: Sample): string {
  return `# Synthetic sample data

**These files are synthetic.** They were generated by \`scripts/make-samples.ts\` from the
built-in schemas in \`data/schemas/\` with a seeded PRNG (mulberry32, **seed ${SEED}**): every
value is a random code (or, for numeric columns, a random number) and the class is a made-up rule
of the features. They bear **no relation to real mushrooms** and must **never be used to decide
what to eat**. They exist for demos, tests and the "try it" button; the real data sets are credited
in \`data/schemas/\`.

Regenerate (deterministic for a given seed):

    npm run make:samples

| file | rows | format | class balance |
|---|---|---|---|
| \`${uci.file}\` | ${uci.rows} | comma, LF, header; \`?\` = missing (~5%, only in \`stalk-root\`) | ${balance(uci)} |
| \`${secondary.file}\` | ${secondary.rows} | semicolon, CRLF, header; empty = missing (~${SEC_MISSING_RATE * 100}% in ${SEC_MISSING_COLUMNS.map((c) => `\`${c}\``).join(', ')}); numbers with 2 decimals | ${balance(secondary)} |

## The made-up class rules

- UCI: poisonous iff \`odor\` is one of ${[...UCI_BAD_ODOURS].map((c) => `\`${c}\``).join(', ')}, or
  \`odor\` = \`n\` and \`spore-print-color\` is one of ${[...UCI_BAD_SPORE_PRINTS].map((c) => `\`${c}\``).join(', ')}; otherwise edible.
  \`odor\` is drawn with weights (\`n\` 40%, \`a\` 15%, \`l\` 15%, the other six share 30%); every other
  column is uniform over its schema codes.
- Secondary: poisonous iff (\`cap-diameter\` < 6 and \`ring-type\` is one of ${[...SEC_SMALL_CAP_RING_TYPES].map((c) => `\`${c}\``).join(', ')}),
  or \`stem-color\` is one of ${[...SEC_BAD_STEM_COLOURS].map((c) => `\`${c}\``).join(', ')}, or (\`cap-diameter\` >= 6 and
  \`does-bruise-or-bleed\` = \`t\` and \`habitat\` is one of ${[...SEC_WOODLAND].map((c) => `\`${c}\``).join(', ')}); otherwise edible.
  \`cap-diameter\` (cm) is log-normal around 6, \`stem-height\` (cm) and \`stem-width\` (mm) scale with it;
  every categorical column is uniform over its schema codes.

The rules are deterministic (no label noise), so a decision tree can fit them exactly; a linear
model cannot quite, because of the interactions.
`;
}

mkdirSync(OUT_DIR, { recursive: true });
const uci = writeSample(loadSchema('uci'), 'uci-synthetic.csv', ',', '\n', uciRow, uciIsPoisonous);
const secondary = writeSample(loadSchema('secondary'), 'secondary-synthetic.csv', ';', '\r\n', secondaryRow, secondaryIsPoisonous);
writeFileSync(join(OUT_DIR, 'README.md'), readme(uci, secondary));
console.log(`seed ${SEED}`);
console.log(`data/samples/${uci.file}: ${balance(uci)}`);
console.log(`data/samples/${secondary.file}: ${balance(secondary)}`);
console.log('data/samples/README.md');
