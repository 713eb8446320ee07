import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import { test, expect, hasSharedData, sharedText, standInLaunchQueue, startShadowTest, trainOnUciSample } from '../fixtures';
import { PAGE_HEADINGS } from '../pages';

// axe-core in the page, on every page and in the states a user opens: zero violations, at desktop and phone width.
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

async function violations(page: Page): Promise<string[]> {
  // The app's CSP forbids injected scripts: these contexts bypass it for axe alone (bypassCSP below).
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[]; failureSummary: string }[] }[] }> };
      }
    ).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary.split('\n')[1]?.trim()}`).join('; ')}`);
}

const WIDTHS = [
  { name: 'desktop', viewport: { width: 1366, height: 900 }, phone: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, phone: true },
] as const;

for (const w of WIDTHS) {
  test.describe(`axe at ${w.name} width`, () => {
    test.use({ viewport: w.viewport, isMobile: w.phone, hasTouch: w.phone, bypassCSP: true });

    test('every page, first visit', async ({ page }) => {
      for (const [path, heading] of PAGE_HEADINGS) {
        await page.goto(path);
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
        await page.waitForLoadState('networkidle');
        expect(await violations(page), path).toEqual([]);
      }
    });

    test('an answer with its details open and the navigation sheet', async ({ page }) => {
      await page.goto('/predict');
      const form = page.getByRole('form', { name: /Describe the mushroom/ });
      await form.getByLabel('Odour').selectOption({ label: 'none' });
      await form.getByRole('button', { name: 'Predict' }).click();
      const answer = page.getByTestId('answer');
      await expect(answer).toBeVisible({ timeout: 30_000 });
      expect(await violations(page), 'answer').toEqual([]);
      await answer.getByText('Details: probability, threshold, model').click();
      expect(await violations(page), 'answer details').toEqual([]);
      if (w.phone) {
        await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^More/ }).click();
        await expect(page.getByRole('dialog', { name: 'More places' })).toBeVisible();
        expect(await violations(page), 'More sheet').toEqual([]);
        await page.keyboard.press('Escape');
      }
    });

    test("the A/B conclude dialog, the pipeline log, Settings' backup review and erase dialog, a file arriving and the drop overlay", async ({ page }) => {
      // A CSV opened with the installed app: the launch queue stood in for (fixtures).
      const launch = await standInLaunchQueue(page);
      await trainOnUciSample(page, 90_000);
      await page.getByTestId('run').getByText(/^Log/).click();
      await page.getByText('How these figures are made').first().click();
      expect(await violations(page), 'pipeline log and model card details open').toEqual([]);

      await startShadowTest(page);
      expect(await violations(page), 'a running test').toEqual([]);
      if (w.phone) {
        // One card per arm: nothing of the arms table is scrolled off to the side of a phone.
        const arms = page.getByRole('region', { name: /^Arms of test/ }).first();
        expect(await arms.evaluate((el) => el.scrollWidth - el.clientWidth), 'arms table scrolls sideways').toBeLessThanOrEqual(0);
      }
      await page.getByTestId('conclude-challenger').click();
      await expect(page.getByTestId('conclude-dialog')).toBeVisible();
      expect(await violations(page), 'conclude dialog').toEqual([]);
      await page.getByTestId('conclude-dialog').getByRole('button', { name: 'Confirm' }).click();
      await expect(page.getByTestId('concluded-test')).toHaveCount(1);
      expect(await violations(page), 'a concluded test').toEqual([]);

      await page.goto('/settings');
      // Listening before the click: the download may start before the click returns.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('backup-workspace').click()]);
      await expect(page.getByTestId('backup-done')).toBeVisible();
      expect(await violations(page), 'backup made').toEqual([]);
      await page.getByTestId('restore-file-input').setInputFiles((await download.path())!);
      await expect(page.getByTestId('backup-review')).toBeVisible({ timeout: 30_000 });
      expect(await violations(page), 'backup review').toEqual([]);
      await page.getByTestId('discard-backup').click();
      await page.getByTestId('erase-button').click();
      await expect(page.getByTestId('erase-dialog')).toBeVisible();
      expect(await violations(page), 'erase dialog').toEqual([]);
      await page.keyboard.press('Escape');

      await launch('class,odor\np,f\n');
      await expect(page.getByRole('dialog', { name: 'What should Sporeprint do with opened.csv?' })).toBeVisible();
      expect(await violations(page), 'a file opened with the app').toEqual([]);
      await page.keyboard.press('Escape');

      const files = await page.evaluateHandle(() => {
        const t = new DataTransfer();
        t.items.add(new File(['a'], 'x.csv', { type: 'text/csv' }));
        return t;
      });
      await page.dispatchEvent('main', 'dragenter', { dataTransfer: files });
      await expect(page.getByTestId('drop-overlay')).toBeVisible();
      expect(await violations(page), 'drop overlay').toEqual([]);
    });

    test('import review, stored data, batch results and a trained model', async ({ page }) => {
      await page.goto('/data');
      // A file with bad rows: the review lists them in a scrollable region.
      const bad = 'class,cap-shape\np,x\ne,zz\n';
      await page.getByTestId('file-input').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
      await expect(page.getByTestId('rows-rejected')).toBeVisible({ timeout: 30_000 });
      expect(await violations(page), 'import review with rejected rows').toEqual([]);
      await page
        .getByRole('button', { name: /Discard|Cancel/ })
        .first()
        .click();
      await page.getByRole('button', { name: 'UCI-style sample' }).click();
      await expect(page.getByRole('button', { name: /Import \d+ valid rows/ })).toBeVisible({ timeout: 30_000 });
      expect(await violations(page), 'import review').toEqual([]);
      await page.getByRole('button', { name: /Import \d+ valid rows/ }).click();
      await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 30_000 });
      expect(await violations(page), 'data stored').toEqual([]);

      await page.goto('/predict');
      const csv = hasSharedData ? sharedText('mushrooms.csv').split('\n').slice(0, 200).join('\n') : null;
      if (csv) {
        await page.getByTestId('batch-file-input').setInputFiles({ name: 'batch.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
        await expect(page.getByTestId('batch-rows')).toBeVisible({ timeout: 30_000 });
        expect(await violations(page), 'batch results').toEqual([]);
      }

      await page.goto('/models');
      await page
        .getByRole('region', { name: 'Train a model' })
        .getByRole('button', { name: /^Train / })
        .click();
      await expect(page.getByTestId('models-notice')).toContainText('Registered v2 (staging)', { timeout: 60_000 });
      expect(await violations(page), 'models after training').toEqual([]);
      // A canvas chart's text alternative: its key figure in words, and its data one tap away.
      const roc = page.getByRole('figure').filter({ hasText: 'ROC curve' });
      await expect(roc.getByTestId('chart-summary')).toHaveText(/^ROC AUC 0\.\d{4}\. ROC: true positive rate from 0 to 1/);
      await roc.getByText('Show data').click();
      await expect(roc.getByRole('region', { name: 'ROC curve: ROC data' }).getByRole('row')).not.toHaveCount(0);
      expect(await violations(page), 'a chart with its data shown').toEqual([]);
      // Promoting v2 archives the shipped v1: the registry then shows every stage's badge.
      const v2 = page.getByTestId('model-row').and(page.locator('[data-version="2"]'));
      await v2.getByRole('button', { name: 'Promote to production' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel(/Reason/).fill('Better on the test split');
      expect(await violations(page), 'promote dialog').toEqual([]);
      await dialog.getByRole('button', { name: 'Confirm' }).click();
      await expect(page.getByTestId('model-row').and(page.locator('[data-stage="archived"]'))).toHaveCount(1);
      expect(await violations(page), 'registry with an archived version').toEqual([]);
      for (const path of ['/experiments', '/monitor', '/predictions']) {
        await page.goto(path);
        await page.waitForLoadState('networkidle');
        await page.waitForTimeout(500);
        expect(await violations(page), `${path} with data`).toEqual([]);
      }
    });
  });
}
