/**
 * uPlot 1.6 builds its number formatter while its module evaluates:
 *   new Intl.NumberFormat(domEnv ? nav.language : 'en-US')
 * `navigator.language` is whatever the browser reports, and it is not always a BCP 47 tag:
 * WebKitGTK under the POSIX locale reports "C", and Intl throws "RangeError: invalid language tag".
 * The uPlot module then never finishes evaluating, and every page whose chunk imports it (Data,
 * Models, Monitor, A/B tests) was left blank in WebKit. This plugin makes that one expression fall
 * back to the engine's default locale when the reported language is not a valid tag. If a uPlot
 * update changes the line, the build stops here, so the fix is checked again rather than lost.
 */
export const UPLOT_FORMATTER = "new Intl.NumberFormat(domEnv ? nav.language : 'en-US')";
export const SAFE_FORMATTER = "(() => { try { return new Intl.NumberFormat(domEnv ? nav.language : 'en-US'); } catch { return new Intl.NumberFormat(); } })()";

/** @param {string} code */
export function makeUplotLocaleSafe(code) {
  if (!code.includes(UPLOT_FORMATTER)) {
    throw new Error(
      `uPlot no longer builds its formatter with \`${UPLOT_FORMATTER}\`: check whether an invalid navigator.language still breaks it, then update scripts/uplotSafeLocale.js`,
    );
  }
  return code.replace(UPLOT_FORMATTER, SAFE_FORMATTER);
}

/** @returns {import('vite').Plugin} */
export function uplotSafeLocale() {
  return {
    name: 'sporeprint:uplot-safe-locale',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]uplot[\\/]dist[\\/]uPlot\.esm\.js$/.test(id.split('?')[0])) return null;
      return { code: makeUplotLocaleSafe(code), map: null };
    },
  };
}
