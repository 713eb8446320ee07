import { describe, expect, it } from 'vitest';
import { seededRng } from '../engine/ml/rng';
import type { MiniDistribution } from '../engine/monitor/driftTypes';
import { distributionChartSvg, escapeHtml, formatNumber, formatShare, lineChartSvg, miniDistributionSvg, niceTicks, scatterSvg } from './svgCharts';
import { EVIL, EVIL_ESCAPED, tagProblem } from './markup.testing';

function expectWellFormedSvg(svg: string, width: number, height: number) {
  expect(svg.startsWith(`<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="`)).toBe(true);
  expect(svg.endsWith('</svg>')).toBe(true);
  expect(svg).toMatch(/<title>[^<]+<\/title>/);
  expect(tagProblem(svg)).toBeNull();
  expect(svg).not.toMatch(/NaN|Infinity|undefined|http|href|src=|url\(/);
  // Path coordinates carry at most one decimal.
  for (const [, d] of svg.matchAll(/ d="([^"]*)"/g)) expect(d).not.toMatch(/\.\d\d/);
}

const histogram: MiniDistribution = { kind: 'histogram', edges: [0, 2.5, 5, 7.5, 10, 12.5], reference: [0.1, 0.3, 0.4, 0.15, 0.05], current: [0.05, 0.15, 0.3, 0.3, 0.2] };
const categories: MiniDistribution = { kind: 'categories', keys: [0, 1, 2, -1], reference: [0.5, 0.3, 0.1, 0.1], current: [0.2, 0.3, 0.4, 0.1] };

describe('escapeHtml / formatNumber / niceTicks', () => {
  it('escapes the five HTML specials', () => {
    expect(escapeHtml(EVIL)).toBe(EVIL_ESCAPED);
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });

  it('keeps about three significant digits', () => {
    expect(formatNumber(0.0123456)).toBe('0.0123');
    expect(formatNumber(12.3456)).toBe('12.3');
    expect(formatNumber(1.5)).toBe('1.5');
    expect(formatNumber(0.0000123)).toBe('1.23e-5');
    expect(formatNumber(0.00001)).toBe('1e-5');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(NaN)).toBe('—');
    expect(formatNumber(-Infinity)).toBe('—');
    expect(formatShare(0.0345)).toBe('3.45 %');
    expect(formatShare(1e-7)).toBe('under 0.01 %');
    expect(formatShare(0)).toBe('0 %');
  });

  it('picks round ticks', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.93, 1, 4)).toEqual([0.94, 0.96, 0.98, 1]);
    expect(niceTicks(3, 3)).toEqual([3]);
    expect(niceTicks(NaN, 1)).toEqual([]);
  });
});

describe('miniDistributionSvg', () => {
  it('draws one path per side for histograms and categories, sized for a table cell', () => {
    for (const dist of [histogram, categories]) {
      const svg = miniDistributionSvg(dist);
      expectWellFormedSvg(svg, 120, 32);
      expect(svg).toContain('stroke="#7a5240"');
      expect(svg).toContain('stroke="#2f6b8f"');
      expect(svg.length).toBeLessThan(1500);
    }
  });

  it('says "no data" for empty or all-zero distributions and escapes its title', () => {
    const empty = miniDistributionSvg({ kind: 'histogram', edges: [], reference: [], current: [] }, { title: EVIL });
    expectWellFormedSvg(empty, 120, 32);
    expect(empty).toContain('no data');
    expect(empty).toContain(EVIL_ESCAPED);
    expect(empty).not.toContain('<script');
    expect(miniDistributionSvg({ kind: 'categories', keys: [0], reference: [0], current: [NaN] })).toContain('no data');
  });
});

