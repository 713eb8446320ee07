import Papa from 'papaparse';

/**
 * The one CSV writer of every export (batch predictions, runs). PapaParse's `unparse` with
 * `escapeFormulae`: a text cell starting with = + - @, tab or carriage return is read by Excel and
 * friends as a formula ("CSV injection"), so it gets a leading single quote — numbers are left as
 * they are (a negative MCC stays a number). Delimiters, quotes and line breaks are quoted. Objects
 * are written as JSON.
 */
export function toCsv(header: string[], rows: Iterable<unknown[]>, delimiter = ','): string {
  return unparse(header, Array.from(rows), true, delimiter);
}

/**
 * The same file as `toCsv`, in parts of `rowsPerPart` rows (the header leads the first part), for
 * files too big to write in one go: joined, the parts are exactly `toCsv`'s text.
 */
export function* toCsvParts(header: string[], rows: Iterable<unknown[]>, rowsPerPart: number, delimiter = ','): Generator<string> {
  let part: unknown[][] = [];
  let first = true;
  for (const row of rows) {
    part.push(row);
    if (part.length < rowsPerPart) continue;
    yield unparse(header, part, first, delimiter);
    first = false;
    part = [];
  }
  if (first || part.length) yield unparse(header, part, first, delimiter);
}

function unparse(header: string[], rows: unknown[][], withHeader: boolean, delimiter: string): string {
  if (!withHeader && rows.length === 0) return '';
  const data = rows.map((row) => row.map((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : v)));
  // unparse ends the header with a line break when there are no rows, and the last row without one.
  return Papa.unparse({ fields: header, data }, { delimiter, newline: '\r\n', escapeFormulae: true, header: withHeader }).replace(/(\r\n)?$/, '\r\n');
}
