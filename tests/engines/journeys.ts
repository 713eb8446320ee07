/**
 * What a user does in Firefox and in WebKit, run against the real static build with the real worker,
 * IndexedDB and service worker: every page opens, one prediction, the real UCI import, a decision
 * tree, the Settings page without a Storage API or with a persist() that never answers, and offline.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer } from '../../scripts/staticServer.js';
import { PAGE_HEADINGS } from '../pages';
import type { Engine, EngineDriver } from './drivers';

const ROOT = resolve(import.meta.dirname, '../..');
const BUILD = resolve(ROOT, process.env.SPOREPRINT_BUILD ?? 'build');
const SHARED_DATA = resolve(process.env.SPOREPRINT_SHARED ?? resolve(ROOT, '../shared'), 'data');
const UCI = resolve(SHARED_DATA, 'mushrooms.csv');
const hasUci = existsSync(UCI);

/**
 * Put first in every page (before its Content-Security-Policy meta tag, which governs only what
 * follows it): keeps the page's uncaught errors, and anything the policy refused, where the test can read them.
 */
const RECORD_ERRORS = `window.__pageErrors = [];
addEventListener('error', (e) => __pageErrors.push(String(e.message) + ' at ' + e.filename + ':' + e.lineno));
addEventListener('unhandledrejection', (e) => __pageErrors.push('unhandled rejection: ' + String(e.reason && e.reason.stack || e.reason)));
document.addEventListener('securitypolicyviolation', (e) => __pageErrors.push('CSP refused ' + e.effectiveDirective + ' ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber), true);`;