describe('distributionChartSvg', () => {
  it('labels categories by code, −1 as "other", escaped', () => {
    const svg = distributionChartSvg(categories, ['Bell', EVIL, 'Flat'], { title: 'Cap shape' });
    expectWellFormedSvg(svg, 480, 260);
    expect(svg).toContain('>Bell<');
    expect(svg).toContain('>other<');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).not.toContain('<script');
    expect(svg).toContain('>Reference<');
    expect(svg).toContain('>Current<');
    expect(svg.match(/<rect /g)).toHaveLength(4 * 2 + 2);
  });

  it('labels histogram edges and falls back to code numbers without labels', () => {
    const svg = distributionChartSvg(histogram);
    expectWellFormedSvg(svg, 480, 220);
    for (const e of ['0', '2.5', '5', '7.5', '10', '12.5']) expect(svg).toContain(`>${e}<`);
    expect(distributionChartSvg({ kind: 'categories', keys: [4], reference: [1], current: [1] })).toContain('>code 4<');
    expect(distributionChartSvg({ kind: 'histogram', edges: [], reference: [], current: [] })).toContain('no data');
  });
});

describe('scatterSvg', () => {
  const rng = seededRng(3);
  const cloud = (n: number, shift: number) => ({ x: Array.from({ length: n }, () => rng() * 4 - 2 + shift), y: Array.from({ length: n }, () => rng() * 3 - 1) });

  it('draws 2000 + 2000 points as two compact paths', () => {
    const svg = scatterSvg(cloud(2000, 0), cloud(2000, 1), { xLabel: 'PC1 (21 %)', yLabel: 'PC2 (12 %)' });
    expectWellFormedSvg(svg, 360, 320);
    expect(svg.match(/h0/g)).toHaveLength(4000);
    expect(svg.match(/stroke-linecap="round"/g)).toHaveLength(2);
    expect(svg).not.toContain('<circle');
    expect(svg.length).toBeLessThan(60_000);
    expect(svg).toContain('PC1 (21 %)');
  });

  it('caps points, skips non-finite ones and copes without a reference', () => {
    const capped = scatterSvg(cloud(2000, 0), cloud(2000, 0), { maxPoints: 100 });
    expect(capped.match(/h0/g)).toHaveLength(200);
    const svg = scatterSvg(null, { x: [1, NaN, 2, 3], y: [1, 2, Infinity, 3] });
    expectWellFormedSvg(svg, 360, 320);
    expect(svg.match(/h0/g)).toHaveLength(2);
    expect(svg).not.toContain('#7a5240');
    expect(scatterSvg(null, { x: [], y: [] })).toContain('no data');
    expectWellFormedSvg(scatterSvg(null, { x: [1], y: [1] }), 360, 320);
  });
});

describe('lineChartSvg', () => {
  it('breaks lines at nulls and draws a band, markers and a legend', () => {
    const svg = lineChartSvg(
      [
        { label: 'Measured', x: [100, 200, 300, 400, 500], y: [0.97, 0.98, null, 0.95, 0.96] },
        {
          label: 'Estimated',
          x: [100, 200, 300, 400, 500],
          y: [0.96, 0.97, 0.97, 0.96, 0.95],
          dash: true,
          interval: { lower: [0.94, 0.95, 0.95, 0.94, 0.93], upper: [0.98, 0.99, 0.99, 0.98, 0.97] },
        },
      ],
      { title: 'Accuracy', band: { lower: 0.9, upper: 0.99, mean: 0.95 }, markers: [{ x: 250, label: EVIL }], yMax: 1, xLabel: 'Row', yLabel: 'Accuracy' },
    );
    expectWellFormedSvg(svg, 480, 220);
    const measured = svg.match(/<path d="([^"]*)" fill="none" stroke="#2f6b8f"/);
    expect(measured?.[1].match(/M/g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray="5 3"');
    expect(svg).toContain('fill-opacity="0.14"');
    expect(svg).toContain(EVIL_ESCAPED.slice(0, 20));
    expect(svg).not.toContain('<script');
    expect(svg).toContain('>Measured<');
  });

  it('draws an isolated point as a dot, handles flat and empty data', () => {
    const single = lineChartSvg([{ label: 'a', x: [1, 2, 3], y: [null, 5, null] }]);
    expectWellFormedSvg(single, 480, 220);
    expect(single).toMatch(/<path d="M[\d.]+ [\d.]+h0" fill="none"/);
    expectWellFormedSvg(lineChartSvg([{ label: 'flat', x: [7, 7], y: [0, 0] }], { width: 300, height: 150 }), 300, 150);
    expect(lineChartSvg([{ label: 'none', x: [1, 2], y: [null, null] }])).toContain('no data');
    expect(lineChartSvg([])).toContain('no data');
  });
});
