import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test, expect, dropFile, pickFile, SAMPLES } from '../fixtures';

// Import paths that need no real data: the project's synthetic samples and files the tests make.
const uciSample = readFileSync(resolve(SAMPLES, 'uci-synthetic.csv'), 'utf8');
const sampleRows = uciSample.trim().split('\n').slice(1);
const sampleEdible = sampleRows.filter((l) => l.startsWith('e,')).length;
const balance = `${sampleEdible} / ${sampleRows.length - sampleEdible}`;

test('the bundled UCI-style sample imports by URL, shows its profile, and the workspace choice is remembered', async ({ page }) => {
  await page.goto('/data');
  await page.getByRole('button', { name: 'UCI-style sample' }).click();
  const report = page.getByTestId('import-report');
  await expect(report.getByTestId('rows-accepted')).toHaveText('400');
  await expect(report.getByTestId('class-balance')).toHaveText(balance);
  await page.getByRole('button', { name: 'Import 400 valid rows' }).click();
  await expect(page.getByTestId('import-done')).toContainText('Stored 400 rows');
  await expect(page.getByTestId('version-rows')).toHaveText('400');
  await expect(page.getByTestId('version-balance')).toHaveText(balance);
  await expect(page.getByRole('heading', { name: 'Column profile' })).toBeVisible();

  const workspace = page.getByRole('combobox', { name: 'Workspace' });
  await workspace.selectOption({ label: 'Secondary Mushroom' });
  await expect(page.getByRole('heading', { name: /Data · Secondary Mushroom/ })).toBeVisible();
  await expect(page.getByTestId('no-versions')).toBeVisible();
  await page.reload();
  await expect(workspace).toHaveValue('secondary');
  await workspace.selectOption({ label: 'UCI Mushroom' });
  await expect(page.getByTestId('version-rows')).toHaveText('400');
});

test('BOM, CRLF, semicolons, quotes, reordered columns, edible/poisonous labels and ? are all understood', async ({ page }) => {
  const [head, ...rows] = uciSample
    .trim()
    .split('\n')
    .map((l) => l.split(','));
  const order = head.map((_, i) => head.length - 1 - i); // every column in reverse order
  const className = { e: 'edible', p: 'poisonous' } as Record<string, string>;
  const out = [order.map((i) => `"${head[i]}"`).join(';')];
  rows.forEach((r, n) => {
    const f = [...r];
    f[0] = className[f[0]];
    if (n === 0) f[1] = '?'; // cap-shape missing
    if (n === 1) f[2] = ''; // cap-surface missing
    out.push(order.map((i) => (i === 3 ? `"${f[i]}"` : f[i])).join(';'));
  });
  await page.goto('/data');
  await dropFile(page, 'odd-format.csv', '\uFEFF' + out.join('\r\n') + '\r\n');
  const report = page.getByTestId('import-report');
  await expect(report.getByTestId('rows-accepted')).toHaveText('400');
  await expect(report.getByTestId('rows-rejected')).toHaveText('0');
  await expect(report.getByTestId('class-balance')).toHaveText(balance);
  await expect(report).toContainText('matched by name');
  await expect(report).toContainText('semicolon-separated, CRLF line endings, UTF-8 BOM');
  await expect(report.locator('.missing')).toContainText('cap-shape');
  await expect(report.locator('.missing')).toContainText('cap-surface');
});

test('empty, header-only and binary files get a clear message and store nothing', async ({ page }) => {
  await page.goto('/data');
  const error = page.getByTestId('import-error');
  const cases: [string, string | Buffer, string, RegExp][] = [
    ['empty.csv', '', 'empty-file', /The file is empty/],
    ['header.csv', uciSample.split('\n')[0] + '\n', 'header-only', /Only a header, no rows/],
    ['photo.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 1, 2, 3]), 'binary-file', /Not a CSV file/],
  ];
  for (const [name, content, code, title] of cases) {
    await pickFile(page, name, content);
    await expect(error).toHaveAttribute('data-code', code);
    await expect(error).toContainText(title);
    await expect(error).toContainText('Nothing was stored');
    await error.getByRole('button', { name: 'Dismiss' }).click();
  }
  await expect(page.getByTestId('no-versions')).toBeVisible();
});

test('a CSV with unknown columns and a binary class creates a new workspace with an inferred schema', async ({ page }) => {
  const lines = ['id,colour,weight grams,ring,edibility'];
  for (let i = 0; i < 60; i++) lines.push(`${i},${['red', 'brown', 'white'][i % 3]},${(10 + i * 0.5).toFixed(1)},${i % 2 ? 'yes' : 'no'},${i % 4 ? 'e' : 'p'}`);
  await page.goto('/data');
  await pickFile(page, 'forager-notes.csv', lines.join('\n'));
  const report = page.getByTestId('import-report');
  await expect(report).toContainText('New layout');
  await expect(report).toContainText('Ignored columns: id');
  const schemaRows = report.locator('table').last().locator('tbody tr');
  await expect(schemaRows).toHaveCount(3);
  await expect(schemaRows.filter({ hasText: 'weight grams' })).toContainText('numeric');
  await expect(schemaRows.filter({ hasText: 'colour' })).toContainText('categorical');
  await expect(report.getByTestId('class-balance')).toHaveText('45 / 15');
  await report.getByLabel('Workspace name').fill('Forager notes');
  await report.getByRole('button', { name: 'Create workspace and import' }).click();
  await expect(page.getByTestId('import-done')).toContainText('Stored 60 rows');
  const workspace = page.getByRole('combobox', { name: 'Workspace' });
  await expect(workspace.locator('option:checked')).toHaveText('Forager notes');
  await page.reload();
  await expect(workspace.locator('option:checked')).toHaveText('Forager notes');
  await expect(page.getByTestId('version-rows')).toHaveText('60');
});

test('a long import shows progress and can be cancelled without storing anything', async ({ page }) => {
  // Handing Playwright's 45 MB to the page alone takes about a minute on a 2-core machine under load.
  test.setTimeout(240_000);
  // ~45 MB: the 400-row sample repeated, big enough to be caught mid-parse.
  const body = sampleRows.join('\n') + '\n';
  const big = uciSample.split('\n')[0] + '\n' + body.repeat(2500);
  await page.goto('/data');
  await pickFile(page, 'big.csv', big);
  const bar = page.getByRole('progressbar');
  await expect(bar).toBeVisible();
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Cancel' }).click();
  const error = page.getByTestId('import-error');
  await expect(error).toHaveAttribute('data-code', 'cancelled');
  await expect(error).toContainText('Import cancelled');
  await expect(page.getByTestId('no-versions')).toBeVisible();
});
