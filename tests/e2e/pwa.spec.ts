import { cpSync, mkdtempSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { test, expect, waitForServiceWorker } from '../fixtures';
import { chromiumLaunchOptions } from '../chromium.js';
import { startStaticServer } from '../../scripts/staticServer.js';
import { PAGE_HEADINGS } from '../pages';

test('Chromium reports no installability errors and the manifest is complete, with shortcuts, file handlers, a share target and a launch handler', async ({ page, baseURL }) => {
  // Test contexts are incognito, where nothing is installable: use a real profile for this check.
  const profile = mkdtempSync(join(tmpdir(), 'sporeprint-profile-'));
  const context = await chromium.launchPersistentContext(profile, { ...chromiumLaunchOptions(), headless: true });
  try {
    const installPage = context.pages()[0] ?? (await context.newPage());
    await installPage.goto(baseURL + '/');
    await waitForServiceWorker(installPage);
    const cdp = await context.newCDPSession(installPage);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }

  const manifest = await (await page.request.get('/manifest.webmanifest')).json();
  expect(manifest).toMatchObject({ name: expect.stringContaining('Sporeprint'), short_name: 'Sporeprint', display: 'standalone', theme_color: expect.any(String) });
  const sizes = manifest.icons.map((i: { sizes: string; purpose?: string }) => `${i.sizes}${i.purpose === 'maskable' ? ' maskable' : ''}`);
  expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512', '512x512 maskable']));
  // At home in the OS: shortcuts, open-with for .csv, a share target, and one window per app.
  expect(manifest.shortcuts.map((s: { url: string }) => s.url)).toEqual(['/predict', '/monitor']);
  expect(manifest.file_handlers).toEqual([{ action: '/predict', accept: { 'text/csv': ['.csv'] } }]);
  expect(manifest.share_target).toMatchObject({ action: '/share-target', method: 'POST', enctype: 'multipart/form-data', params: { files: [{ name: 'file' }] } });
  expect(manifest.launch_handler).toEqual({ client_mode: ['focus-existing', 'auto'] });
});

test('with the server gone, every page still opens, the worker imports a sample and tfjs runs on wasm', async ({ browser }) => {
  const server = await startStaticServer({ dir: 'build', port: 0 });
  const context = await browser.newContext({ serviceWorkers: 'allow' });
  const page = await context.newPage();
  await page.goto(server.url + '/data');
  await waitForServiceWorker(page);
  // The toast appears once the first visit's precache is complete.
  await expect(page.getByRole('status').filter({ hasText: 'Ready to work offline' })).toBeVisible();

  await server.close(); // the service worker's own fetches are not covered by setOffline: really cut it
  await context.setOffline(true);

  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Data/);
  for (const [path, title] of PAGE_HEADINGS) {
    await page.goto(server.url + path);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  }

  // The worker chunk, PapaParse and the bundled sample all come from the precache.
  await page.goto(server.url + '/data');
  await page.getByRole('button', { name: 'Secondary-style sample' }).click();
  await expect(page.getByTestId('import-report').getByTestId('rows-accepted')).toHaveText('400');
  await page.getByRole('button', { name: 'Import 400 valid rows' }).click();
  await expect(page.getByTestId('import-done')).toContainText('Stored 400 rows');

  // The shipped production model came from the precache too.
  await page.goto(server.url + '/models');
  await expect(page.getByTestId('model-stage').filter({ hasText: 'production' })).toHaveCount(1);

  // tfjs and its .wasm files load from the precache too, and the precached responses keep the
  // cross-origin isolation headers: the page and both workers are isolated, tfjs-wasm is threaded.
  await page.goto(server.url + '/settings');
  await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 30_000 });
  await expectIsolated(page);
  await context.close();
});

/** The page and both engine workers are cross-origin isolated, and the Settings page (open) shows tfjs-wasm's threads: one per core (up to 4) where there are 4 or more, else one, saying why. */
async function expectIsolated(page: Page) {
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  // Threads only with 4 cores or more (worker/tfjsBackend.ts: on 2 they were slower); CI has 2.
  await expect(page.getByTestId('engine-threads')).toHaveText(cores >= 4 ? /^4 threads$/ : '1 thread');
  if (cores < 4) await expect(page.getByTestId('single-threaded')).toContainText(`this device has ${cores}`);
  const engineWorkers = () => page.workers().filter((w) => /(serving|training)\.worker/.test(w.url()));
  const kinds = () => [...new Set(engineWorkers().map((w) => w.url().match(/(serving|training)\.worker/)?.[1]))].sort();
  await expect.poll(kinds).toEqual(['serving', 'training']);
  for (const w of engineWorkers()) expect(await w.evaluate(() => self.crossOriginIsolated)).toBe(true);
}

test('a new release shows "Update available — reload", and Reload switches to it', async ({ browser }) => {
  const dir = mkdtempSync(join(tmpdir(), 'sporeprint-release-'));
  cpSync('build', dir, { recursive: true });
  const server = await startStaticServer({ dir, port: 0, dev: true });
  const context = await browser.newContext({ serviceWorkers: 'allow' });
  const page = await context.newPage();
  try {
    await page.goto(server.url + '/data');
    await waitForServiceWorker(page);
    await expect(page.getByText('Update available')).toHaveCount(0);

    appendFileSync(join(dir, 'sw.js'), '\n// release 2\n');
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const prompt = page.getByRole('alert').filter({ hasText: 'Update available' });
    await expect(prompt).toBeVisible();
    await prompt.getByRole('button', { name: 'Reload' }).click();
    await expect(prompt).toBeHidden();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Data/);
    const waiting = await page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration())?.waiting);
    expect(waiting).toBe(false);
  } finally {
    await context.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
