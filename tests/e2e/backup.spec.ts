import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { test, expect, pickFile, SAMPLES } from '../fixtures';

// Backups need no real data: the project's synthetic UCI sample, a decision tree trained on it,
// predictions from the form and an expert's labels.
const uciSample = readFileSync(resolve(SAMPLES, 'uci-synthetic.csv'), 'utf8');

async function importSample(page: Page) {
  await page.goto('/data');
  await pickFile(page, 'uci-synthetic.csv', uciSample);
  await page.getByRole('button', { name: 'Import 400 valid rows' }).click();
  await expect(page.getByTestId('import-done')).toContainText('Stored 400 rows');
}

async function trainAndPromoteTree(page: Page) {
  await page.goto('/models');
  await expect(page.getByTestId('model-row')).toHaveCount(1, { timeout: 30_000 });
  const form = page.getByRole('region', { name: 'Train a model' });
  await form.getByLabel('Model family').selectOption({ label: 'Decision tree' });
  await form.getByRole('button', { name: /^Train / }).click();
  await expect(page.getByTestId('run')).toHaveAttribute('data-status', 'finished', { timeout: 90_000 });
  const v2 = page.getByTestId('model-row').and(page.locator('[data-version="2"]'));
  await v2.getByRole('button', { name: 'Promote to production' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  await expect(v2).toHaveAttribute('data-stage', 'production');
}

/** Predicts one mushroom described by its odour; returns the answer's version and P(edible) as shown. */
async function predict(page: Page, odour: string): Promise<{ version: string; pEdible: string }> {
  if (!page.url().endsWith('/predict')) await page.goto('/predict');
  const form = page.getByRole('form', { name: /Describe the mushroom/ });
  await form.getByLabel('Odour').selectOption({ label: odour });
  await form.getByRole('button', { name: 'Predict' }).click();
  const answer = page.getByTestId('answer');
  await expect(answer).toBeVisible();
  await expect(form.getByRole('button', { name: 'Predict' })).toBeEnabled();
  // P(edible) and the version are one tap away, under Details (left open by an earlier answer).
  const details = answer.getByTestId('answer-details');
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  await expect(answer.getByTestId('p-edible')).toBeVisible();
  return { version: (await answer.getByTestId('answer-version').textContent())!, pEdible: (await answer.getByTestId('p-edible').textContent())! };
}

/** An expert's label on the n-th newest prediction of the log. */
async function label(page: Page, n: number, as: 'edible' | 'poisonous') {
  const row = page.getByTestId('prediction-row').nth(n);
  await row.getByRole('button', { name: as }).click();
  await expect(row).toHaveAttribute('data-feedback', as);
}

async function backUpWorkspace(page: Page): Promise<Buffer> {
  await page.goto('/settings');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('backup-workspace').click()]);
  await expect(page.getByTestId('backup-done')).toContainText(download.suggestedFilename());
  expect(download.suggestedFilename()).toMatch(/^sporeprint-uci-\d{4}-\d\d-\d\d-\d{4}\.backup\.jsonl$/);
  return readFileSync((await download.path())!);
}

async function chooseBackup(page: Page, name: string, buffer: Buffer) {
  await page.goto('/settings');
  await page.getByTestId('restore-file-input').setInputFiles({ name, mimeType: 'application/x-ndjson', buffer });
}

/** What a user sees of the workspace: production answer, labels waiting, data identity, versions, predictions. */
async function snapshot(page: Page) {
  await page.goto('/data');
  const sha = await page.getByTestId('version-row').first().locator('code').getAttribute('title');
  await page.goto('/models');
  await expect(page.getByTestId('model-row').nth(1)).toBeVisible(); // the registry has loaded (two versions in these tests)
  const stages = await page.getByTestId('model-row').evaluateAll((rows) => rows.map((r) => `v${r.getAttribute('data-version')}:${r.getAttribute('data-stage')}`).sort());
  await page.goto('/predictions');
  await expect(page.getByTestId('prediction-row').first()).toBeVisible();
  const total = await page.getByTestId('predictions-total').textContent();
  const answer = await predict(page, 'none');
  const waiting = await page.getByTestId('feedback-counter').textContent();
  return { sha, stages, total, answer, waiting };
}

