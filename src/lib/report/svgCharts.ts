/**
 * Small charts as SVG strings, for the exported HTML report and the Monitor page alike. Pure: no
 * DOM, so they run in the worker and in Node. Every chart has an explicit size, a <title> and
 * role="img", no external reference (not even an xmlns: they are meant to be inlined in HTML), and
 * coordinates rounded to a tenth of a pixel so a report with thousands of points stays small.
 */
import type { MiniDistribution } from '../engine/monitor/driftTypes';
import type { Points } from '../engine/monitor/projection';

export const CHART_COLOURS = {
  reference: '#7a5240',
  current: '#2f6b8f',
  drifted: '#b3261e',
  estimate: '#5f7f2e',
  axis: '#555',
  grid: '#e2e2e2',
  marker: '#8a8a8a',
} as const;

/** The one escape for text and attribute values taken from users or data. */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** About three significant digits, no trailing zeros, '—' for a non-finite value. */
export function formatNumber(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(digits)));
}

/** Row counts and the like on an axis: 2000 → "2k", 12500 → "12.5k". */
export function formatCompact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${formatNumber(v / 1e6)}M`;
  if (a >= 1e3) return `${formatNumber(v / 1e3)}k`;
  return formatNumber(v);
}

/** A share as a percentage; a tiny non-zero share says so rather than printing 1e-4 %. */
export function formatShare(v: number): string {
  if (!Number.isFinite(v)) return '—';
  const pct = v * 100;
  return pct !== 0 && Math.abs(pct) < 0.01 ? 'under 0.01 %' : `${formatNumber(pct, 3)} %`;
}

const px = (v: number) => Math.round(v * 10) / 10;

export interface ChartOptions {
  width?: number;
  height?: number;
  /** Read by screen readers and shown as a tooltip. */
  title?: string;
}

function svgOpen(width: number, height: number, title: string): string {
  const t = escapeHtml(title);
  return `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${t}" font-family="system-ui,sans-serif" font-size="11"><title>${t}</title>`;
}

function noData(width: number, height: number, title: string): string {
  return `${svgOpen(width, height, title)}<text x="${px(width / 2)}" y="${px(height / 2 + 4)}" text-anchor="middle" fill="${CHART_COLOURS.axis}">no data</text></svg>`;
}

