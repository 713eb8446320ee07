import type { Page } from '@playwright/test';
import { test, expect, pickFile, hasSharedData, NO_DATA_REASON, sharedText } from '../fixtures';

test.skip(!hasSharedData, NO_DATA_REASON);

async function importUci(page: Page) {
  await page.goto('/data');
  await pickFile(page, 'mushrooms.csv', sharedText('mushrooms.csv'));
  await page.getByRole('button', { name: 'Import 8,124 valid rows' }).click();
  await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 60_000 });
}

async function describe(page: Page, head: string[], row: string[]) {
  const form = page.getByRole('form', { name: /Describe the mushroom/ });
  for (let i = 1; i < head.length; i++) await form.locator(`select[name="${head[i]}"]`).selectOption(row[i] === '?' ? '' : row[i]);
  await form.getByRole('button', { name: 'Predict' }).click();
  await expect(form.getByRole('button', { name: 'Predict' })).toBeEnabled();
}

test('10 expert feedbacks start one retraining that passes the gate and goes live while predictions keep being answered', async ({ page }) => {
  test.setTimeout(180_000);
  const [head, ...rows] = sharedText('mushrooms.csv').trim().split('\n').map((l) => l.split(','));
  await importUci(page);

  await page.goto('/predict');
  const counter = page.getByTestId('feedback-counter');
  await expect(counter).toContainText('0 of 10');
  // Ten real mushrooms, each predicted and then labelled with its true class by the "expert".
  const picked = rows.filter((_, i) => i % 800 === 5).slice(0, 10);
  for (const [n, row] of picked.entries()) {
    await describe(page, head, row);
    const newest = page.getByTestId('prediction-row').first();
    await expect(newest.locator('td').first()).toHaveText(String(n + 1));
    await newest.getByRole('button', { name: row[0] === 'p' ? 'poisonous' : 'edible' }).click();
    await expect(newest).toHaveAttribute('data-feedback', row[0] === 'p' ? 'poisonous' : 'edible');
    if (n < 9) await expect(counter).toContainText(`${n + 1} of 10`);
  }

  // While the retraining runs, predictions go on being answered, every one of them.
  const toast = page.getByTestId('live-toast');
  for (let i = 0; i < 40 && !(await toast.isVisible()); i++) {
    await describe(page, head, picked[i % 10]);
    await expect(page.getByTestId('answer')).toBeVisible();
    await expect(page.getByTestId('predict-error')).toHaveCount(0);
  }
  await expect(toast).toContainText('v2 is live: retrained on 10 new feedbacks', { timeout: 120_000 });
  await expect(counter).toContainText('0 of 10');

  // The next answer comes from the new version; reload: it is still production, the counter at 0.
  await describe(page, head, picked[0]);
  await expect(page.getByTestId('answer-version')).toHaveText('v2');
  await page.reload();
  await expect(page.getByTestId('feedback-counter')).toContainText('0 of 10');
  await page.goto('/models');
  const v2 = page.getByTestId('model-row').and(page.locator('[data-version="2"]'));
  await expect(v2).toHaveAttribute('data-stage', 'production');
  await expect(v2).toContainText('retrained');
  await expect(page.getByTestId('run')).toContainText('Gate: not worse than production');
});

test('two open tabs with 10 waiting feedbacks start exactly one retraining, and both then answer with the new version', async ({ page, context }) => {
  test.setTimeout(180_000);
  const [head, ...rows] = sharedText('mushrooms.csv').trim().split('\n').map((l) => l.split(','));
  await importUci(page);
  // Collect 10 feedbacks without a retraining (k = 20), then lower k to 10 and open both tabs at
  // once: each tab's worker checks for waiting feedback as it starts, so both try to retrain.
  const setK = async (k: number) => {
    await page.goto('/settings');
    await page.getByLabel(/Retrain after every/).fill(String(k));
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('region', { name: 'Continuous training' })).toContainText(`Currently ${k}.`);
  };
  await setK(20);

  const tabs = [page, await context.newPage()];
  for (const tab of tabs) await tab.goto('/predict');
  const picked = rows.filter((_, i) => i % 700 === 3).slice(0, 10);
  for (const [n, row] of picked.entries()) {
    const tab = tabs[n % 2];
    await describe(tab, head, row);
    const newest = tab.getByTestId('prediction-row').first();
    await expect(newest.locator('td').first()).toHaveText(String(n + 1)); // one log for both tabs: the newest row is this one
    await newest.getByRole('button', { name: row[0] === 'p' ? 'poisonous' : 'edible' }).click();
    await expect(newest).toHaveAttribute('data-feedback', /.+/);
  }
  await expect(tabs[1].getByTestId('feedback-counter')).toContainText('10 of 20');
  await setK(10);
  await Promise.all(tabs.map((tab) => tab.goto('/predict')));

  for (const tab of tabs) await expect(tab.getByTestId('live-toast')).toContainText('v2 is live', { timeout: 120_000 });
  for (const tab of tabs) {
    await describe(tab, head, picked[0]);
    await expect(tab.getByTestId('answer-version')).toHaveText('v2');
  }
  await page.goto('/experiments');
  await expect(page.getByTestId('run-row')).toHaveCount(1); // one retraining run, not two
  await page.goto('/models');
  await expect(page.getByTestId('model-row')).toHaveCount(2);
});