// Page-side helpers: sent as source, so each uses only its arguments.
const h1 = () => document.querySelector('h1')?.textContent?.trim() ?? null;
const pageErrors = () => (window as unknown as { __pageErrors?: string[] }).__pageErrors ?? ['the error recorder is missing'];
const text = (css: string) => document.querySelector(css)?.textContent?.replace(/\s+/g, ' ').trim() ?? null;
const attr = (css: string, name: string) => document.querySelector(css)?.getAttribute(name) ?? null;
const count = (css: string) => document.querySelectorAll(css).length;
/** Tags the first enabled element matching `css` whose text starts with `prefix`, for the driver to click. */
const tagByText = (css: string, prefix: string, tag: string) => {
  const el = [...document.querySelectorAll(css)].find((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim().startsWith(prefix));
  if (!el || (el as HTMLButtonElement).disabled) return false;
  el.setAttribute('data-engine-target', tag);
  // As a user scrolls to it: clear of the sticky header, which WebKitWebDriver would click instead.
  el.scrollIntoView({ block: 'center' });
  return true;
};
/** Chooses an option, by its text, in the select whose label starts with `label` (as a user picks from the list). */
const choose = (label: string, option: string) => {
  // A field that matters most starts with "★ matters most:" (a star and words for screen readers).
  const name = (e: Element) => (e.textContent ?? '').replace(/^\s*★\s*matters most:\s*/, '').trim();
  const l = [...document.querySelectorAll('label')].find((e) => name(e).startsWith(label));
  const select = (l?.control ?? l?.querySelector('select')) as HTMLSelectElement | null | undefined;
  const o = select && [...select.options].find((x) => x.text.trim() === option);
  if (!select || !o) return false;
  select.value = o.value;
  select.dispatchEvent(new Event('input', { bubbles: true }));
  select.dispatchEvent(new Event('change', { bubbles: true }));
  return true;
};

export function engineJourneys(engine: Engine): void {
  if (engine.missing && process.env.CI) {
    // .ci/run installs both engines: one missing there is a broken CI, not a reason to pass.
    it(`${engine.name} is installed`, () => expect.fail(engine.missing!));
    return;
  }
  if (engine.missing) console.warn(`${engine.name} suite skipped: ${engine.missing}`);
  if (!hasUci) console.warn(`${engine.name}: real data set not found in ${SHARED_DATA}: the UCI import and training steps are skipped`);

  describe.skipIf(!!engine.missing)(engine.name, () => {
    let d: EngineDriver;
    let server: Awaited<ReturnType<typeof startStaticServer>>;
    let tags = 0;

    /** Polls `fn` in the page until it returns something truthy (or the predicate holds). */
    async function until<T>(what: string, fn: (...a: never[]) => T, args: unknown[] = [], ok: (v: T) => boolean = Boolean, timeout = 30_000): Promise<T> {
      const end = Date.now() + timeout;
      let last: T | undefined;
      let failure = '';
      for (;;) {
        try {
          last = await d.evaluate<T>(fn, ...args);
          if (ok(last)) return last;
        } catch (e) {
          last = undefined; // the page is between two documents, or the driver failed: say which below
          failure = (e as Error).message;
        }
        if (Date.now() > end) {
          const shown = await d
            .evaluate<string>(
              () => (document.querySelector('[role="alert"]')?.textContent ?? '') + ' / ' + (document.querySelector('main')?.textContent?.replace(/\s+/g, ' ').slice(0, 300) ?? ''),
            )
            .catch(() => '?');
          throw new Error(
            `${engine.name}: timed out waiting for ${what} (last: ${JSON.stringify(last)}${failure ? `, last driver error: ${failure}` : ''}); the page shows: ${shown}`,
          );
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const noErrors = async () => expect(await d.evaluate<string[]>(pageErrors), `uncaught errors on ${engine.name}`).toEqual([]);
    const heading = (expected: string | RegExp) =>
      until(`the heading ${expected}`, h1, [], (t) => t !== null && (typeof expected === 'string' ? t === expected : expected.test(t)));
    /**
     * Before a page is left by a full load. Ending a page ends its workers, and WebKit wedges the
     * origin's IndexedDB when a worker ends with a read-write and a read-only transaction in flight
     * (bugs.webkit.org/show_bug.cgi?id=324094; the app then shows its storage banner). A user does
     * not leave a page within a moment of its last answer; nor does the test, in WebKit.
     */
    const settle = () => (engine.name === 'webkit' ? new Promise((r) => setTimeout(r, 1500)) : Promise.resolve());
    async function open(path: string) {
      await settle();
      await d.goto(server.url + path);
    }
    async function reload() {
      await settle();
      await d.reload();
    }
    async function clickText(css: string, prefix: string, timeout = 30_000) {
      const tag = `t${++tags}`;
      await until(`"${prefix}" in ${css}`, tagByText, [css, prefix, tag], Boolean, timeout);
      await d.click(`[data-engine-target="${tag}"]`);
    }
    async function pick(label: string, option: string) {
      await until(`option "${option}" of "${label}"`, choose, [label, option]);
    }

    beforeAll(async () => {
      server = await startStaticServer({ dir: BUILD, port: 0, headScript: RECORD_ERRORS });
      d = await engine.launch();
      console.log(`${engine.name}: ${d.version}`);
    }, 120_000);
    afterAll(async () => {
      await d?.close();
      await server?.close();
    });

    it('every page opens from the navigation, with no uncaught error', async () => {
      // A first-time user waits for the form: the first visit installs the shipped model.
      await open('/predict');
      await until('the shipped model', text, ['[data-testid="key-fields"]'], (t) => !!t?.includes('Fields that matter most to v1'));
      await d.click('nav[aria-label="Main"] a[href="/"], header a[href="/"]');
      await heading(/Sporeprint/);
      for (const [path, expected] of PAGE_HEADINGS.filter(([p]) => p !== '/')) {
        await d.click(`nav[aria-label="Main"] a[href="${path}"]`);
        await heading(expected);
        expect(await d.evaluate(attr, `nav[aria-label="Main"] a[href="${path}"]`, 'aria-current')).toBe('page');
      }
      await noErrors();
    });

    it('predicts one mushroom with the shipped model, on the wasm backend', async () => {
      await open('/predict');
      await until('the shipped model', text, ['[data-testid="key-fields"]'], (t) => !!t?.includes('Fields that matter most to v1: Odour'));
      await pick('Odour', 'foul');
      await pick('Spore print colour', 'chocolate');
      await clickText('form button', 'Predict');
      await until('the answer', attr, ['[data-testid="answer"]', 'data-decision'], (v) => v === 'poisonous');
      expect(await d.evaluate(text, '[data-testid="decision"]')).toBe('Poisonous');
      expect(await d.evaluate(text, '[data-testid="answer-version"]')).toBe('v1');
      expect(await until('the backend', text, ['[data-testid="answer-backend"]'])).toBe('wasm');
      expect(await d.evaluate(text, '[data-testid="answer"]')).toContain('Not advice on what to eat');
      await noErrors();
    });

    it.skipIf(!hasUci)('imports the real UCI file through the file input, and it is still there after a reload', async () => {
      await open('/data');
      await heading(/^Data/);
      // Counts are written in the browser's own locale (WebKitGTK under LANG=C writes 8124).
      const [rows, edible, poisonous] = await d.evaluate<string[]>(() => [8124, 4208, 3916].map((n) => n.toLocaleString()));
      await d.upload('[data-testid="file-input"]', UCI);
      await until('the quality report', text, ['[data-testid="rows-accepted"]'], (t) => t === rows, 60_000);
      await clickText('button', `Import ${rows} valid rows`);
      await until('the import', text, ['[data-testid="import-done"]'], (t) => !!t?.includes(`Stored ${rows} rows`), 60_000);
      await noErrors();
      await reload();
      await until('the stored version', text, ['[data-testid="version-rows"]'], (t) => t === rows);
      expect(await d.evaluate(text, '[data-testid="version-balance"]')).toBe(`${edible} / ${poisonous}`);
      await noErrors();
    });

    it.skipIf(!hasUci)('trains a decision tree on it and registers it as v2 in staging', async () => {
      await open('/models');
      await until('the shipped v1', count, ['[data-testid="model-row"]'], (n) => n >= 1);
      await pick('Model family', 'Decision tree');
      await clickText('button', 'Train Decision tree');
      await until('the finished run', attr, ['[data-testid="run"]', 'data-status'], (s) => s === 'finished' || s === 'failed', 150_000);
      expect(await d.evaluate(attr, '[data-testid="run"]', 'data-status')).toBe('finished');
      expect(await d.evaluate(text, '[data-testid="models-notice"]')).toContain('Registered v2 (staging)');
      await noErrors();
      await reload();
      await until('v2 in the registry', attr, ['[data-testid="model-row"][data-version="2"]', 'data-stage'], (s) => s === 'staging');
    });

    it('Settings: storage without a Storage API or with a persist() that never answers, and how to install', async () => {
      await open('/settings');
      await heading('Settings & About');
      const hasStorage = await d.evaluate<boolean>(() => !!navigator.storage);
      if (!hasStorage) {
        expect(await d.evaluate(text, '[data-testid="persisted"]')).toContain('does not report storage use');
        expect(await d.evaluate(text, '[data-testid="browser-support"]')).toContain('No Storage API');
      } else {
        // Firefox asks the user, who may never answer: the question must not hold anything up.
        await d.evaluate(() => {
          navigator.storage.persist = () => new Promise<boolean>(() => {});
        });
        await clickText('button', 'Ask for persistent storage');
        await until('the pending question', text, ['[data-testid="storage-message"]'], (t) => !!t?.startsWith('Waiting for the browser'));
        expect(await d.evaluate(text, 'button[disabled]')).toBe('Asking…');
      }
      // Neither engine offers beforeinstallprompt: the page says how to add the app by hand.
      expect(await d.evaluate(text, '[data-testid="install-hint"]')).toBeTruthy();
      // The app still answers: a client-side move to Predict and a prediction.
      await d.click('nav[aria-label="Main"] a[href="/predict"]');
      await heading(/^Predict ·/);
      await pick('Odour', 'foul');
      await clickText('form button', 'Predict');
      await until('the answer', attr, ['[data-testid="answer"]', 'data-decision'], (v) => v === 'poisonous');
      await noErrors();
    });

    it('every page opens on a direct load, with no uncaught error', async () => {
      // On an origin of its own: loading page after page ends each page's workers while they still
      // read and write, which wedges WebKit's IndexedDB for that origin (bugs.webkit.org/show_bug.cgi?id=324094).
      const fresh = await startStaticServer({ dir: BUILD, port: 0, headScript: RECORD_ERRORS });
      try {
        for (const [path, expected] of PAGE_HEADINGS) {
          await d.goto(fresh.url + path);
          await heading(expected);
          await noErrors();
        }
      } finally {
        await fresh.close();
      }
    });

    it('the service worker controls the page after a reload, and with the server stopped every page opens', async () => {
      await open('/');
      await heading(/Sporeprint/);
      // Workbox activates only once its install has precached every file.
      await d.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active?.state));
      await reload();
      await until('a controlling service worker', () => !!navigator.serviceWorker.controller);
      await server.close();
      for (const [path, expected] of PAGE_HEADINGS) {
        await open(path);
        await heading(expected);
        await noErrors();
      }
    });
  });
}
