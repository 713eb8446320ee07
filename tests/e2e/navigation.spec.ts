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
  // Every place from the navigation: four in the bottom bar, the rest behind "More", the current one marked.
  const nav = page.getByRole('navigation', { name: 'Main' });
  const more = nav.getByRole('button', { name: /^More/ });
  for (const [label, heading] of [
    ['Predict', /^Predict ·/],
    ['History', /^Predictions/],
    ['Data', /^Data/],
    ['Models', /^Models/],
  ] as const) {
    const link = nav.getByRole('link', { name: label, exact: true });
    const box = await link.boundingBox();
    expect(box!.y + box!.height, `${label} sits at the bottom edge`).toBeGreaterThan(844 - 80);
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await link.tap();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    await expect(link).toHaveAttribute('aria-current', 'page');
  }
  for (const [label, heading] of [
    ['Monitor', /^Monitor/],
    ['Experiments', /^Experiments/],
    ['A/B tests', /^A\/B tests/],
    ['Settings & About', /^Settings & About/],
  ] as const) {
    await more.tap();
    const sheet = page.getByRole('dialog', { name: 'More places' });
    await expect(sheet).toBeVisible();
    await sheet.getByRole('link', { name: new RegExp(`^${label.replace('/', '\\/')}`) }).tap();
    await expect(sheet).toBeHidden();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    // The current place is in the sheet: "More" is marked, and the sheet marks the place.
    await expect(more).toHaveAccessibleName(/current page is here/);
  }
  await more.tap();
  await expect(page.getByRole('dialog', { name: 'More places' }).getByRole('link', { name: /^Settings & About/ })).toHaveAttribute('aria-current', 'page');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'More places' })).toBeHidden();
  await expect(more, 'closing the sheet gives focus back to "More"').toBeFocused();
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
