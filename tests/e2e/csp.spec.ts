import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { test, expect, waitForServiceWorker } from '../fixtures';
import { PAGE_HEADINGS } from '../pages';

// The Content-Security-Policy every page carries (svelte.config.js, kit.csp): read from the page as
// the browser gets it, then shown to refuse what an attacker would inject, and not to get in the
// way of anything the app does. Every other end-to-end test also fails on a console CSP violation
// (tests/fixtures.ts), so the whole suite runs under the policy.

/** The page's policy, directive by directive. */
async function policy(page: Page): Promise<Map<string, string[]>> {
  const metas = await page.locator('meta[http-equiv="content-security-policy"]').evaluateAll((els) => els.map((e) => e.getAttribute('content') ?? ''));
  expect(metas, 'one CSP meta tag').toHaveLength(1);
  const directives = new Map<string, string[]>();
  for (const part of metas[0].split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name, values);
  }
  return directives;
}

/** Records the page's securitypolicyviolation events from the first script on. */
async function recordViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`), true);
  });
}
const violations = (page: Page) => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);

test('every page carries a strict policy: own origin only, no inline script but SvelteKit’s hashed bootstrap, no eval', async ({ page }) => {
  for (const [path] of PAGE_HEADINGS) {
    await page.goto(path);
    const p = await policy(page);
    expect(p.get('default-src')).toEqual(["'self'"]);
    const script = p.get('script-src')!;
    expect(script.filter((s) => !s.startsWith("'sha256-"))).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(script.filter((s) => s.startsWith("'sha256-"))).toHaveLength(1);
    expect(p.get('worker-src')).toEqual(["'self'"]);
    expect(p.get('connect-src')).toEqual(["'self'", 'https:']);
    expect(p.get('img-src')).toEqual(["'self'"]);
    expect(p.get('style-src')).toEqual(["'self'"]);
    // One style attribute, SvelteKit's navigation announcer, allowed by its hash: no 'unsafe-inline'.
    expect(p.get('style-src-attr')).toEqual(["'unsafe-hashes'", expect.stringMatching(/^'sha256-[A-Za-z0-9+/]+=*'$/)]);
    expect(p.get('object-src')).toEqual(["'none'"]);
    expect(p.get('base-uri')).toEqual(["'self'"]);
    expect(p.get('form-action')).toEqual(["'self'"]);
    expect(p.get('manifest-src')).toEqual(["'self'"]);
    // Nothing anywhere that would reopen the door.
    for (const [name, values] of p) {
      for (const v of values) expect(["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'blob:', 'http:'], `${name} ${v}`).not.toContain(v);
    }
  }
});

test('an injected inline script, event handler or foreign script does not run, and each is reported as a violation', async ({ browser, baseURL }) => {
  // A page of its own: the shared fixture fails any test on a CSP violation, and here they are the point.
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await recordViolations(page);
  const foreign = await listen(createServer((_req, res) => res.end('window.__pwned = "foreign";')));
  try {
    await page.goto('/predict');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Predict ·/);
    // (Playwright's own evaluate is exempt from the policy, as devtools are: it only plants the HTML.)
    const outcome = await page.evaluate(async (foreignUrl) => {
      const w = window as unknown as { __pwned?: string };
      // What an HTML injection would do: an inline script, an inline event handler, a script from elsewhere.
      const inline = document.createElement('script');
      inline.textContent = 'window.__pwned = "inline";';
      document.body.append(inline);
      const img = document.createElement('img');
      img.setAttribute('onerror', 'window.__pwned = "handler";');
      img.src = '/no-such-image.png';
      document.body.append(img);
      const external = document.createElement('script');
      external.src = foreignUrl;
      document.body.append(external);
      await new Promise((r) => setTimeout(r, 1000));
      return w.__pwned ?? null;
    }, foreign.url + '/x.js');
    expect(outcome, 'no injected script ran').toBeNull();
    const seen = await violations(page);
    expect(seen).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^script-src-elem inline$/),
        expect.stringMatching(/^script-src-attr inline$/),
        expect.stringContaining(`script-src-elem ${foreign.url}`),
      ]),
    );
  } finally {
    await context.close();
    await foreign.close();
  }
});

test('under the policy every page opens with no violation, a prediction answers on wasm, and the service worker controls the page', async ({ page }) => {
  await recordViolations(page);
  for (const [path, heading] of PAGE_HEADINGS) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    expect(await violations(page), path).toEqual([]);
  }
  await page.goto('/settings');
  await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 30_000 });

  // Client-side navigation (the announcer's style attribute comes into play) and a prediction.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Predict', exact: true }).click();
  const form = page.getByRole('form', { name: /Describe the mushroom/ });
  await form.getByLabel('Odour').selectOption({ label: 'foul' });
  await form.getByRole('button', { name: 'Predict' }).click();
  await expect(page.getByTestId('answer')).toHaveAttribute('data-decision', 'poisonous', { timeout: 30_000 });

  await waitForServiceWorker(page);
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/sw\.js$/);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Predict ·/);
  expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  expect(await violations(page)).toEqual([]);
});

/** A server on another origin (another port). */
async function listen(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((r) => server.close(() => r())) };
}
