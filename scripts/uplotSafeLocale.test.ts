import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runInNewContext } from 'node:vm';
import { makeUplotLocaleSafe, UPLOT_FORMATTER } from './uplotSafeLocale.js';

const require = createRequire(import.meta.url);
const uplotSource = readFileSync(require.resolve('uplot/dist/uPlot.esm.js'), 'utf8');

/** Evaluates uPlot's module body as a browser that reports `language` would, and returns uPlot. */
function evaluateUplot(code: string, language: string): unknown {
  const script = code.replace(/export\s*\{\s*uPlot as default\s*\};?\s*$/, 'globalThis.__uPlot = uPlot;');
  const media = { matches: false, addEventListener() {}, removeEventListener() {} };
  const window: Record<string, unknown> = {
    navigator: { language },
    document: {},
    devicePixelRatio: 1,
    matchMedia: () => media,
    addEventListener() {},
    removeEventListener() {},
    dispatchEvent() {
      return true;
    },
    CustomEvent: class {},
    Intl,
  };
  window.window = window;
  window.globalThis = window;
  runInNewContext(script, window);
  return window.__uPlot;
}

describe('uPlot under a navigator.language that is not a BCP 47 tag', () => {
  it('the unpatched module throws while it evaluates (the blank pages in WebKitGTK under LANG=C)', () => {
    expect(uplotSource).toContain(UPLOT_FORMATTER);
    expect(() => evaluateUplot(uplotSource, 'C')).toThrow(RangeError);
  });

  it('the patched module evaluates, with the reported language and without one', () => {
    const safe = makeUplotLocaleSafe(uplotSource);
    expect(typeof evaluateUplot(safe, 'C')).toBe('function');
    expect(typeof evaluateUplot(safe, 'en-GB')).toBe('function');
  });

  it('refuses a uPlot whose formatter line changed, so the fix is looked at again', () => {
    expect(() => makeUplotLocaleSafe('export default 1;')).toThrow(/no longer builds its formatter/);
  });
});
