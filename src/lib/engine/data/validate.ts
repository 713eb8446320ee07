import type { Dataset, ColumnData } from './dataset';
import { MISSING_CODE } from './dataset';
import type { SchemaMatch } from './match';
import type { RowProblem } from './cells';
import { codeLookup, exactCategoryLookup, isMissing, isPlainNumber, parseCategory, parseClass, parseNumber } from './cells';

export interface RowRejection {
  /** Spreadsheet row number: the header is row 1, so the first data row is row 2. */
  row: number;
  /** The offending column's name, or null when the whole row is wrong (field count). */
  column: string | null;
  value: string;
  reason: RowProblem;
  message: string;
}

/** Details kept for the first rejections only; the counts cover every row. */
export const MAX_REJECTIONS_LISTED = 1000;

/**
 * Validates rows against a schema match as they stream in and appends the valid ones to growable
 * typed columns. A row with any bad cell is rejected whole (every bad cell is listed), so what is
 * stored is exactly the rows the report calls accepted.
 */
export class RowValidator {
  readonly rejections: RowRejection[] = [];
  readonly rejectedByReason: Partial<Record<RowProblem, number>> = {};
  rowsRead = 0;
  rowsRejected = 0;
  decimalCommas = 0;

  private rows = 0;
  private capacity = 1024;
  private label = new Uint8Array(this.capacity);
  private cols: (Uint8Array | Float64Array)[];
  private readonly lookups: Map<string, number>[];
  private readonly exact: Map<string, number | 'missing'>[];
  private readonly expectedFields: number;

  constructor(
    private readonly match: SchemaMatch,
    fileFieldCount: number,
    private readonly allowDecimalComma: boolean,
  ) {
    const f = match.schema.features;
    this.cols = f.map((c) => (c.kind === 'numeric' ? new Float64Array(this.capacity) : new Uint8Array(this.capacity)));
    this.lookups = f.map(codeLookup);
    this.exact = this.lookups.map(exactCategoryLookup);
    this.expectedFields = fileFieldCount;
  }

  /** `rowNumber` is the spreadsheet row number of `fields` (header = 1). */
  push(fields: string[], rowNumber: number): void {
    this.rowsRead++;
    if (fields.length !== this.expectedFields) {
      this.reject([{
        row: rowNumber, column: null, value: fields.join(',').slice(0, 80), reason: 'field-count',
        message: `has ${fields.length} field${fields.length === 1 ? '' : 's'}, expected ${this.expectedFields}`,
      }]);
      return;
    }
    const { schema, fileIndex } = this.match;
    const problems: RowRejection[] = [];
    // No class column (a file to predict): every row gets label 0, and the report says there are no labels.
    const cls = fileIndex[0] < 0 ? 0 : parseClass(fields[fileIndex[0]]);
    if (cls === 'missing' || cls === 'unknown') {
      problems.push({
        row: rowNumber, column: schema.classColumn, value: fields[fileIndex[0]], reason: cls === 'missing' ? 'missing-class' : 'unknown-class',
        message: cls === 'missing' ? 'class is missing' : `class "${fields[fileIndex[0]]}" is not e, p, edible or poisonous`,
      });
    }
    if (this.rows === this.capacity) this.grow();
    const at = this.rows;
    let commas = 0;
    const features = schema.features;
    // A plain loop with a fast path per cell (an exact code, a missing token, a plain number): the
    // same answers as parseCategory / parseNumber, which read the rest.
    for (let i = 0; i < features.length; i++) {
      const f = features[i];
      const raw = fields[fileIndex[i + 1]];
      if (f.kind === 'numeric') {
        if (raw !== '' && isPlainNumber(raw)) {
          this.cols[i][at] = Number(raw);
          continue;
        }
        if (isMissing(raw)) {
          this.cols[i][at] = NaN;
          continue;
        }
        const p = parseNumber(raw, this.allowDecimalComma);
        if (p.ok) {
          this.cols[i][at] = p.value;
          if (p.decimalComma) commas++;
        } else {
          problems.push({ row: rowNumber, column: f.name, value: raw, reason: 'not-a-number', message: `"${raw}" is not a number` });
        }
        continue;
      }
      const c = this.exact[i].get(raw) ?? parseCategory(raw, this.lookups[i]);
      if (c === 'unknown') {
        problems.push({ row: rowNumber, column: f.name, value: raw, reason: 'unknown-code', message: `"${raw}" is not a known ${f.label.toLowerCase()} code` });
      } else this.cols[i][at] = c === 'missing' ? MISSING_CODE : c;
    }
    if (problems.length) {
      this.reject(problems);
      return;
    }
    this.label[at] = cls as number;
    this.decimalCommas += commas;
    this.rows++;
  }

  get rowsAccepted(): number {
    return this.rows;
  }

  /** The accepted rows, trimmed to size. */
  finish(): Dataset {
    const n = this.rows;
    const columns: ColumnData[] = this.match.schema.features.map((f, i) =>
      f.kind === 'numeric'
        ? { name: f.name, kind: 'numeric', values: (this.cols[i] as Float64Array).slice(0, n) }
        : { name: f.name, kind: 'categorical', values: (this.cols[i] as Uint8Array).slice(0, n) },
    );
    return { rows: n, label: this.label.slice(0, n), columns };
  }

  private reject(problems: RowRejection[]): void {
    this.rowsRejected++;
    for (const p of problems) this.rejectedByReason[p.reason] = (this.rejectedByReason[p.reason] ?? 0) + 1;
    if (this.rejections.length < MAX_REJECTIONS_LISTED) for (const p of problems.slice(0, 5)) this.rejections.push(p);
  }

  private grow(): void {
    this.capacity *= 2;
    const label = new Uint8Array(this.capacity);
    label.set(this.label);
    this.label = label;
    this.cols = this.cols.map((c) => {
      const next = c instanceof Float64Array ? new Float64Array(this.capacity) : new Uint8Array(this.capacity);
      next.set(c as never);
      return next;
    });
  }
}
