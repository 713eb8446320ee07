import Papa from 'papaparse';

/**
 * The one CSV writer of every export (batch predictions, runs). PapaParse's `unparse` with
 * `escapeFormulae`: a text cell starting with = + - @, tab or carriage return is read by Excel and
 * friends as a formula ("CSV injection"), so it gets a leading single quote — numbers are left as
 * they are (a negative MCC stays a number). Delimiters, quotes and line breaks are quoted. Objects
 * are written as JSON.
 */
export function toCsv(header: string[], rows: Iterable<unknown[]>, delimiter = ','): string {
  const data: unknown[][] = [];
  for (const row of rows) data.push(row.map((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : v)));
  // unparse ends the header with a line break when there are no rows, and the last row without one.
  return Papa.unparse({ fields: header, data }, { delimiter, newline: '\r\n', escapeFormulae: true }).replace(/(\r\n)?$/, '\r\n');
}
