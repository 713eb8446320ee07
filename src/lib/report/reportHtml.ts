/**
 * A monitoring report as one self-contained HTML file: inline CSS and SVG, no script, no external
 * request (a CSP forbids them anyway), readable on a phone. Pure string building, so the worker can
 * produce it. Every string that comes from users or data goes through `escapeHtml`.
 */
import { DRIFT_TESTS } from '../engine/monitor/driftTests';
import type { ColumnDriftResult } from '../engine/monitor/driftTypes';
import { answeredByText, versionsText } from '../engine/monitor/answeredBy';
import type { MonitorReport } from '../engine/monitor/report';
import { distributionChartSvg, escapeHtml, formatNumber, formatShare, lineChartSvg, miniDistributionSvg, scatterSvg } from './svgCharts';

export { escapeHtml };

export const DISCLAIMER = 'Not advice on what to eat: Sporeprint is a data-science tool.';
export const DATA_CREDIT = 'Data: UCI Machine Learning Repository, CC BY 4.0';
/** Distribution charts drawn in full below the table, most severe first. */
export const MAX_FULL_CHARTS = 5;

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STYLE = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;line-height:1.45;color:#222;background:#fff}
h1{font-size:1.4rem;margin:.2rem 0 .6rem}h2{font-size:1.15rem;margin:1.8rem 0 .5rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}h3{font-size:1rem;margin:1rem 0 .4rem}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:0}dl.meta dt{color:#555}dl.meta dd{margin:0;overflow-wrap:anywhere}
.disclaimer{border-left:4px solid #b3261e;background:#fbeeed;padding:.5rem .7rem;font-weight:600}
.credit,.note,.sub{color:#555;font-size:.9rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.4rem 0}
table{border-collapse:collapse;font-size:.9rem}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e4e4e4;vertical-align:middle}
th{background:#f5f3f0;white-space:nowrap}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td:first-child,th:first-child{position:sticky;left:0;background:#fff;z-index:1}th:first-child{background:#f5f3f0}
tr.drifted td{background:#fbeeed}tr.drifted td:first-child{box-shadow:inset 4px 0 #b3261e}
.yes{color:#b3261e;font-weight:700}.shifted{color:#b3261e;font-weight:600}
.verdict{font-size:1.05rem;font-weight:700}.verdict.bad{color:#b3261e}.verdict.ok{color:#2e6b34}
.alert{border:2px solid #b3261e;border-radius:6px;padding:.5rem .7rem;margin:.5rem 0}.alert.ok{border-color:#2e6b34}
.estimate{border:1px dashed #5f7f2e;border-radius:6px;padding:.5rem .7rem;margin:.5rem 0}
figure{margin:.8rem 0}figcaption{font-size:.9rem;color:#444;margin-bottom:.2rem}
svg{max-width:100%;height:auto}td svg{max-width:none}
footer{margin-top:2rem;color:#666;font-size:.85rem}
`;

const dash = '—';
const text = (value: string | number) => escapeHtml(String(value));
const share = (v: number | null | undefined) => (v === null || v === undefined ? dash : formatShare(v));
const num = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? dash : formatNumber(v, digits));
/** Thousands separated by commas, whatever the runtime's locale data. */
const count = (v: number) => (Number.isFinite(v) ? String(Math.round(v)).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : dash);

/** p-values: exponent form below 0.001 so a tiny p is not shown as 0. */
export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return dash;
  if (p === 0) return '&lt; 1e-300';
  if (p < 0.001) return p.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(p.toPrecision(3)));
}

/** Time stamps in UTC, so the same report renders identically everywhere. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return dash;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? dash : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const table = (head: string[], rows: string[]) =>
  `<div class="scroll"><table><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
const meta = (pairs: [string, string][]) => `<dl class="meta">${pairs.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
const section = (id: string, heading: string, body: string) => `<section id="${id}"><h2>${heading}</h2>${body}</section>`;
const note = (html: string) => `<p class="note">${html}</p>`;

type Feature = MonitorReport['features'][number];

function testLabel(c: ColumnDriftResult): string {
  const label = DRIFT_TESTS[c.test]?.label ?? c.test;
  return text(label) + (c.requestedTest && c.requestedTest !== c.test ? ` <span class="sub">(asked: ${text(c.requestedTest)})</span>` : '');
}
const scoreCell = (c: ColumnDriftResult) => (c.testKind === 'test' ? formatP(c.score) : num(c.score));
const thresholdCell = (c: ColumnDriftResult) => (c.testKind === 'test' ? `p &lt; ${formatP(c.threshold)}` : `≥ ${num(c.threshold)}`);
const driftedCell = (c: ColumnDriftResult) => (c.score === null ? dash : c.drifted ? '<span class="yes">yes</span>' : 'no');

function featureName(features: Map<string, Feature>, name: string): string {
  const f = features.get(name);
  return f ? f.label + (f.unit ? ` (${f.unit})` : '') : name;
}

function unseenCell(c: ColumnDriftResult, f: Feature | undefined): string {
  if (!c.unseen.length) return dash;
  return c.unseen.map((u) => `${text(c.kind === 'categorical' ? (f?.codes?.[u.key] ?? `code ${u.key}`) : formatNumber(u.key))} (${formatShare(u.share)})`).join(', ');
}

function missingCell(c: ColumnDriftResult): string {
  const body = `${share(c.missing.reference)} → ${share(c.missing.current)}`;
  return c.missing.shifted ? `<span class="shifted">${body} (shifted)</span>` : body;
}

/** Said next to a figure over the whole window when more than one version's answers are in it. */
function mixedNote(r: MonitorReport, what: string): string {
  return r.answeredBy.length > 1 ? note(`<strong>Mixed versions:</strong> ${what} over the answers of ${text(versionsText(r.answeredBy))} together; per version below.`) : '';
}

function header(r: MonitorReport): string {
  const w = r.window;
  const source = r.reference.source === 'data' ? 'training split (data)' : "model bundle's profile (histograms only: numeric tests approximate)";
  return `<header><h1>Sporeprint monitoring report</h1><p class="disclaimer">${text(DISCLAIMER)}</p>${meta([
    ['Workspace', text(r.workspace.name)],
    ['Window', `${text(w.label)} <span class="sub">(${text(w.kind)})</span>`],
    ['Window rows', count(w.rows)],
    ['From – to', w.from === null && w.to === null ? dash : `${formatTime(w.from)} – ${formatTime(w.to)}`],
    ['Rows answered by', `<span id="answered-by">${text(answeredByText(r))}</span>`],
    [
      'Production version',
      `v${text(r.version.number)} <span class="sub">(when the report was made: drift is measured against its reference and its PCA; it says edible when P(edible) &gt; ${num(r.version.edibleAbove)})</span>`,
    ],
    ['Reference', `${text(source)}, ${count(r.reference.rows)} rows`],
    ['Created', formatTime(r.createdAt)],
  ])}<p class="credit">${text(DATA_CREDIT)}</p></header>`;
}

function datasetDriftSection(r: MonitorReport): string {
  const d = r.drift;
  const verdict =
    d.total === 0
      ? `<p class="verdict">No feature could be scored.</p>`
      : `<p class="verdict ${d.drifted ? 'bad' : 'ok'}">${d.drifted ? 'Dataset drift detected' : 'No dataset drift'}</p>`;
  const skipped = d.skipped ? ` ${count(d.skipped)} could not be scored (see their notes).` : '';
  if (d.total === 0) return section('dataset-drift', 'Dataset drift', `${verdict}<p>${skipped.trim() || 'The report has no features.'}</p>`);
  const detail = `<p>${count(d.count)} of ${count(d.total)} scored features drifted: ${formatShare(d.share)} against a threshold of ${formatShare(d.shareThreshold)}.${skipped}</p>`;
  return section('dataset-drift', 'Dataset drift', verdict + detail);
}

function featureTable(r: MonitorReport, features: Map<string, Feature>): string {
  if (!r.drift.columns.length) return section('feature-drift', 'Feature drift', note('No features.'));
  const rows = r.drift.columns.map((c) => {
    const f = features.get(c.feature);
    const label = featureName(features, c.feature);
    const reasons = c.reasons.map((x) => `<div>${text(x.message)}</div>`).join('') || dash;
    return (
      `<tr${c.drifted ? ' class="drifted"' : ''}><td>${text(label)}</td><td>${text(c.type)}</td><td>${miniDistributionSvg(c.distribution, { title: `${label}: reference (brown) vs current (blue)` })}</td>` +
      `<td>${testLabel(c)}</td><td class="num">${scoreCell(c)}</td><td class="num">${thresholdCell(c)}</td><td>${driftedCell(c)}</td>` +
      `<td>${missingCell(c)}</td><td>${unseenCell(c, f)}</td><td class="sub">${reasons}</td></tr>`
    );
  });
  const head = ['Feature', 'Type', 'Reference vs current', 'Test', 'Score', 'Threshold', 'Drifted', 'Missing (ref → cur)', 'Unseen categories', 'Notes'];
  return section(
    'feature-drift',
    'Feature drift',
    note('Most severe first. Bars: reference brown, current blue; each side as shares of its non-missing values.') + table(head, rows),
  );
}

function driftedCharts(r: MonitorReport, features: Map<string, Feature>): string {
  const top = r.drift.columns.filter((c) => c.drifted).slice(0, MAX_FULL_CHARTS);
  if (!top.length) return section('drifted-features', 'Drifted features', note('No feature drifted.'));
  const figures = top.map((c) => {
    const label = featureName(features, c.feature);
    return `<figure><figcaption><strong>${text(label)}</strong>: ${testLabel(c)} ${c.testKind === 'test' ? `p = ${scoreCell(c)}` : `= ${scoreCell(c)}`} (${thresholdCell(c)})</figcaption>${distributionChartSvg(c.distribution, features.get(c.feature)?.codes, { title: `${label}: reference vs current` })}</figure>`;
  });
  const more = r.drift.count > top.length ? note(`${count(r.drift.count - top.length)} more drifted features are in the table above.`) : '';
  return section('drifted-features', 'Drifted features', figures.join('') + more);
}

function predictionSection(r: MonitorReport): string {
  const p = r.prediction;
  let body =
    meta([
      ['Predicted poisonous (P ≥ 0.5)', `reference ${share(p.referencePredictedPoisonous)} → current ${share(p.currentPredictedPoisonous)}`],
      ['Called edible (current)', share(p.currentCalledEdible)],
    ]) + mixedNote(r, 'the current probabilities and verdicts are');
  const c = p.probability;
  if (c) {
    body += `<p>P(poisonous): ${testLabel(c)}, score ${scoreCell(c)} (${thresholdCell(c)}): drifted ${driftedCell(c)}.${c.reasons.map((x) => ` ${text(x.message)}`).join('')}</p>`;
    body += distributionChartSvg(c.distribution, undefined, { title: 'P(poisonous): reference vs current' });
  } else {
    body += note('No probability drift test: the reference has no predictions (built from a profile) or the window is empty.');
  }
  return section('prediction-drift', 'Prediction drift', body);
}

function targetSection(r: MonitorReport): string {
  const t = r.target;
  if (!(t.labelled > 0)) return section('target-drift', 'Target drift', note(`No expert labels in this window (reference poisonous share ${share(t.referencePoisonous)}).`));
  return section(
    'target-drift',
    'Target drift',
    meta([
      ['Poisonous share', `reference ${share(t.referencePoisonous)} → labelled current ${share(t.currentPoisonous)}`],
      ['Labelled rows', count(t.labelled)],
      ['Two-proportion z test', t.test ? `z = ${num(t.test.z)}, p = ${formatP(t.test.pvalue)}` : dash],
    ]),
  );
}

function qualitySection(r: MonitorReport): string {
  const e = r.estimated;
  const band = e.lower !== null && e.upper !== null ? ` (95 % band ${share(e.lower)} – ${share(e.upper)})` : '';
  let body =
    `<div class="estimate"><h3>Estimated accuracy: estimate (CBPE), not measured</h3>` +
    `<p>${e.accuracy === null ? 'No usable predictions in this window.' : `<strong>${share(e.accuracy)}</strong>${band}`}</p>` +
    meta([
      ['Rows used', `${count(e.rows)}${e.skipped ? ` (${count(e.skipped)} skipped: unusable probability)` : ''}`],
      ['Called edible', count(e.calledEdible)],
      ['Expected poisonous among them', num(e.expectedFalseEdible)],
    ]) +
    note('From the model’s own probabilities, before any label: only as good as its calibration.') +
    mixedNote(r, 'this estimate is') +
    '</div>';
  const a = r.actual;
  if (a) {
    body +=
      `<h3>Measured quality (${count(a.labelled)} labelled rows)</h3>` +
      `<div class="alert${a.poisonousCalledEdible ? '' : ' ok'}"><strong>Poisonous called edible: ${count(a.poisonousCalledEdible)}</strong></div>` +
      meta([
        ['Accuracy', share(a.accuracy)],
        ['Balanced accuracy', share(a.balancedAccuracy)],
        ['Precision (poisonous)', share(a.precision)],
        ['Recall (poisonous)', share(a.recall)],
        ['F1', num(a.f1)],
      ]) +
      mixedNote(r, 'these are measured');
  } else {
    body += note('No expert labels in this window: nothing measured.');
  }
  return section('quality', 'Model quality', body + perVersionTable(r));
}

/** Each answering version's quality on its own rows, when the window holds more than one. */
function perVersionTable(r: MonitorReport): string {
  if (r.answeredBy.length < 2) return '';
  const rows = r.answeredBy.map((v) => {
    const e = v.estimated;
    const band = e.lower !== null && e.upper !== null ? ` <span class="sub">(${share(e.lower)} – ${share(e.upper)})</span>` : '';
    const a = v.actual;
    return (
      `<tr data-version="${v.version}"><td>v${text(v.version)}</td><td class="num">${count(v.rows)}</td><td class="num">${share(e.accuracy)}${band}</td>` +
      `<td class="num">${a ? count(a.labelled) : dash}</td><td class="num">${a ? share(a.accuracy) : dash}</td><td class="num">${a ? count(a.poisonousCalledEdible) : dash}</td></tr>`
    );
  });
  return (
    `<h3>Per version (each on the rows it answered)</h3>` +
    table(['Version', 'Rows answered', 'Estimated accuracy (CBPE)', 'Labelled', 'Measured accuracy', 'Poisonous called edible'], rows)
  );
}

function pcaSection(r: MonitorReport): string {
  const p = r.pca;
  if (!p) return section('pca', 'PCA map', note('No PCA map: the window is empty or the reference has no data.'));
  const pc = (j: number) => `PC${j + 1}${p.explained[j] !== undefined ? ` (${formatShare(p.explained[j])})` : ''}`;
  let body = scatterSvg(p.reference, p.current, { title: 'PCA map: reference (brown) vs current (blue)', xLabel: pc(0), yLabel: pc(1) });
  if (p.components.length) {
    const rows = p.components.map(
      (c, j) =>
        `<tr${c.drifted ? ' class="drifted"' : ''}><td>${text(c.feature)}</td><td class="num">${p.explained[j] !== undefined ? formatShare(p.explained[j]) : dash}</td><td>${testLabel(c)}</td><td class="num">${scoreCell(c)}</td><td class="num">${thresholdCell(c)}</td><td>${driftedCell(c)}</td></tr>`,
    );
    body += table(['Component', 'Variance explained', 'Test', 'Score', 'Threshold', 'Drifted'], rows);
  } else {
    body += note('No component drift tests: the reference has no PCA projection.');
  }
  return section('pca', 'PCA map', body);
}

function historySection(r: MonitorReport): string {
  const h = r.history;
  if (!h.buckets.length) return section('history', 'Quality over time', note('No production rows yet.'));
  const x = h.buckets.map((b) => b.end);
  const markers = h.swaps.map((s) => ({ x: s.row, label: `v${s.version}` }));
  const pct = (v: number) => `${formatNumber(v * 100)} %`;
  let body = note(
    `${count(h.rows)} production rows in buckets of ${count(h.bucketRows)}${h.sampledRows ? `, measured on an even sample of ${count(h.sampledRows)} rows` : ''}; x = the bucket’s last row. Dashed lines: version changes (a bucket across one holds both versions’ answers).`,
  );
  body += `<figure><figcaption>Accuracy per bucket: measured (expert labels) and estimated (CBPE, not measured)</figcaption>${lineChartSvg(
    [
      { label: 'Measured', x, y: h.buckets.map((b) => b.actual?.accuracy ?? null) },
      {
        label: 'Estimated (CBPE)',
        x,
        y: h.buckets.map((b) => b.estimated.accuracy),
        dash: true,
        interval: { lower: h.buckets.map((b) => b.estimated.lower), upper: h.buckets.map((b) => b.estimated.upper) },
      },
    ],
    { title: 'Accuracy over production rows', markers, yMax: 1, yFormat: pct, xLabel: 'Production row' },
  )}</figure>`;
  if (h.buckets.some((b) => b.reconstruction !== null)) {
    const band = h.band ? { lower: h.band.lower, upper: h.band.upper, mean: h.band.mean, label: 'Reference ± 3σ' } : undefined;
    body += `<figure><figcaption>Reconstruction error per bucket (multivariate drift)${h.band ? '; shaded: reference mean ± 3σ' : ''}</figcaption>${lineChartSvg(
      [{ label: 'Reconstruction error', x, y: h.buckets.map((b) => b.reconstruction) }],
      { title: 'Reconstruction error over production rows', markers, band, xLabel: 'Production row' },
    )}</figure>`;
  }
  if (h.swaps.length)
    body += table(
      ['Row', 'Time', 'Version'],
      h.swaps.map((s) => `<tr><td class="num">${count(s.row)}</td><td>${formatTime(s.at)}</td><td>v${text(s.version)}</td></tr>`),
    );
  return section('history', 'Quality over time', body);
}

/** The whole report as one HTML5 document (a string; the caller saves it as a Blob). */
export function renderReportHtml(report: MonitorReport): string {
  const features = new Map(report.features.map((f) => [f.name, f]));
  const title = `Sporeprint monitoring report: ${report.workspace.name}, ${report.window.label}`;
  const body = [
    header(report),
    datasetDriftSection(report),
    featureTable(report, features),
    driftedCharts(report, features),
    predictionSection(report),
    targetSection(report),
    qualitySection(report),
    pcaSection(report),
    historySection(report),
    `<footer>Exported by Sporeprint (${text(report.format)}) on ${formatTime(report.createdAt)}. ${text(DISCLAIMER)} ${text(DATA_CREDIT)}</footer>`,
  ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${text(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
