import { test, expect } from '../fixtures';

test('the navigation reaches every page and marks the current one', async ({ page }) => {
  await page.goto('/');
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const [label, heading] of [
    ['Predict', /^Predict ·/],
    ['Predictions', /^Predictions/],
    ['Models', /^Models/],
    ['Monitor', /^Monitor/],
    ['Experiments', /^Experiments/],
    ['A/B tests', /^A\/B tests/],
  ] as const) {
    await nav.getByRole('link', { name: label, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    await expect(nav.getByRole('link', { name: label, exact: true })).toHaveAttribute('aria-current', 'page');
  }
  await nav.getByRole('link', { name: 'Data', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Import a CSV' })).toBeVisible();
  await nav.getByRole('link', { name: 'Settings & About' }).click();
  await expect(page.getByRole('heading', { name: 'About Sporeprint' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('CC BY 4.0');
});

test('every page carries the disclaimer that this is not advice on what to eat', async ({ page }) => {
  for (const path of ['/', '/predict', '/predictions', '/data', '/models', '/monitor', '/experiments', '/abtests', '/settings']) {
    await page.goto(path);
    await expect(page.getByRole('contentinfo')).toContainText(/not advice on what to eat/i);
  }
});

test('on a 390×844 phone every page fits the width and the whole navigation is reachable', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, baseURL });
  const page = await context.newPage();
  // With data, so the Data page carries its wide tables (versions, preview) too.
  await page.goto('/data');
  await page.getByRole('button', { name: 'UCI-style sample' }).click();
  await page.getByRole('button', { name: 'Import 400 valid rows' }).click();
  await expect(page.getByTestId('import-done')).toBeVisible();
  for (const path of ['/', '/predict', '/predictions', '/data', '/models', '/monitor', '/experiments', '/abtests', '/settings']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    if (path === '/data') await expect(page.getByRole('region', { name: /Rows of data version/ })).toBeVisible();
    // Against the device width: on a phone the layout viewport grows to fit overflowing content.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - 390);
    expect(overflow, `horizontal overflow on ${path}`).toBeLessThanOrEqual(0);
  }
  const settings = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings & About' });
  await settings.scrollIntoViewIfNeeded();
  await settings.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings & About');
  await context.close();
});

test('Settings shows storage status, space used and the engine backend', async ({ page }) => {
  await page.goto('/settings');
  await expect(page.getByTestId('persisted')).toHaveText(/granted|not granted/);
  await expect(page.getByTestId('usage')).toHaveText(/\d/);
  await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 30_000 });
});

test('the home page starts where a first-time user can act: the shipped model predicts, data import comes next', async ({ page }) => {
  await page.goto('/');
  const status = page.getByTestId('home-status');
  await expect(status).toContainText('Model v1 (mlp, shipped with the app) answers predictions in this workspace.');
  await expect(status).toContainText('No reference data imported here yet: import a CSV to train and compare models of your own.');
  await page.getByRole('combobox', { name: 'Workspace' }).selectOption('secondary');
  await expect(status).toContainText('Workspace: Secondary Mushroom');
  await expect(status).toContainText('Model v1 (mlp, shipped with the app) answers predictions');
  await status.getByRole('link', { name: 'Predict a mushroom' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Predict · Secondary/);
});
