import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test, expect, pickFile, SAMPLES } from '../fixtures';

// Headless Chromium answers persist() with "no" (no site engagement): the case where keeping the data
// is up to the user, which is what these prompts are for.
const uciSample = readFileSync(resolve(SAMPLES, 'uci-synthetic.csv'), 'utf8');

test('storage that is not persistent is shown in the header; the first import asks for it saying why; labels since the last backup bring a reminder that backs up', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto('/');
  const badge = page.getByTestId('storage-not-persistent');
  await expect(badge).toBeVisible();
  await expect(badge).toHaveAccessibleName('Storage is not persistent: open Settings');

  await page.goto('/data');
  await pickFile(page, 'uci-synthetic.csv', uciSample);
  await page.getByRole('button', { name: 'Import 400 valid rows' }).click();
  const asked = page.getByTestId('persistence-asked');
  await expect(asked).toContainText('The data you just imported is stored only in this browser. Sporeprint has asked the browser to keep it');
  await expect(asked).toContainText('The browser declined for now');
  await expect(asked).toContainText('Back up from Settings to keep a copy of your own.');
  await asked.getByRole('button', { name: 'OK' }).click();
  await expect(asked).toBeHidden();

  // A label: no second question (asked once), but a reminder to back up.
  await page.goto('/predict');
  const form = page.getByRole('form', { name: /Describe the mushroom/ });
  await form.getByLabel('Odour').selectOption({ label: 'foul' });
  await form.getByRole('button', { name: 'Predict' }).click();
  await page.getByTestId('prediction-row').first().getByRole('button', { name: 'poisonous' }).click();
  const reminder = page.getByTestId('backup-reminder');
  await expect(reminder).toContainText('1 label given in UCI Mushroom since it was never backed up, and this browser may delete its storage to free space.');
  await expect(asked).toBeHidden();
  const [download] = await Promise.all([page.waitForEvent('download'), reminder.getByTestId('reminder-backup').click()]);
  expect(download.suggestedFilename()).toMatch(/^sporeprint-uci-/);
  await expect(reminder).toBeHidden();

  await page.goto('/settings');
  await expect(page.getByTestId('last-backup')).toContainText(/Last backup: \d/);
  await expect(page.getByTestId('last-backup')).toContainText('workspace “uci”');

  // After a reload: still asked only once; a new label after the backup brings the reminder back.
  await page.reload();
  await page.goto('/predict');
  await page.getByTestId('prediction-row').first().getByRole('button', { name: 'edible' }).click();
  await expect(reminder).toContainText(/1 label given in UCI Mushroom since it was last backed up \d/);
  await expect(asked).toBeHidden();
  await reminder.getByRole('button', { name: 'Later' }).click();
  await expect(reminder).toBeHidden();
});
