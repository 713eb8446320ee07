import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startStaticServer } from '../scripts/staticServer.js';

export const SHARED_DATA = resolve(process.env.SPOREPRINT_SHARED ?? resolve(import.meta.dirname, '../../shared'), 'data');
export const hasSharedData = existsSync(resolve(SHARED_DATA, 'mushrooms.csv')) && existsSync(resolve(SHARED_DATA, 'secondary_data.csv'));
export const NO_DATA_REASON = `real data sets not found in ${SHARED_DATA} (fresh clone without ../shared): real-data tests skipped`;
export const SAMPLES = resolve(import.meta.dirname, '../data/samples');

export function sharedFile(name: 'mushrooms.csv' | 'secondary_data.csv'): string {
  return resolve(SHARED_DATA, name);
}
export function sharedText(name: 'mushrooms.csv' | 'secondary_data.csv'): string {
  return readFileSync(sharedFile(name), 'utf8');
}

interface Served {
  url: string;
  close(): Promise<void>;
}

/** `server`: the static build served on a free port for this test worker. */
export const test = base.extend<object, { server: Served }>({
  server: [
    async ({}, use) => {
      const s: Served = await startStaticServer({ dir: 'build', port: 0 });
      await use(s);
      await s.close();
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ server }, use) => use(server.url),
  // An uncaught error in the page fails the test, even when what the user sees looks right; so does
  // anything the Content-Security-Policy refused (Chromium reports it on the console; a test that
  // provokes refusals on purpose uses a page of its own).
  page: async ({ page }, use) => {
    const errors: string[] = [];
    const refused: string[] = [];
    page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/.test(m.text())) refused.push(m.text());
    });
    await use(page);
    expect(errors, 'uncaught errors in the page').toEqual([]);
    expect(refused, 'Content-Security-Policy violations').toEqual([]);
  },
});

export { expect };

/** Drops a file on the page the way a user dragging from the desktop does (a real DataTransfer). */
export async function dropFile(page: Page, name: string, content: string | Buffer, target = 'main'): Promise<void> {
  const base64 = Buffer.from(content).toString('base64');
  const dt = await page.evaluateHandle(
    async ({ base64, name }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], name, { type: 'text/csv' }));
      return transfer;
    },
    { base64, name },
  );
  await page.dispatchEvent(target, 'dragenter', { dataTransfer: dt });
  await page.dispatchEvent(target, 'dragover', { dataTransfer: dt });
  await page.dispatchEvent(target, 'drop', { dataTransfer: dt });
}

/** Chooses a file with the page's own file picker. */
export async function pickFile(page: Page, name: string, content: string | Buffer): Promise<void> {
  await page.getByTestId('file-input').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(content) });
}

/** Waits until the service worker controls the page and has finished precaching. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise<void>((r) => navigator.serviceWorker.addEventListener('controllerchange', () => r(), { once: true }));
    }
    return reg.active?.state;
  });
}

/** The UCI-style sample imported, then a model trained from the Models page with its defaults: v2 (staging) beside the shipped v1. */
export async function trainOnUciSample(page: Page, timeout = 120_000): Promise<void> {
  await page.goto('/data');
  await page.getByRole('button', { name: 'UCI-style sample' }).click();
  await page.getByRole('button', { name: /Import \d+ valid rows/ }).click();
  await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 30_000 });
  await page.goto('/models');
  await page
    .getByRole('region', { name: 'Train a model' })
    .getByRole('button', { name: /^Train / })
    .click();
  await expect(page.getByTestId('models-notice')).toContainText('Registered v2 (staging)', { timeout });
}

/** A shadow A/B test started from the A/B tests page, with the first staging version as challenger. */
export async function startShadowTest(page: Page): Promise<void> {
  await page.goto('/abtests');
  const form = page.getByTestId('new-test');
  await form.getByTestId('challenger').selectOption({ index: 1 });
  await form.getByRole('radio', { name: /Shadow:/ }).check();
  await form.getByRole('button', { name: 'Start the test' }).click();
  await expect(page.getByTestId('running-test')).toBeVisible();
}

/** The whole UCI file dropped on the Predict page as a batch; returns the batch section once its 8,124 rows are answered. */
export async function predictUciFileAsBatch(page: Page): Promise<Locator> {
  await page.goto('/predict');
  await page.getByTestId('batch-file-input').setInputFiles({ name: 'mushrooms.csv', mimeType: 'text/csv', buffer: Buffer.from(sharedText('mushrooms.csv')) });
  const batch = page.getByTestId('batch');
  await expect(batch.getByTestId('batch-rows')).toHaveText('8,124', { timeout: 60_000 });
  return batch;
}

/**
 * Chromium hands files to an installed app's launchQueue; a test browser has no installed app, so
 * the queue is stood in for before the app loads, with a real file handle's shape. Returns
 * `launch(text)`: "opens" a file opened.csv holding `text` with the app, once the app listens.
 */
export async function standInLaunchQueue(page: Page): Promise<(text: string) => Promise<void>> {
  await page.addInitScript(() => {
    // Chromium has a native launchQueue: replace it outright (a plain assignment would not).
    Object.defineProperty(window, 'launchQueue', {
      configurable: true,
      value: {
        setConsumer(consumer: (p: unknown) => void) {
          (window as unknown as { __launch: (text: string) => void }).__launch = (text) =>
            consumer({ files: [{ kind: 'file', name: 'opened.csv', getFile: async () => new File([text], 'opened.csv', { type: 'text/csv' }) }] });
        },
      },
    });
  });
  return async (text) => {
    await page.waitForFunction(() => typeof (window as unknown as { __launch?: unknown }).__launch === 'function');
    await page.evaluate((t) => (window as unknown as { __launch: (t: string) => void }).__launch(t), text);
  };
}
