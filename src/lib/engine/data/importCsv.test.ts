import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCsv } from './importCsv';
import { BUILTIN_SCHEMAS, builtinSchema } from './builtinSchemas';
import { EngineError } from '../errors';
import { hasSharedData, readSample, readSharedData, SKIP_REASON } from '$lib/testing/sharedData';

const schemas = [...BUILTIN_SCHEMAS];
const uci = builtinSchema('uci')!;
const header = ['class', ...uci.features.map((f) => f.name)];
/** A valid UCI row: every feature set to its first code. */
const validRow = (cls = 'e') => [cls, ...uci.features.map((f) => (f.kind === 'categorical' ? f.codes[0].code : '1'))];
const csv = (rows: string[][], sep = ',', eol = '\n') => rows.map((r) => r.join(sep)).join(eol) + eol;
const analyze = (text: string, name = 'test.csv') => analyzeCsv(text, { sourceName: name, schemas });

async function rejectsWith(text: string, code: string) {
  const err = await analyze(text).catch((e) => e);
  expect(err).toBeInstanceOf(EngineError);
  expect((err as EngineError).code).toBe(code);
}

describe('analyzeCsv: formats', () => {
  it('reads comma, semicolon and tab files, with or without BOM and CRLF, to the same content hash', async () => {
    const rows = [header, validRow('e'), validRow('p')];
    const plain = await analyze(csv(rows));
    const semi = await analyze('\uFEFF' + csv(rows, ';', '\r\n'));
    const tab = await analyze(csv(rows, '\t'));
    expect(plain.report.rowsAccepted).toBe(2);
    expect(semi.report.format).toMatchObject({ delimiter: ';', linebreak: '\r\n', hadBom: true });
    expect(tab.report.format.delimiter).toBe('\t');
    expect(semi.report.sha256).toBe(plain.report.sha256);
    expect(tab.report.sha256).toBe(plain.report.sha256);
    expect(plain.report.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('matches columns by name in any order and any naming style, and quoted fields', async () => {
    const order = header.map((_, i) => i).reverse();
    const rows = [header, validRow('p')].map((r) => order.map((i) => r[i]));
    rows[0] = rows[0].map((h) => `"${h.replace(/-/g, '_').toUpperCase()}"`);
    const a = await analyze(csv(rows));
    expect(a.report.match).toBe('reordered');
    expect(a.schema.id).toBe('uci');
    const b = await analyze(csv([header, validRow('p')]));
    expect(a.report.sha256).toBe(b.report.sha256);
  });

  it('accepts edible/poisonous as class and human labels as codes; treats ? and empty as missing', async () => {
    const row = validRow('Poisonous');
    row[header.indexOf('odor')] = 'almond';
    row[header.indexOf('stalk-root')] = '?';
    row[header.indexOf('habitat')] = '';
    const a = await analyze(csv([header, row, validRow('edible')]));
    expect(a.report.rowsAccepted).toBe(2);
    expect(a.report.classCounts).toEqual([1, 1]);
    expect(a.report.missingByColumn['stalk-root']).toBe(1);
    expect(a.report.missingByColumn['habitat']).toBe(1);
  });

  it('reads a headerless file in schema order (the original UCI .data layout)', async () => {
    const a = await analyze(csv([validRow('e'), validRow('p'), validRow('p')]));
    expect(a.report.match).toBe('headerless');
    expect(a.report.rowsAccepted).toBe(3);
  });
});

describe('analyzeCsv: validation names the row, column and reason', () => {
  it('rejects unknown codes, short rows and bad classes, and keeps the rest', async () => {
    const bad = validRow();
    bad[header.indexOf('odor')] = 'zz';
    const noClass = validRow('');
    const weird = validRow('maybe');
    const a = await analyze(csv([header, validRow(), bad, validRow().slice(0, 20), noClass, weird, validRow('p')]));
    expect(a.report.rowsAccepted).toBe(2);
    expect(a.report.rowsRejected).toBe(4);
    expect(a.report.rejections.map((r) => [r.row, r.column, r.reason])).toEqual([
      [3, 'odor', 'unknown-code'],
      [4, null, 'field-count'],
      [5, 'class', 'missing-class'],
      [6, 'class', 'unknown-class'],
    ]);
    expect(a.report.rejections[1].message).toBe('has 20 fields, expected 23');
    expect(a.dataset.rows).toBe(2);
  });

  it('rejects Excel-mangled numbers in numeric columns and reads decimal commas in ; files', async () => {
    const sec = builtinSchema('secondary')!;
    const h = ['class', ...sec.features.map((f) => f.name)];
    const row = (cap: string) => ['p', ...sec.features.map((f) => (f.name === 'cap-diameter' ? cap : f.kind === 'numeric' ? '3.5' : f.codes[0].code))];
    const a = await analyze(csv([h, row('15.26'), row('17.wrz'), row('15,5'), row('1.2.3')], ';', '\r\n'));
    expect(a.report.rowsAccepted).toBe(2);
    expect(a.report.decimalCommas).toBe(1);
    expect(a.report.rejections.map((r) => [r.row, r.column, r.reason, r.value])).toEqual([
      [3, 'cap-diameter', 'not-a-number', '17.wrz'],
      [5, 'cap-diameter', 'not-a-number', '1.2.3'],
    ]);
  });

  it('counts exact duplicate rows', async () => {
    const a = await analyze(csv([header, validRow(), validRow(), validRow(), validRow('p')]));
    expect(a.report.duplicateRows).toBe(2);
  });

  it('refuses empty, blank, header-only and binary files with their own codes', async () => {
    await rejectsWith('', 'empty-file');
    await rejectsWith('\n\n  \n', 'empty-file');
    await rejectsWith(csv([header]), 'header-only');
    await rejectsWith('PK\u0003\u0004\u0000\u0000binary', 'binary-file');
  });
});

describe('analyzeCsv: unknown layouts', () => {
  it('infers a schema (numeric vs categorical) when a binary class column exists', async () => {
    const text = 'id,Width,colour,edibility\n1,2.5,red,e\n2,3.1,blue,p\n3,4.0,red,poisonous\n4,1.2,,edible\n';
    const a = await analyze(text, 'forest-walk.csv');
    expect(a.report.match).toBe('inferred');
    expect(a.schema.classColumn).toBe('edibility');
    expect(a.schema.name).toBe('forest-walk');
    expect(a.schema.features.map((f) => [f.name, f.kind])).toEqual([['Width', 'numeric'], ['colour', 'categorical']]);
    expect(a.report.ignoredColumns).toEqual(['id']);
    expect(a.report.classCounts).toEqual([2, 2]);
  });

  it('refuses a file with no class-like column', async () => {
    await rejectsWith('a,b\n1,x\n2,y\n', 'no-class-column');
  });

  it('finds the class column by name in any case (class, edible, label, poisonous, target, y…)', async () => {
    for (const name of ['Class', 'EDIBLE', 'Target', 'y', 'Label', 'poisonous']) {
      const a = await analyze(`colour,${name}\nred,e\nbrown,p\n`, 'notes.csv');
      expect(a.schema.classColumn).toBe(name);
      expect(a.report.classCounts).toEqual([1, 1]);
    }
  });

  it('never takes a column with one value as the class: the UCI file without its class column is refused, and fine to predict', async () => {
    const noClass = csv([header.slice(1), validRow('e').slice(1), validRow('p').slice(1)]);
    expect(noClass.split('\n')[1].split(',')[uci.features.findIndex((f) => f.name === 'veil-type')]).toBe('p'); // every UCI row has veil-type "p"
    const err = (await analyze(noClass, 'mushrooms-no-class.csv').catch((e) => e)) as EngineError;
    expect(err.code).toBe('no-class-column');
    expect(err.message).toBe(
      'mushrooms-no-class.csv has the columns of UCI Mushroom but not its class column "class": reference data needs the class (e/p) of every row. To get predictions for these mushrooms, drop the file on the Predict page instead.',
    );
    const batch = await analyzeCsv(noClass, { sourceName: 'mushrooms-no-class.csv', schemas, classOptional: true });
    expect(batch.schema.id).toBe('uci');
    expect(batch.report.hasClass).toBe(false);
    expect(batch.report.rowsAccepted).toBe(2);
  });

  it('refuses a column named class that holds one class only', async () => {
    const err = (await analyze('colour,class,kind\nred,e,p\nbrown,e,p\n').catch((e) => e)) as EngineError;
    expect(err.code).toBe('no-class-column');
    expect(err.message).toContain('The column "class" cannot be the class: it does not hold both edible and poisonous rows');
  });

  it('a column that could be the class by its values but is not named so is offered for the user to choose', async () => {
    const text = 'colour,kind,ring\nred,e,p\nbrown,p,p\nwhite,edible,p\n';
    const err = (await analyze(text).catch((e) => e)) as EngineError;
    expect(err.code).toBe('no-class-column');
    expect(err.details.candidates).toEqual(['kind']); // ring holds only "p"
    expect(err.message).toContain('The column "kind" holds e/p values: choose the class column below.');
    const chosen = await analyzeCsv(text, { sourceName: 'x.csv', schemas, classColumn: 'kind' });
    expect(chosen.schema.classColumn).toBe('kind');
    expect(chosen.report.classCandidates).toEqual(['kind']);
    expect(chosen.report.classCounts).toEqual([2, 1]);
    const wrong = (await analyzeCsv(text, { sourceName: 'x.csv', schemas, classColumn: 'ring' }).catch((e) => e)) as EngineError;
    expect(wrong.code).toBe('no-class-column');
    expect(wrong.message).toContain('The column "ring" cannot be the class');
  });
});

describe('analyzeCsv: synthetic samples shipped with the project', () => {
  it('reads both samples whole', async () => {
    for (const [name, id] of [['uci-synthetic.csv', 'uci'], ['secondary-synthetic.csv', 'secondary']] as const) {
      const a = await analyze(readSample(name), name);
      expect(a.schema.id).toBe(id);
      expect(a.report.rowsRejected).toBe(0);
      expect(a.report.rowsAccepted).toBe(400);
    }
  });
});

const shippedDataSha = (id: string): string => JSON.parse(readFileSync(resolve(import.meta.dirname, `../../../../artifacts/${id}.model.json`), 'utf8')).data.sha256;

describe.skipIf(!hasSharedData)(`analyzeCsv: real UCI data sets (${hasSharedData ? 'present' : SKIP_REASON})`, () => {
  it('imports mushrooms.csv: 8124 rows, 4208 e / 3916 p, 2480 missing stalk-root', async () => {
    const a = await analyze(readSharedData('mushrooms.csv'), 'mushrooms.csv');
    expect(a.schema.id).toBe('uci');
    expect(a.report.rowsAccepted).toBe(8124);
    expect(a.report.rowsRejected).toBe(0);
    expect(a.report.classCounts).toEqual([4208, 3916]);
    expect(a.report.missingByColumn['stalk-root']).toBe(2480);
    // The data version's identity: the shipped model names the data it was trained on by it.
    expect(a.report.sha256).toBe(shippedDataSha('uci'));
  });

  it('imports secondary_data.csv: 61069 rows, 27181 e / 33888 p, 146 duplicates', async () => {
    const a = await analyze(readSharedData('secondary_data.csv'), 'secondary_data.csv');
    expect(a.schema.id).toBe('secondary');
    expect(a.report.format).toMatchObject({ delimiter: ';', linebreak: '\r\n' });
    expect(a.report.rowsAccepted).toBe(61069);
    expect(a.report.rowsRejected).toBe(0);
    expect(a.report.classCounts).toEqual([27181, 33888]);
    expect(a.report.duplicateRows).toBe(146);
    expect(a.report.missingByColumn['cap-surface']).toBe(14120);
    expect(a.report.sha256).toBe(shippedDataSha('secondary'));
  });
});

if (!hasSharedData) console.warn(SKIP_REASON);
