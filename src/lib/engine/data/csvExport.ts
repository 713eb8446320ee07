/**
 * Writing CSV that spreadsheets open safely. A cell starting with = + - @, tab or carriage return
 * is read by Excel and friends as a formula ("CSV injection"), so it is prefixed with a single quote;
 * cells with the delimiter, a quote or a line break are quoted.
 */
export function escapeCsvCell(value: unknown, delimiter = ','): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  if (s.includes(delimiter) || /["\r\n]/.test(s)) s = `"${s.replace(/"/g, '""')}"`;
  return s;
}

export function toCsv(header: string[], rows: Iterable<unknown[]>, delimiter = ','): string {
  const out = [header.map((h) => escapeCsvCell(h, delimiter)).join(delimiter)];
  for (const row of rows) out.push(row.map((v) => escapeCsvCell(v, delimiter)).join(delimiter));
  return out.join('\r\n') + '\r\n';
}
