import type { Locator, Page } from '@playwright/test';
import { test, expect, startShadowTest, trainOnUciSample } from '../fixtures';

// A keyboard or screen-reader user opens a dialog from a control and, however it closes (Escape,
// Cancel, Confirm), goes on from that control, not from the top of the page. Walked on a 390×844
// touch phone, where the navigation's "More" sheet exists; every control is reached by the keyboard.

async function openWithKeyboard(page: Page, opener: Locator) {
  await opener.focus();
  await page.keyboard.press('Enter');
}

/** Opens `dialog` from `opener` by keyboard, closes it by Escape, then again by Cancel: the focus is back on the opener each time. */
async function escapeThenCancel(page: Page, opener: Locator, dialog: Locator, what: string) {
  await openWithKeyboard(page, opener);
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener, `${what}, Escape`).toBeFocused();
  await openWithKeyboard(page, opener);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(opener, `${what}, Cancel`).toBeFocused();
}

test('every dialog gives the focus back to what opened it, closed by Escape, Cancel or Confirm', async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, baseURL });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.stack ?? e.message));

  // The navigation's "More" sheet.
  await page.goto('/predict');
  const more = page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^More/ });
  const sheet = page.getByRole('dialog', { name: 'More places' });
  await openWithKeyboard(page, more);
  await expect(sheet).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(sheet).toBeHidden();
  await expect(more, 'More sheet, Escape').toBeFocused();
  await openWithKeyboard(page, more);
  await sheet.getByRole('button', { name: 'Close' }).click();
  await expect(sheet).toBeHidden();
  await expect(more, 'More sheet, Close').toBeFocused();

  // A staging version to move around the registry.
  await trainOnUciSample(page, 120_000);
  const row = (version: number) => page.getByTestId('model-row').and(page.locator(`[data-version="${version}"]`));
  const stageDialog = page.getByRole('dialog', { name: /^Move v\d to / });
  const archive = row(2).getByRole('button', { name: 'Archive' });
  await escapeThenCancel(page, archive, stageDialog, 'stage dialog');
  await expect(row(2)).toHaveAttribute('data-stage', 'staging');

  // The A/B conclude dialog: with no outcomes yet, concluding goes against the statistics and asks.
  await startShadowTest(page);
  const promote = page.getByTestId('conclude-challenger');
  const ask = page.getByTestId('conclude-dialog');
  await escapeThenCancel(page, promote, ask, 'conclude dialog');
  await openWithKeyboard(page, promote);
  await ask.getByRole('button', { name: 'Confirm' }).click();
  // The buttons that asked are gone with the running test: the focus is on the test's concluded entry.
  const concluded = page.getByTestId('concluded-test').first();
  await expect(concluded.getByTestId('winner')).toHaveText('v2');
  await expect(page.getByTestId('conclude-challenger')).toHaveCount(0);
  await expect(concluded.locator('summary'), 'conclude dialog, Confirm').toBeFocused();

  // Confirming a roll back removes its button: the focus goes to that version's entry in the registry.
  await page.goto('/models');
  const rollBack = row(1).getByRole('button', { name: 'Roll back to this' });
  await openWithKeyboard(page, rollBack);
  await stageDialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(row(1)).toHaveAttribute('data-stage', 'production');
  await expect(rollBack).toHaveCount(0);
  await expect(row(1).getByRole('button', { name: 'v1', exact: true }), 'stage dialog, Confirm').toBeFocused();

  // Settings: a backup file's review (inline, before anything is written) and the erase dialog.
  await page.goto('/settings');
  // Listening before the click: the download may start before the click returns.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('backup-workspace').click()]);
  const file = (await download.path())!;
  await expect(page.getByTestId('backup-done')).toBeVisible();
  const choose = page.getByTestId('choose-backup');
  const review = page.getByTestId('backup-review');
  for (const [close, label] of [
    ['discard-backup', 'backup review, Cancel'],
    ['confirm-merge', 'backup review, Confirm merge'],
  ] as const) {
    await expect(choose).toBeEnabled();
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), choose.click()]);
    await chooser.setFiles(file);
    await expect(review).toBeVisible({ timeout: 30_000 });
    await review.getByTestId(close).click();
    await expect(review).toBeHidden({ timeout: 30_000 });
    await expect(choose, label).toBeFocused();
  }
  await expect(page.getByTestId('backup-applied')).toContainText('Merged');
  const erase = page.getByTestId('erase-button');
  const eraseDialog = page.getByTestId('erase-dialog');
  await escapeThenCancel(page, erase, eraseDialog, 'erase dialog');
  // (Confirming an erase reloads the app: there is no opener left to return to.)

  expect(errors, 'uncaught errors in the page').toEqual([]);
  await context.close();
});