/** The Monitor page's report on its default window, as text. */
async function monitorReport(page: Page): Promise<string[]> {
  await page.goto('/monitor');
  await expect(page.getByTestId('report-ready')).toBeVisible({ timeout: 60_000 });
  const parts = ['answered-by', 'dataset-drift', 'estimated-accuracy', 'measured-quality', 'prediction-drift', 'drift-table'];
  return Promise.all(parts.map(async (id) => (await page.getByTestId(id).innerText()).replace(/\s+/g, ' ')));
}

async function restore(page: Page, name: string, file: Buffer) {
  await chooseBackup(page, name, file);
  const review = page.getByTestId('backup-review');
  await expect(review).toContainText('its SHA-256 checksum matches');
  await expect(review.getByTestId('review-holds')).toContainText('UCI Mushroom');
  await expect(review.getByTestId('review-holds')).toContainText('4 single predictions (2 with an expert’s label)');
  await expect(review.getByTestId('review-holds')).toContainText('2 model versions with their weights');
  const reloaded = page.waitForEvent('load');
  await review.getByTestId('confirm-restore').click();
  await expect(page.getByTestId('backup-applied')).toContainText('Restored');
  await reloaded; // the app restarts on the restored data
}

async function freshProfile(browser: Browser, baseURL: string | undefined, width = 1280) {
  const context = await browser.newContext({ baseURL, viewport: { width, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
  return { context, page, errors };
}

test('a workspace backed up, erased and restored — and restored into an empty browser — answers the same, with the same counts and SHA-256', async ({
  page,
  context,
  browser,
  baseURL,
}) => {
  test.setTimeout(240_000);
  await importSample(page);
  await trainAndPromoteTree(page);
  for (const odour of ['foul', 'almond', 'none']) await predict(page, odour);
  await label(page, 0, 'edible');
  await label(page, 2, 'poisonous');
  const before = await snapshot(page);
  expect(before.answer.version).toBe('v2');
  expect(before.waiting).toContain('2 of 10');
  expect(before.stages).toEqual(['v1:archived', 'v2:production']);

  const report = await monitorReport(page);
  expect(report[0]).toContain('Rows answered by v2 (4)'); // the window: every prediction so far
  const file = await backUpWorkspace(page);
  await expect(page.getByTestId('last-backup')).not.toContainText('never');

  // Erase names what goes, then takes it; another open tab is told its data is gone.
  const tab = await context.newPage();
  await tab.goto('/predict');
  await expect(tab.getByTestId('answer-version').or(tab.getByRole('form', { name: /Describe the mushroom/ }))).toBeVisible();
  await page.getByTestId('erase-scope').selectOption('workspace');
  await page.getByTestId('erase-button').click();
  const dialog = page.getByTestId('erase-dialog');
  await expect(dialog).toContainText('Erase the workspace “UCI Mushroom”?');
  const counts = dialog.getByTestId('erase-counts');
  for (const line of ['1 data version', '2 model versions with their weights', '1 training run', '4 single predictions (2 with an expert’s label)'])
    await expect(counts).toContainText(line);
  const erased = page.waitForEvent('load');
  await dialog.getByTestId('confirm-erase').click();
  await erased;
  await expect(tab.getByTestId('storage-banner')).toHaveText('The data was erased in another tab. Reload this tab to work on it.');
  await tab.close();
  await page.goto('/predictions');
  await expect(page.getByTestId('no-predictions')).toBeVisible();
  await page.goto('/data');
  await expect(page.getByTestId('no-versions')).toBeVisible();

  await restore(page, 'uci.backup.jsonl', file);
  expect(await monitorReport(page)).toEqual(report);
  // One more prediction than `before` saw: the one its own answer logged, before the backup.
  expect(await snapshot(page)).toEqual({ ...before, total: '4 predictions' });

  // Another profile (an empty browser): the same file, the same answers.
  const other = await freshProfile(browser, baseURL);
  await other.page.goto('/settings');
  await restore(other.page, 'uci.backup.jsonl', file);
  expect(await monitorReport(other.page)).toEqual(report);
  expect(await snapshot(other.page)).toEqual({ ...before, total: '4 predictions' });
  expect(other.errors).toEqual([]);
  await other.context.close();
});

test('a phone’s backup merged into the teacher’s workspace pools its predictions and labels without duplicates; conflicts are listed before anything is written', async ({
  page: teacher,
  browser,
  baseURL,
}) => {
  test.setTimeout(180_000);
  for (const odour of ['foul', 'none']) await predict(teacher, odour);
  await label(teacher, 0, 'edible');
  const phone = await freshProfile(browser, baseURL, 390);
  for (const odour of ['almond', 'anise', 'foul']) await predict(phone.page, odour);
  await label(phone.page, 0, 'poisonous');
  await label(phone.page, 1, 'edible');
  const first = await backUpWorkspace(phone.page);

  await chooseBackup(teacher, 'phone.backup.jsonl', first);
  const review = teacher.getByTestId('backup-review');
  const summary = review.getByTestId('merge-summary');
  await expect(summary).toContainText('3 single predictions added');
  await expect(summary).toContainText('2 new expert labels');
  await expect(summary).toContainText('Feedback waiting for the next retraining afterwards: 3 (one retraining every 10).');
  await expect(review.getByTestId('merge-conflict-count')).toHaveText('No conflicts.');
  await review.getByTestId('confirm-merge').click();
  await expect(teacher.getByTestId('backup-applied')).toContainText('Merged');
  await teacher.goto('/predictions');
  await expect(teacher.getByTestId('predictions-total')).toHaveText('5 predictions');
  await teacher.goto('/predict');
  await expect(teacher.getByTestId('feedback-counter')).toContainText('3 of 10');

  // The same file again: everything is already here.
  await chooseBackup(teacher, 'phone.backup.jsonl', first);
  await expect(review.getByTestId('merge-summary')).toContainText('0 single predictions added, 3 already here');
  await expect(review.getByTestId('merge-summary')).toContainText('0 new expert labels (2 the same as here)');
  await review.getByTestId('confirm-merge').click();
  await expect(teacher.getByTestId('backup-applied')).toContainText('Merged');
  await teacher.goto('/predictions');
  await expect(teacher.getByTestId('predictions-total')).toHaveText('5 predictions');

  // The phone's expert changes a label: merging its next backup shows the conflict before writing it.
  await phone.page.goto('/predict');
  await label(phone.page, 0, 'edible');
  const second = await backUpWorkspace(phone.page);
  await chooseBackup(teacher, 'phone-2.backup.jsonl', second);
  await expect(review.getByTestId('merge-conflict-count')).toHaveText('1 conflict:');
  await expect(review.getByTestId('merge-conflicts')).toContainText(/labelled poisonous here .*, edible in the file .* — keeps the file's “edible”/);
  await review.getByTestId('merge-policy').selectOption('here');
  await expect(review.getByTestId('merge-conflicts')).toContainText("keeps this browser's “poisonous”");
  await review.getByTestId('merge-policy').selectOption('newer');
  await review.getByTestId('confirm-merge').click();
  await expect(teacher.getByTestId('backup-applied')).toContainText('Merged');
  await teacher.goto('/predict');
  await expect(teacher.getByTestId('prediction-row').first()).toHaveAttribute('data-feedback', 'edible'); // the newer label won
  await expect(teacher.getByTestId('feedback-counter')).toContainText('3 of 10'); // a changed label, not a new one
  await teacher.goto('/predictions');
  await expect(teacher.getByTestId('predictions-total')).toHaveText('5 predictions');
  expect(phone.errors).toEqual([]);
  await phone.context.close();
});

test('an edited, a cut, another app’s and a newer backup file are refused with a clear message, and nothing is written', async ({ page }) => {
  test.setTimeout(120_000);
  for (const odour of ['foul', 'none']) await predict(page, odour);
  await label(page, 0, 'poisonous');
  const file = await backUpWorkspace(page);
  await page.goto('/predictions');
  await expect(page.getByTestId('predictions-total')).toHaveText('2 predictions');

  const edited = Buffer.from(file);
  const at = edited.indexOf('"pPoisonous"');
  edited[at + 15] = edited[at + 15] === 0x31 ? 0x32 : 0x31; // one digit of a probability
  // A file from a newer app: a valid checksum (resealed as that app would), a format this one cannot read.
  const lines = file.toString('utf8').split('\n');
  const content = Buffer.from([JSON.stringify({ ...JSON.parse(lines[0]), formatVersion: 2 }), ...lines.slice(1, -2)].map((l) => l + '\n').join(''));
  const digest = createHash('sha256').update(content).digest('hex');
  const newer = Buffer.concat([content, Buffer.from(JSON.stringify({ checksum: { algorithm: 'SHA-256', value: digest, contentBytes: content.length } }) + '\n')]);
  const refusals: [string, Buffer, RegExp][] = [
    ['newer.backup.jsonl', newer, /made by a newer version of Sporeprint \(.*backup format 2.*\); this app reads up to format 1.*Update the app.*Nothing was written\./],
    ['edited.backup.jsonl', edited, /changed or damaged after it was made: its content does not match its SHA-256 checksum\. Nothing was written\./],
    ['cut.backup.jsonl', file.subarray(0, Math.floor(file.length * 0.6)), /incomplete.*cut short.*Nothing was written\./],
    [
      'other.json',
      Buffer.from(JSON.stringify({ formatName: 'dexie', formatVersion: 1, data: { databaseName: 'notes-app', tables: [] } }) + '\n'),
      /not a Sporeprint backup: it is a database export of another app \(database "notes-app"\)/,
    ],
  ];
  for (const [name, buffer, message] of refusals) {
    await chooseBackup(page, name, buffer);
    await expect(page.getByTestId('backup-error')).toHaveText(message);
    await expect(page.getByTestId('backup-review')).toHaveCount(0);
  }
  await page.goto('/predictions');
  await expect(page.getByTestId('predictions-total')).toHaveText('2 predictions');
  await expect(page.getByTestId('prediction-row').first()).toHaveAttribute('data-feedback', 'poisonous');
  await expect(page.getByTestId('prediction-row').nth(1)).toHaveAttribute('data-feedback', '');
  // The staging database is gone too: nothing of a refused file stays in the browser.
  const dbs = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  expect(dbs).not.toContain('sporeprint-backup-staging');
});

test('the backup section works at 320 px: no sideways scrolling, buttons reachable', async ({ browser, baseURL }) => {
  const { context, page, errors } = await freshProfile(browser, baseURL, 320);
  await page.goto('/settings');
  await expect(page.getByTestId('backup-section')).toBeVisible();
  await expect(page.getByTestId('last-backup')).toHaveText('Last backup: never');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('backup-all').click()]);
  expect(download.suggestedFilename()).toMatch(/^sporeprint-everything-/);
  await expect(page.getByTestId('backup-done')).toBeVisible();
  const file = readFileSync((await download.path())!);
  await page.getByTestId('restore-file-input').setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/x-ndjson', buffer: file });
  await expect(page.getByTestId('backup-review')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  expect(errors).toEqual([]);
  await context.close();
});
