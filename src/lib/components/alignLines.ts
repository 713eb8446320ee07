/** One line of a chart: its points in drawing order (uPlot draws each series in x order). */
export interface LinePoints {
  x: number[];
  y: number[];
}

/**
 * Puts several lines on the one x axis uPlot needs: `[xs, ys of line 1, ys of line 2, …]`, xs
 * sorted. An x repeated inside a line keeps every repeat, in the line's order: a curve can move
 * vertically (a PR curve at full recall falls from 1 to the share of positives; a ROC curve climbs at
 * fpr 0). Merging repeats into one slot kept only the last y and drew a diagonal instead. Each x gets
 * as many slots as the line repeating it most; a line with fewer repeats holds its last y there (a
 * zero-length segment), and a line without that x gets null (spanned or a gap, as the line asks).
 */
export function alignLines(lines: LinePoints[]): [number[], ...(number | null)[][]] {
  const slots = new Map<number, number>();
  const counts = lines.map((l) => {
    const c = new Map<number, number>();
    for (const x of l.x) c.set(x, (c.get(x) ?? 0) + 1);
    for (const [x, n] of c) slots.set(x, Math.max(n, slots.get(x) ?? 0));
    return c;
  });
  const distinct = Array.from(slots.keys()).sort((a, b) => a - b);
  const start = new Map<number, number>();
  const xs: number[] = [];
  for (const x of distinct) {
    start.set(x, xs.length);
    for (let k = slots.get(x)!; k > 0; k--) xs.push(x);
  }
  const ys = lines.map((l, li) => {
    const col: (number | null)[] = new Array(xs.length).fill(null);
    const seen = new Map<number, number>();
    l.x.forEach((x, i) => {
      const k = seen.get(x) ?? 0;
      seen.set(x, k + 1);
      col[start.get(x)! + k] = l.y[i];
    });
    for (const [x, n] of counts[li]) {
      const s = start.get(x)!;
      for (let k = n; k < slots.get(x)!; k++) col[s + k] = col[s + n - 1];
    }
    return col;
  });
  return [xs, ...ys];
}
