import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, pickFile, hasSharedData, NO_DATA_REASON, sharedText, trainOnUciSample } from '../fixtures';

async function importUci(page: Page) {
  await page.goto('/data');
  await pickFile(page, 'mushrooms.csv', sharedText('mushrooms.csv'));
  await page.getByRole('button', { name: 'Import 8,124 valid rows' }).click();
  await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 60_000 });
}

async function train(page: Page, family: string, params: Record<string, string> = {}) {
  const form = page.getByRole('region', { name: 'Train a model' });
  await form.getByLabel('Model family').selectOption({ label: family });
  for (const [label, value] of Object.entries(params)) await form.getByLabel(label, { exact: true }).fill(value);
  await form.getByRole('button', { name: /^Train / }).click();
}

test('the shipped model is installed as v1 production on first launch, offline-ready', async ({ page }) => {
  await page.goto('/models');
  const row = page.getByTestId('model-row').filter({ has: page.getByTestId('model-stage').filter({ hasText: 'production' }) });
  await expect(row).toHaveCount(1, { timeout: 30_000 });
  await expect(row).toHaveAttribute('data-version', '1');
  await expect(row).toContainText('shipped');
  await page.reload();
  await expect(page.getByTestId('model-row')).toHaveCount(1); // installed once, not again on reload
});

test('the shipped model card states its guarantee and 5-fold check in words, details one tap away, within 320 px', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ viewport: { width: 320, height: 700 }, isMobile: true, hasTouch: true, baseURL });
  const page = await context.newPage();
  await page.goto('/models');
  const v1 = page.getByTestId('model-row').and(page.locator('[data-version="1"]'));
  await v1.getByRole('button', { name: 'v1' }).click();
  const card = page.getByTestId('model-card');
  await expect(card.getByTestId('guarantee')).toHaveText(
    /On new data like the training data, at most 1 % of poisonous mushrooms are called edible, with probability at least 95 %/,
  );
  await expect(card.getByTestId('cv-figure')).toContainText(/5-fold check: 0 poisonous called edible of 3,916; [\d.]+ % of mushrooms uncertain/);
  await expect(card.getByTestId('test-figure')).toContainText('Test split: 0 poisonous called edible of 587');
  const details = card.getByText('How these figures are made');
  await details.click();
  await expect(card.getByTestId('safety-summary')).toContainText('α = 0.01, δ = 0.05');
  await expect(card.getByTestId('safety-summary').getByRole('table')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - 320);
  expect(overflow).toBeLessThanOrEqual(0);
  await context.close();
});

test('the registry fits a 768 px tablet and a 1366 px desktop: no action button is cut off at the side', async ({ page }) => {
  await trainOnUciSample(page, 90_000);
  for (const width of [768, 1366]) {
    await page.setViewportSize({ width, height: 900 });
    const wrap = page.locator('.table-wrap').filter({ has: page.getByTestId('registry') });
    expect(await wrap.evaluate((el) => el.scrollWidth - el.clientWidth), `the registry scrolls sideways at ${width} px`).toBeLessThanOrEqual(0);
    const promote = page.getByTestId('model-row').first().getByRole('button', { name: 'Promote to production' });
    await promote.scrollIntoViewIfNeeded();
    await expect(promote).toBeInViewport({ ratio: 1 });
  }
});

test('on a 390 px phone the registry is a list of cards: train, watch the pipeline come into view, promote from the card', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, baseURL });
  const page = await context.newPage();
  await page.goto('/data');
  await page.getByRole('button', { name: 'UCI-style sample' }).tap();
  await page.getByRole('button', { name: /Import \d+ valid rows/ }).tap();
  await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 30_000 });
  await page.goto('/models');
  const v1 = page.getByTestId('model-row').and(page.locator('[data-version="1"]'));
  // A card: no column cut off, the numbers labelled, every action a full-size touch target inside the screen.
  await expect(v1.getByText('Poisonous → edible')).toBeVisible();
  await expect(v1).toContainText(/Poisonous → edible\s*0/);
  const card = (await v1.boundingBox())!;
  expect(card.x + card.width).toBeLessThanOrEqual(390);
  for (const button of await v1.getByRole('button').all()) {
    const b = (await button.boundingBox())!;
    expect(b.height, await button.innerText()).toBeGreaterThanOrEqual(44);
    expect(b.x + b.width).toBeLessThanOrEqual(390);
  }
  await page
    .getByRole('region', { name: 'Train a model' })
    .getByRole('button', { name: /^Train / })
    .tap();
  await expect(page.getByTestId('run')).toBeInViewport({ timeout: 30_000 });
  await expect(page.getByTestId('models-notice')).toContainText('Registered v2 (staging)', { timeout: 90_000 });
  // The model card follows the version just trained.
  await expect(page.getByTestId('model-card')).toContainText('v2');
  const v2 = page.getByTestId('model-row').and(page.locator('[data-version="2"]'));
  await v2.getByRole('button', { name: 'Promote to production' }).tap();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Confirm' }).tap();
  await expect(v2).toHaveAttribute('data-stage', 'production');
  await expect(v1).toHaveAttribute('data-stage', 'archived');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await context.close();
});