/** Up to `target` round tick values (1, 2, 5 × 10ⁿ) covering [min, max]. */
export function niceTicks(min: number, max: number, target = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  // The tolerance keeps a float step such as 0.020000000000000018 from jumping to 0.05.
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** [min, max] of the finite values; null with none. */
export function finiteRange(values: Iterable<number | null | undefined>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo > hi ? null : [lo, hi];
}

/** [min, max] of the finite values, widened when flat (an axis needs a span); null with none. */
function extent(values: Iterable<number | null | undefined>): [number, number] | null {
  const r = finiteRange(values);
  if (!r) return null;
  const [lo, hi] = r;
  if (lo === hi) return lo === 0 ? [0, 1] : [lo - Math.abs(lo) * 0.1, hi + Math.abs(hi) * 0.1];
  return [lo, hi];
}

const finite = (v: number) => (Number.isFinite(v) ? v : 0);

/** The tallest bar of either side (0 when none is above 0). */
function largestShare(dist: MiniDistribution): number {
  let top = 0;
  for (const side of [dist.reference, dist.current]) for (const v of side) top = Math.max(top, finite(v));
  return top;
}

function legend(items: { label: string; colour: string; dash?: boolean }[], x: number, y: number): string {
  let out = '';
  let at = x;
  for (const item of items) {
    const label = escapeHtml(item.label);
    out += item.dash
      ? `<path d="M${px(at)} ${px(y - 4)}h14" stroke="${item.colour}" stroke-width="2" stroke-dasharray="4 2"/>`
      : `<rect x="${px(at)}" y="${px(y - 8)}" width="10" height="10" fill="${item.colour}"/>`;
    out += `<text x="${px(at + 17)}" y="${px(y + 1)}">${label}</text>`;
    at += (item.dash ? 34 : 30) + item.label.length * 6.2;
  }
  return out;
}

function shortLabel(label: string, max = 16): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

function categoryLabel(key: number, labels?: readonly string[]): string {
  if (key === -1) return 'other';
  return labels?.[key] ?? `code ${key}`;
}

/** Bin labels: category names, or "lo–hi" for histogram bins. */
function binLabels(dist: MiniDistribution, labels?: readonly string[]): string[] {
  if (dist.kind === 'categories') return dist.keys.map((k) => categoryLabel(k, labels));
  return dist.reference.map((_, i) => `${formatNumber(dist.edges[i])}–${formatNumber(dist.edges[i + 1])}`);
}

/** Paired bars (reference, current) sized for a table cell; both sides share one scale. */
export function miniDistributionSvg(dist: MiniDistribution, opts: ChartOptions = {}): string {
  const { width = 120, height = 32, title = 'Reference (brown) vs current (blue) distribution' } = opts;
  const n = Math.max(dist.reference.length, dist.current.length);
  const top = largestShare(dist);
  if (!n || !(top > 0)) return noData(width, height, title);
  const slot = width / n;
  const bar = Math.max(0.5, slot * 0.4);
  const base = height - 1;
  // One path per side: each bar a vertical stroke as wide as the bar, far smaller than <rect>s.
  const path = (shares: number[], offset: number) =>
    shares.map((s, i) => (finite(s) > 0 ? `M${px(i * slot + offset + bar / 2)} ${base}V${px(base - (finite(s) / top) * (height - 2))}` : '')).join('');
  const gap = Math.max(0, (slot - 2 * bar) / 2);
  return (
    `${svgOpen(width, height, title)}<path d="M0 ${base}H${width}" stroke="${CHART_COLOURS.grid}"/>` +
    `<path d="${path(dist.reference, gap)}" stroke="${CHART_COLOURS.reference}" stroke-width="${px(bar)}"/>` +
    `<path d="${path(dist.current, gap + bar)}" stroke="${CHART_COLOURS.current}" stroke-width="${px(bar)}"/></svg>`
  );
}

export interface DistributionChartOptions extends ChartOptions {
  referenceLabel?: string;
  currentLabel?: string;
}

/** A labelled comparison of both windows' shares: bins or categories on x, share of rows on y. */
export function distributionChartSvg(dist: MiniDistribution, labels?: readonly string[], opts: DistributionChartOptions = {}): string {
  const categories = dist.kind === 'categories';
  const { width = 480, height = categories ? 260 : 220, title = 'Reference vs current distribution', referenceLabel = 'Reference', currentLabel = 'Current' } = opts;
  const n = Math.max(dist.reference.length, dist.current.length);
  const top = largestShare(dist);
  if (!n || !(top > 0)) return noData(width, height, title);
  const m = { left: 44, right: 10, top: 26, bottom: categories ? 78 : 34 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const rough = niceTicks(0, top, 4);
  const yMax = rough.length > 1 ? Math.ceil(top / rough[1] - 1e-9) * rough[1] : top;
  const ticks = niceTicks(0, yMax, 4);
  const y = (v: number) => px(m.top + h - (v / yMax) * h);
  const slot = w / n;
  const bar = slot * 0.38;
  const names = binLabels(dist, labels);
  let out = svgOpen(width, height, title);
  for (const t of ticks)
    out += `<path d="M${m.left} ${y(t)}h${px(w)}" stroke="${CHART_COLOURS.grid}"/><text x="${m.left - 4}" y="${px(y(t) + 4)}" text-anchor="end" fill="${CHART_COLOURS.axis}">${formatShare(t)}</text>`;
  for (let i = 0; i < n; i++) {
    const r = finite(dist.reference[i] ?? 0);
    const c = finite(dist.current[i] ?? 0);
    const x0 = m.left + i * slot + (slot - 2 * bar) / 2;
    out +=
      `<g><title>${escapeHtml(`${names[i]}: ${referenceLabel.toLowerCase()} ${formatShare(r)}, ${currentLabel.toLowerCase()} ${formatShare(c)}`)}</title>` +
      `<rect x="${px(x0)}" y="${y(r)}" width="${px(bar)}" height="${px(m.top + h - y(r))}" fill="${CHART_COLOURS.reference}"/>` +
      `<rect x="${px(x0 + bar)}" y="${y(c)}" width="${px(bar)}" height="${px(m.top + h - y(c))}" fill="${CHART_COLOURS.current}"/></g>`;
  }
  out += `<path d="M${m.left} ${px(m.top + h)}h${px(w)}" stroke="${CHART_COLOURS.axis}"/>`;
  if (categories) {
    names.forEach((name, i) => {
      const x = px(m.left + (i + 0.5) * slot);
      const yy = px(m.top + h + 12);
      out += `<text x="${x}" y="${yy}" text-anchor="end" transform="rotate(-40 ${x} ${yy})" fill="${CHART_COLOURS.axis}">${escapeHtml(shortLabel(name))}</text>`;
    });
  } else if (dist.kind === 'histogram') {
    // Every edge when they fit, else every other one.
    const every = dist.edges.length > 11 ? Math.ceil(dist.edges.length / 8) : 1;
    dist.edges.forEach((e, i) => {
      if (i % every && i !== dist.edges.length - 1) return;
      out += `<text x="${px(m.left + i * slot)}" y="${px(m.top + h + 14)}" text-anchor="middle" fill="${CHART_COLOURS.axis}">${formatNumber(e)}</text>`;
    });
  }
  out += legend(
    [
      { label: referenceLabel, colour: CHART_COLOURS.reference },
      { label: currentLabel, colour: CHART_COLOURS.current },
    ],
    m.left,
    14,
  );
  return `${out}</svg>`;
}

export interface ScatterOptions extends ChartOptions {
  xLabel?: string;
  yLabel?: string;
  referenceLabel?: string;
  currentLabel?: string;
  /** Points drawn per series at most (every n-th beyond it). */
  maxPoints?: number;
}

/** PC1/PC2 map: each series one <path> of zero-length round-capped segments (dots). */
export function scatterSvg(reference: Points | null, current: Points, opts: ScatterOptions = {}): string {
  const {
    width = 360,
    height = 320,
    title = 'PCA map: reference vs current',
    xLabel = 'PC1',
    yLabel = 'PC2',
    referenceLabel = 'Reference',
    currentLabel = 'Current',
    maxPoints = 2000,
  } = opts;
  const all = [reference, current].filter((p): p is Points => p !== null);
  const ex = extent(all.flatMap((p) => p.x));
  const ey = extent(all.flatMap((p) => p.y));
  if (!ex || !ey) return noData(width, height, title);
  const m = { left: 40, right: 10, top: 26, bottom: 34 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const pad = (e: [number, number]): [number, number] => [e[0] - (e[1] - e[0]) * 0.04, e[1] + (e[1] - e[0]) * 0.04];
  const [x0, x1] = pad(ex);
  const [y0, y1] = pad(ey);
  const sx = (v: number) => m.left + ((v - x0) / (x1 - x0)) * w;
  const sy = (v: number) => m.top + h - ((v - y0) / (y1 - y0)) * h;
  let out = svgOpen(width, height, title);
  for (const t of niceTicks(x0, x1, 5))
    out += `<path d="M${px(sx(t))} ${m.top}v${px(h)}" stroke="${CHART_COLOURS.grid}"/><text x="${px(sx(t))}" y="${px(m.top + h + 13)}" text-anchor="middle" fill="${CHART_COLOURS.axis}">${formatNumber(t)}</text>`;
  for (const t of niceTicks(y0, y1, 5))
    out += `<path d="M${m.left} ${px(sy(t))}h${px(w)}" stroke="${CHART_COLOURS.grid}"/><text x="${m.left - 4}" y="${px(sy(t) + 4)}" text-anchor="end" fill="${CHART_COLOURS.axis}">${formatNumber(t)}</text>`;
  const dots = (p: Points) => {
    const n = Math.min(p.x.length, p.y.length);
    const step = Math.max(1, Math.ceil(n / Math.max(1, maxPoints)));
    let d = '';
    // Whole pixels: at a 3-px dot size a tenth of a pixel is invisible and costs bytes.
    for (let i = 0; i < n; i += step) if (Number.isFinite(p.x[i]) && Number.isFinite(p.y[i])) d += `M${Math.round(sx(p.x[i]))} ${Math.round(sy(p.y[i]))}h0`;
    return d;
  };
  if (reference) out += `<path d="${dots(reference)}" stroke="${CHART_COLOURS.reference}" stroke-width="3" stroke-linecap="round" stroke-opacity="0.45"/>`;
  out += `<path d="${dots(current)}" stroke="${CHART_COLOURS.current}" stroke-width="3" stroke-linecap="round" stroke-opacity="0.45"/>`;
  out += `<path d="M${m.left} ${m.top}v${px(h)}h${px(w)}" fill="none" stroke="${CHART_COLOURS.axis}"/>`;
  out += `<text x="${px(m.left + w / 2)}" y="${height - 4}" text-anchor="middle">${escapeHtml(xLabel)}</text>`;
  out += `<text x="12" y="${px(m.top + h / 2)}" text-anchor="middle" transform="rotate(-90 12 ${px(m.top + h / 2)})">${escapeHtml(yLabel)}</text>`;
  out += legend([...(reference ? [{ label: referenceLabel, colour: CHART_COLOURS.reference }] : []), { label: currentLabel, colour: CHART_COLOURS.current }], m.left, 14);
  return `${out}</svg>`;
}

export interface LineSeries {
  label: string;
  x: readonly number[];
  /** null breaks the line. */
  y: readonly (number | null)[];
  colour?: string;
  dash?: boolean;
  /** A shaded interval around this series (e.g. the 95 % band of an estimate); null breaks it. */
  interval?: { lower: readonly (number | null)[]; upper: readonly (number | null)[] };
}

export interface LineChartOptions extends ChartOptions {
  /** A constant shaded band, e.g. the reference mean ± 3σ. */
  band?: { lower: number; upper: number; mean?: number; label?: string };
  /** Vertical lines, e.g. where production changed model version. */
  markers?: { x: number; label: string }[];
  yMin?: number;
  yMax?: number;
  xLabel?: string;
  yLabel?: string;
  xFormat?: (v: number) => string;
  yFormat?: (v: number) => string;
}

const PALETTE = [CHART_COLOURS.current, CHART_COLOURS.estimate, CHART_COLOURS.reference, CHART_COLOURS.drifted];

/** Runs of consecutive usable indices (a null or non-finite value ends a run). */
function runs(n: number, ok: (i: number) => boolean): number[][] {
  const out: number[][] = [];
  let run: number[] = [];
  for (let i = 0; i < n; i++) {
    if (ok(i)) {
      run.push(i);
    } else if (run.length) {
      out.push(run);
      run = [];
    }
  }
  if (run.length) out.push(run);
  return out;
}

const usable = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);

/** The y axis: the data's extent widened to whole tick steps, then the caller's fixed ends. */
function yRange([lo, hi]: [number, number], opts: LineChartOptions): [number, number] {
  let [y0, y1] = [lo, hi];
  const ticks = niceTicks(y0, y1, 4);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 0;
  if (step) [y0, y1] = [Math.floor(y0 / step + 1e-9) * step, Math.ceil(y1 / step - 1e-9) * step];
  if (usable(opts.yMin)) y0 = opts.yMin;
  if (usable(opts.yMax)) y1 = Math.max(opts.yMax, y0 + 1e-12);
  if (y1 <= y0) y1 = y0 + 1;
  return [y0, y1];
}

/** One series: its interval as a shaded band, its line broken at gaps, and dots when the points are few. */
function seriesSvg(s: LineSeries, colour: string, sx: (v: number) => number, sy: (v: number) => number): string {
  let out = '';
  const n = Math.min(s.x.length, s.y.length);
  if (s.interval) {
    const { lower, upper } = s.interval;
    for (const run of runs(n, (i) => usable(s.x[i]) && usable(lower[i]) && usable(upper[i]))) {
      const d =
        run.map((i, j) => `${j ? 'L' : 'M'}${sx(s.x[i])} ${sy(upper[i] as number)}`).join('') +
        [...run]
          .reverse()
          .map((i) => `L${sx(s.x[i])} ${sy(lower[i] as number)}`)
          .join('');
      out += `<path d="${d}Z" fill="${colour}" fill-opacity="0.15"/>`;
    }
  }
  const lineRuns = runs(n, (i) => usable(s.x[i]) && usable(s.y[i]));
  const d = lineRuns.map((run) => run.map((i, j) => `${j ? 'L' : 'M'}${sx(s.x[i])} ${sy(s.y[i] as number)}`).join('') + (run.length === 1 ? 'h0' : '')).join('');
  if (d) out += `<path d="${d}" fill="none" stroke="${colour}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"${s.dash ? ' stroke-dasharray="5 3"' : ''}/>`;
  // Dots at the points when there are few, so single buckets between gaps stay visible.
  const count = lineRuns.reduce((a, r) => a + r.length, 0);
  if (count && count <= 120)
    out += `<path d="${lineRuns
      .flat()
      .map((i) => `M${sx(s.x[i])} ${sy(s.y[i] as number)}h0`)
      .join('')}" stroke="${colour}" stroke-width="5" stroke-linecap="round"/>`;
  return out;
}

/** Quality or error over production rows: lines broken at nulls, an optional band, version markers. */
export function lineChartSvg(series: readonly LineSeries[], opts: LineChartOptions = {}): string {
  const { width = 480, height = 220, title = 'Line chart', band, markers = [], xFormat = formatCompact, yFormat = formatNumber } = opts;
  const ex = extent([...series.flatMap((s) => s.x.filter((_, i) => usable(s.y[i]))), ...markers.map((k) => k.x)]);
  const ys = [...series.flatMap((s) => [...s.y, ...(s.interval ? [...s.interval.lower, ...s.interval.upper] : [])]), ...(band ? [band.lower, band.upper] : [])];
  const ey = extent(ys);
  if (!ex || !ey) return noData(width, height, title);
  const m = { left: opts.yLabel ? 62 : 48, right: 12, top: 26, bottom: opts.xLabel ? 34 : 22 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const [y0, y1] = yRange(ey, opts);
  const [x0, x1] = ex;
  const sx = (v: number) => px(m.left + ((v - x0) / (x1 - x0)) * w);
  const sy = (v: number) => px(m.top + h - ((Math.min(y1, Math.max(y0, v)) - y0) / (y1 - y0)) * h);
  let out = svgOpen(width, height, title);
  for (const t of niceTicks(y0, y1, 4))
    out += `<path d="M${m.left} ${sy(t)}h${px(w)}" stroke="${CHART_COLOURS.grid}"/><text x="${m.left - 4}" y="${px(sy(t) + 4)}" text-anchor="end" fill="${CHART_COLOURS.axis}">${escapeHtml(yFormat(t))}</text>`;
  for (const t of niceTicks(x0, x1, 5)) out += `<text x="${sx(t)}" y="${px(m.top + h + 13)}" text-anchor="middle" fill="${CHART_COLOURS.axis}">${escapeHtml(xFormat(t))}</text>`;
  if (band && usable(band.lower) && usable(band.upper)) {
    out += `<rect x="${m.left}" y="${sy(band.upper)}" width="${px(w)}" height="${px(sy(band.lower) - sy(band.upper))}" fill="${CHART_COLOURS.reference}" fill-opacity="0.14"><title>${escapeHtml(band.label ?? `Band ${formatNumber(band.lower)}–${formatNumber(band.upper)}`)}</title></rect>`;
    if (usable(band.mean)) out += `<path d="M${m.left} ${sy(band.mean)}h${px(w)}" stroke="${CHART_COLOURS.reference}" stroke-dasharray="3 3"/>`;
  }
  series.forEach((s, k) => (out += seriesSvg(s, s.colour ?? PALETTE[k % PALETTE.length], sx, sy)));
  for (const mk of markers) {
    if (!usable(mk.x)) continue;
    const x = sx(mk.x);
    out += `<g><title>${escapeHtml(mk.label)}</title><path d="M${x} ${m.top}v${px(h)}" stroke="${CHART_COLOURS.marker}" stroke-dasharray="4 3"/><text x="${px(x + 3)}" y="${m.top + 9}" fill="${CHART_COLOURS.axis}" font-size="10">${escapeHtml(shortLabel(mk.label, 12))}</text></g>`;
  }
  out += `<path d="M${m.left} ${m.top}v${px(h)}h${px(w)}" fill="none" stroke="${CHART_COLOURS.axis}"/>`;
  if (opts.xLabel) out += `<text x="${px(m.left + w / 2)}" y="${height - 4}" text-anchor="middle">${escapeHtml(opts.xLabel)}</text>`;
  if (opts.yLabel) out += `<text x="12" y="${px(m.top + h / 2)}" text-anchor="middle" transform="rotate(-90 12 ${px(m.top + h / 2)})">${escapeHtml(opts.yLabel)}</text>`;
  out += legend(
    [
      ...series.map((s, k) => ({ label: s.label, colour: s.colour ?? PALETTE[k % PALETTE.length], dash: s.dash })),
      ...(band ? [{ label: band.label ?? 'Reference band', colour: '#e6dcd7' }] : []),
    ],
    m.left,
    14,
  );
  return `${out}</svg>`;
}
