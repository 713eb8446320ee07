import { test, expect, dropFile, pickFile, hasSharedData, NO_DATA_REASON, sharedText } from '../fixtures';
import type { Page } from '@playwright/test';

// The real UCI files, imported the ways a user does. Skips (with the reason) on a clone without ../shared.
test.skip(!hasSharedData, NO_DATA_REASON);

async function expectReport(page: Page, rows: string, balance: string) {
  const report = page.getByTestId('import-report');
  await expect(report).toBeVisible({ timeout: 60_000 });
  await expect(report.getByTestId('rows-read')).toHaveText(rows);
  await expect(report.getByTestId('rows-accepted')).toHaveText(rows);
  await expect(report.getByTestId('rows-rejected')).toHaveText('0');
  await expect(report.getByTestId('class-balance')).toHaveText(balance);
}

async function expectOneVersion(page: Page, rows: string, balance: string) {
  await expect(page.getByTestId('version-row')).toHaveCount(1);
  await expect(page.getByTestId('version-rows')).toHaveText(rows);
  await expect(page.getByTestId('version-balance')).toHaveText(balance);
}

test('UCI Mushroom by drag-and-drop: 8124 rows, 4208 edible / 3916 poisonous, kept across reload, re-import recognised', async ({ page }) => {
  const csv = sharedText('mushrooms.csv');
  await page.goto('/data');
  await dropFile(page, 'mushrooms.csv', csv);
  await expectReport(page, '8,124', '4,208 / 3,916');
  await expect(page.getByTestId('import-report')).toContainText('Matches the UCI Mushroom schema');
  await page.getByRole('button', { name: 'Import 8,124 valid rows' }).click();
  await expect(page.getByTestId('import-done')).toContainText('Stored 8,124 rows');
  await expectOneVersion(page, '8,124', '4,208 / 3,916');
  await expect(page.getByRole('combobox', { name: 'Workspace' })).toHaveValue('uci');
  // The preview shows real rows: the first data row of the file starts p,x,s,n.
  const grid = page.getByRole('region', { name: /Rows of data version/ });
  await expect(grid.getByRole('row').nth(1)).toHaveText(/^\s*1\s*p\s*x\s*s\s*n/);

  await page.reload();
  await expectOneVersion(page, '8,124', '4,208 / 3,916');

  // Same content again, this time through the picker: recognised, not duplicated.
  await pickFile(page, 'mushrooms-copy.csv', csv);
  await expect(page.getByTestId('already-stored')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Close' }).click();
  await expectOneVersion(page, '8,124', '4,208 / 3,916');
});

test('Secondary Mushroom by file picker: 61069 rows, 27181 edible / 33888 poisonous, workspace switches, kept across reload', async ({ page }) => {
  const csv = sharedText('secondary_data.csv');
  await page.goto('/data');
  await pickFile(page, 'secondary_data.csv', csv);
  await expectReport(page, '61,069', '27,181 / 33,888');
  await expect(page.getByTestId('duplicates')).toHaveText('146');
  await page.getByRole('button', { name: 'Import 61,069 valid rows' }).click();
  await expect(page.getByTestId('import-done')).toContainText('Stored 61,069 rows', { timeout: 60_000 });
  await expect(page.getByRole('combobox', { name: 'Workspace' })).toHaveValue('secondary');
  await expectOneVersion(page, '61,069', '27,181 / 33,888');

  // The virtualised preview renders a window of rows, not 61k DOM rows, and scrolls to the end.
  const grid = page.getByRole('region', { name: /Rows of data version/ });
  await expect(grid.getByRole('row').nth(1)).toBeVisible();
  expect(await grid.getByRole('row').count()).toBeLessThan(200);
  await grid.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(grid.getByRole('row').last()).toHaveText(/^\s*61,?069\s*[ep]/);

  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Workspace' })).toHaveValue('secondary');
  await expectOneVersion(page, '61,069', '27,181 / 33,888');

  await dropFile(page, 'secondary_data.csv', csv);
  await expect(page.getByTestId('already-stored')).toBeVisible({ timeout: 60_000 });
});

test('a corrupted copy of the real file: the report names each bad row and column, and nothing already stored is lost', async ({ page }) => {
  await page.goto('/data');
  await dropFile(page, 'mushrooms.csv', sharedText('mushrooms.csv'));
  await page.getByRole('button', { name: 'Import 8,124 valid rows' }).click();
  await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 60_000 });

  // Excel-mangled number, a short row and an unknown code, at known spreadsheet rows (header = row 1).
  const lines = sharedText('secondary_data.csv').split('\r\n'); // the file has CRLF line endings
  const header = lines[0].split(';');
  const set = (line: number, column: string, value: string) => {
    const f = lines[line].split(';');
    f[header.indexOf(column)] = value;
    lines[line] = f.join(';');
  };
  set(5, 'cap-diameter', '17.wrz');
  lines[49] = lines[49].split(';').slice(0, 12).join(';');
  set(99, 'cap-shape', 'z');
  await pickFile(page, 'secondary-corrupted.csv', lines.join('\r\n'));

  const report = page.getByTestId('import-report');
  await expect(report.getByTestId('rows-rejected')).toHaveText('3', { timeout: 60_000 });
  await expect(report.getByTestId('rows-accepted')).toHaveText('61,066');
  const rows = report.getByTestId('rejections').locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText('6');
  await expect(rows.nth(0)).toContainText('cap-diameter');
  await expect(rows.nth(0)).toContainText('17.wrz');
  await expect(rows.nth(1)).toContainText('50');
  await expect(rows.nth(1)).toContainText('(whole row)');
  await expect(rows.nth(2)).toContainText('100');
  await expect(rows.nth(2)).toContainText('cap-shape');
  await expect(rows.nth(2)).toContainText('z');

  // Cancel: nothing is stored in Secondary, and the UCI version is untouched.
  await report.getByRole('button', { name: 'Cancel' }).click();
  await expect(report).toBeHidden();
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Workspace' })).toHaveValue('uci');
  await expectOneVersion(page, '8,124', '4,208 / 3,916');
  await page.getByRole('combobox', { name: 'Workspace' }).selectOption('secondary');
  await expect(page.getByTestId('no-versions')).toBeVisible();
});