test.describe('training on the real UCI data', () => {
  test.skip(!hasSharedData, NO_DATA_REASON);

  test('train an MLP from the UI, watch it, read its metrics, promote it, and it stays production after a reload', async ({ page }) => {
    test.setTimeout(180_000); // the 5-fold check trains five more times
    await importUci(page);
    await page.goto('/models');
    await expect(page.getByTestId('model-row')).toHaveCount(1, { timeout: 30_000 }); // the shipped v1
    await train(page, 'Neural network (MLP)', { Epochs: '15' });

    const run = page.getByTestId('run');
    await expect(run.getByTestId('step-train')).toHaveAttribute('data-status', /running|done/, { timeout: 60_000 });
    await expect(run).toHaveAttribute('data-status', 'finished', { timeout: 150_000 });
    for (const step of ['validate', 'split', 'impute', 'encode', 'pca', 'train', 'evaluate', 'crossValidate', 'register']) {
      await expect(run.getByTestId(`step-${step}`)).toHaveAttribute('data-status', 'done');
    }
    await expect(page.getByTestId('models-notice')).toContainText('Registered v2 (staging)');

    const v2 = page.getByTestId('model-row').and(page.locator('[data-version="2"]'));
    await expect(v2).toHaveAttribute('data-stage', 'staging');
    await v2.getByRole('button', { name: 'v2' }).click();
    const card = page.getByTestId('model-card');
    await expect(card.getByTestId('metric-accuracy')).toHaveText('1.0000');
    await expect(card.getByTestId('false-edible-half')).toHaveText('0');
    await expect(card.getByTestId('false-edible-safety')).toHaveText('0');
    // The guarantee in words (587 poisonous validation rows are enough for α = 1 %, δ = 5 %) and the 5-fold check.
    await expect(card.getByTestId('guarantee')).toHaveText(/at most 1 % of poisonous mushrooms are called edible, with probability at least 95 %/);
    await expect(card.getByTestId('cv-figure')).toContainText('5-fold check: 0 poisonous called edible of 3,916');
    await card.getByText('How these figures are made').click();
    await expect(card.getByTestId('safety-summary')).toContainText('587 poisonous rows');
    await expect(card.getByTestId('confusion').first()).toBeVisible();
    await expect(card.getByTestId('importance').locator('li').first()).toContainText('Odour'); // the field that decides UCI

    await v2.getByRole('button', { name: 'Promote to production' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/Reason/).fill('Trained on the imported data');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect(v2).toHaveAttribute('data-stage', 'production');
    const v1 = page.getByTestId('model-row').and(page.locator('[data-version="1"]'));
    await expect(v1).toHaveAttribute('data-stage', 'archived');

    await expect(page.getByTestId('serving')).toContainText('v2 (mlp)'); // swapped in the worker at once
    await page.reload();
    await expect(v2).toHaveAttribute('data-stage', 'production');
    await expect(page.getByTestId('serving')).toContainText('v2 (mlp)');
    await expect(page.getByTestId('model-stage').filter({ hasText: 'production' })).toHaveCount(1);

    // Rollback: the shipped v1 becomes production again in one action, with the reason in its history.
    await v1.getByRole('button', { name: 'Roll back to this' }).click();
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect(v1).toHaveAttribute('data-stage', 'production');
    await expect(page.getByTestId('serving')).toContainText('v1 (mlp)');
    await v1.getByRole('button', { name: 'v1' }).click();
    await expect(page.getByTestId('pca')).toContainText('3 components');
    await expect(page.getByTestId('model-history')).toContainText('Roll back');
  });

  test('a decision tree in production explains each answer with its decision path, in words', async ({ page }) => {
    await importUci(page);
    await page.goto('/models');
    await expect(page.getByTestId('model-row')).toHaveCount(1, { timeout: 30_000 });
    await train(page, 'Decision tree');
    await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'finished', { timeout: 90_000 });
    const v2 = page.getByTestId('model-row').and(page.locator('[data-version="2"]'));
    await v2.getByRole('button', { name: 'Promote to production' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await expect(v2).toHaveAttribute('data-stage', 'production');

    await page.goto('/predict');
    const form = page.getByRole('form', { name: /Describe the mushroom/ });
    await expect(page.getByTestId('key-fields')).toContainText('Fields that matter most to v2');
    await form.getByLabel('Odour').selectOption({ label: 'foul' });
    await form.getByRole('button', { name: 'Predict' }).click();
    const answer = page.getByTestId('answer');
    await expect(answer.getByTestId('answer-version')).toHaveText('v2');
    await expect(answer).toHaveAttribute('data-decision', 'poisonous');
    const path = answer.getByTestId('decision-path');
    await expect(path.locator('li').first()).toContainText(/^Odour is (not )?\w+/);
    await expect(path.locator('li').last()).toContainText('100.0 % of the training rows that reached it were poisonous');
  });

  test('two runs compare side by side on the Experiments page and export as JSON and CSV', async ({ page }) => {
    await importUci(page);
    await page.goto('/models');
    await train(page, 'Decision tree');
    await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'finished', { timeout: 90_000 });
    await train(page, 'Logistic regression', { Epochs: '5' });
    await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'finished', { timeout: 90_000 });
    await expect(page.getByTestId('run')).toContainText('logistic');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Experiments' }).click();
    await expect(page.getByTestId('run-row')).toHaveCount(2);
    await page.getByLabel('Family').selectOption('tree');
    await expect(page.getByTestId('run-row')).toHaveCount(1);
    await page.getByLabel('Family').selectOption('');
    for (const box of await page.getByRole('checkbox', { name: /Compare run/ }).all()) await box.check();
    const compare = page.getByTestId('compare');
    await expect(compare).toContainText('Run #1 · tree');
    await expect(compare).toContainText('Run #2 · logistic');
    await expect(compare.locator('td.best').first()).toBeVisible();

    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
    const runs = JSON.parse(readFileSync((await json.path())!, 'utf8'));
    expect(runs.map((r: { kind: string }) => r.kind).sort()).toEqual(['logistic', 'tree']);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const lines = readFileSync((await csv.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('test_falseEdible');
  });

  test('cancelling a training midway registers nothing; export and import a version; a wrong-workspace file is refused', async ({ page }) => {
    await importUci(page);
    await page.goto('/models');
    await expect(page.getByTestId('model-row')).toHaveCount(1, { timeout: 30_000 });
    await train(page, 'Neural network (MLP)', { Epochs: '300' });
    const run = page.getByTestId('run');
    await expect(run.getByTestId('step-train')).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
    await run.getByRole('button', { name: 'Cancel' }).click();
    await expect(run).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 });
    await expect(page.getByTestId('models-notice')).toContainText('nothing was registered');
    await page.reload();
    await expect(page.getByTestId('model-row')).toHaveCount(1);

    // Export the shipped v1 and import it back as a new staging version.
    const v1 = page.getByTestId('model-row').and(page.locator('[data-version="1"]'));
    const [download] = await Promise.all([page.waitForEvent('download'), v1.getByRole('button', { name: 'Export' }).click()]);
    const exported = readFileSync((await download.path())!, 'utf8');
    await page.getByTestId('model-file-input').setInputFiles({ name: 'v1.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
    await expect(page.getByTestId('models-notice')).toContainText('as v2 (staging)');
    await expect(page.getByTestId('model-row')).toHaveCount(2);

    // The same file in the Secondary workspace: refused with a clear message.
    await page.getByRole('combobox', { name: 'Workspace' }).selectOption('secondary');
    const dir = mkdtempSync(join(tmpdir(), 'sporeprint-model-'));
    writeFileSync(join(dir, 'uci.json'), exported);
    await page.getByTestId('model-file-input').setInputFiles(join(dir, 'uci.json'));
    await expect(page.getByTestId('models-error')).toContainText('UCI Mushroom');
    await expect(page.getByTestId('models-error')).toHaveAttribute('data-code', 'invalid-argument');
  });
});
