/** The Monitor page's figures: a share as a percentage, a score to three decimals ('—' when absent). */
export const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)} %`);
export const f3 = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(3));
