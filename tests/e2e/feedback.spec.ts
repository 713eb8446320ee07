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
  const [head, ...rows] = sharedText('mushrooms.csv')
    .trim()
    .split('\n')
    .map((l) => l.split(','));
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

  // While the retraining runs, predictions go on being answered, every one of them, until v2 answers.
  const version = page.getByTestId('answer-version');
  for (let i = 0; i < 60 && (i === 0 || (await version.textContent()) !== 'v2'); i++) {
    await describe(page, head, picked[i % 10]);
    await expect(page.getByTestId('answer')).toBeVisible();
    await expect(page.getByTestId('predict-error')).toHaveCount(0);
  }
  await expect(version).toHaveText('v2');
  await expect(counter).toContainText('0 of 10');
  // The news waits while an answer is on screen (it would float over it on a phone), and comes after Clear.
  const toast = page.getByTestId('live-toast');
  await expect(toast).toHaveCount(0);
  await page
    .getByRole('form', { name: /Describe the mushroom/ })
    .getByRole('button', { name: 'Clear' })
    .click();
  await expect(page.getByTestId('answer')).toHaveCount(0);
  await expect(toast).toContainText('v2 is live: retrained on 10 new feedbacks');

  // Reload: v2 is still production and answers, the counter at 0.
  await describe(page, head, picked[0]);
  await expect(version).toHaveText('v2');
  await page.reload();
  await expect(page.getByTestId('feedback-counter')).toContainText('0 of 10');
  await page.goto('/models');
  const v2 = page.getByTestId('model-row').and(page.locator('[data-version="2"]'));
  await expect(v2).toHaveAttribute('data-stage', 'production');
  await expect(v2).toContainText('retrained');
  await expect(page.getByTestId('run')).toContainText('Gate: not worse than production');
});

test('two open tabs lowering k to the 10 feedbacks already waiting start exactly one retraining at once, and both then answer with the new version', async ({ page, context }) => {
  test.setTimeout(180_000);
  const [head, ...rows] = sharedText('mushrooms.csv')
    .trim()
    .split('\n')
    .map((l) => l.split(','));
  await importUci(page);
  // A k that is not a whole number from 1 to 10,000 is refused under the field, and nothing changes.
  await page.goto('/settings');
  for (const bad of ['', '0', '2.5']) {
    await page.getByLabel(/Retrain after every/).fill(bad);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByTestId('k-error')).toHaveText('Enter a whole number of feedbacks from 1 to 10,000.');
    await expect(page.getByRole('region', { name: 'Continuous training' })).toContainText('Currently 10.');
  }
  // Collect 10 feedbacks without a retraining (k = 20).
  await page.getByLabel(/Retrain after every/).fill('20');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Continuous training' })).toContainText('Currently 20.');
  await expect(page.getByTestId('k-error')).toBeHidden();

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

  // Both tabs save k = 10 at the same moment: each tab's worker finds 10 waiting, one retraining starts,
  // at once — no new feedback, no reload (the app's own check at start-up ran long ago, at k = 20).
  for (const tab of tabs) {
    await tab.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings & About' }).click();
    await tab.getByLabel(/Retrain after every/).fill('10');
  }
  await Promise.all(tabs.map((tab) => tab.getByRole('button', { name: 'Save', exact: true }).click()));
  for (const tab of tabs) await expect(tab.getByTestId('live-toast')).toContainText('v2 is live: retrained on 10 new feedbacks', { timeout: 120_000 });
  for (const tab of tabs) await expect(tab.getByTestId('retrain-status')).toContainText('0 of 10 feedbacks waiting.');

  for (const tab of tabs) {
    await tab.goto('/predict');
    await describe(tab, head, picked[0]);
    await expect(tab.getByTestId('answer-version')).toHaveText('v2');
  }
  await page.goto('/experiments');
  await expect(page.getByTestId('run-row')).toHaveCount(1); // one retraining run, not two
  await page.goto('/models');
  await expect(page.getByTestId('model-row')).toHaveCount(2);
  await expect(page.getByTestId('run-log')).toContainText('Started when k was saved at or below the feedback already waiting.');
});

test('feedback given while a retraining runs is counted and starts the next retraining as soon as it ends, without a reload', async ({ page }) => {
  test.setTimeout(240_000);
  const text = sharedText('mushrooms.csv').trim();
  const [head, ...rows] = text.split('\n').map((l) => l.split(','));
  await importUci(page);
  await page.goto('/settings');
  await page.getByLabel(/Retrain after every/).fill('3');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Continuous training' })).toContainText('Currently 3.');

  // Three single predictions to label one by one, and a file of three labelled mushrooms whose labels
  // go in with one click: that click lands while the first retraining (a few seconds) runs.
  await page.goto('/predict');
  const picked = rows.filter((_, i) => i % 900 === 11).slice(0, 3);
  for (const row of picked) await describe(page, head, row);
  const lines = text.split('\n');
  const three = [lines[0], lines[101], lines[2001], lines[4001]].join('\n');
  await page.getByTestId('batch-file-input').setInputFiles({ name: 'three-labelled.csv', mimeType: 'text/csv', buffer: Buffer.from(three) });
  await expect(page.getByTestId('batch-rows')).toHaveText('3', { timeout: 30_000 });

  // Every text the status line shows, as it changes.
  await page.evaluate(() => {
    const seen: string[] = [];
    Object.assign(window, { retrainSeen: seen });
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="retrain-status"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  const seen = () => page.evaluate(() => (window as unknown as { retrainSeen: string[] }).retrainSeen);
  for (const [i, row] of picked.entries()) {
    const r = page.getByTestId('prediction-row').nth(2 - i); // newest first
    const label = row[0] === 'p' ? 'poisonous' : 'edible';
    await r.getByRole('button', { name: label }).click();
    await expect(r).toHaveAttribute('data-feedback', label);
  }
  const status = page.getByTestId('retrain-status');
  await expect(status).toHaveAttribute('data-state', 'running');
  const first = Number(await status.getAttribute('data-run'));
  await page.getByTestId('submit-batch-labels').click();
  await expect(page.getByTestId('batch-feedback-done')).toContainText('3');

  // Counted while it runs, and said to start the next one.
  await expect.poll(seen).toContainEqual(`Retraining run #${first} is running on 3 feedbacks. 3 feedbacks arrived while it runs: the next retraining starts as soon as it ends.`);
  // The first one ends (v2 live), and the second starts by itself on the three that arrived meanwhile.
  // The answer on screen came from v1: it says so, in its own card; no notice floats over it.
  await expect(page.getByTestId('answer-superseded')).toContainText('v3 is now live (retrained on 3 new feedbacks): this answer came from v1.', { timeout: 120_000 });
  await expect(page.getByTestId('live-toast')).toHaveCount(0);
  await expect.poll(seen).toContainEqual(`Retraining run #${first + 1} is running on 3 feedbacks. 0 of 3 feedbacks arrived while it runs, towards the next retraining.`);
  await expect(page.getByTestId('feedback-counter')).toContainText('0 of 3');
  await expect(status).toBeHidden();

  // After a reload: two retraining runs, each on its own three feedbacks; the second says why it started.
  await page.goto('/predictions');
  await expect(page.getByTestId('prediction-row').filter({ hasText: `used by run #${first}` })).toHaveCount(3);
  await expect(page.getByTestId('batch-row').filter({ hasText: 'three-labelled.csv' })).toContainText(`used by run #${first + 1}`);
  await page.goto('/experiments');
  await expect(page.getByTestId('run-row')).toHaveCount(2);
  await page.goto('/models');
  await expect(page.getByTestId('run-log')).toContainText(`Started when run #${first} ended (verdict recorded): feedback that arrived while it ran reached k.`);
  await expect(page.getByTestId('model-row').and(page.locator('[data-version="3"]'))).toHaveAttribute('data-stage', 'production');
});

test("a batch file's class column submitted as feedback that contradicts the reference data trains a version the gate holds in staging", async ({ page }) => {
  test.setTimeout(180_000);
  await importUci(page);
  // Every mushroom of the data set with its class swapped: an "expert" who is always wrong.
  const [header, ...lines] = sharedText('mushrooms.csv').trim().split('\n');
  const flipped = [header, ...lines.map((l) => (l[0] === 'p' ? 'e' : 'p') + l.slice(1))].join('\n');

  await page.goto('/predict');
  await page.getByTestId('batch-file-input').setInputFiles({ name: 'wrong-expert.csv', mimeType: 'text/csv', buffer: Buffer.from(flipped) });
  await expect(page.getByTestId('batch-rows')).toHaveText('8,124', { timeout: 60_000 });
  // Against the swapped class, every answer of v1 disagrees, but for the 10 edible rows with a blank
  // stalk root that the answer rule holds back as "uncertain — treat as poisonous": those now agree.
  await expect(page.getByTestId('count-disagree')).toHaveText('8,114');
  await page.getByTestId('submit-batch-labels').click();
  await expect(page.getByTestId('batch-feedback-done')).toContainText('8,124');

  // The Predictions page lists the batch with its labels waiting, then used by the retraining.
  await page.goto('/predictions');
  const batchRow = page.getByTestId('batch-row').filter({ hasText: 'wrong-expert.csv' });
  await expect(batchRow).toContainText('8,124');
  await expect(batchRow).toContainText(/used by run #\d+/, { timeout: 120_000 });

  // v2 was trained on the contradicting labels, measured on the reference test split and held.
  await page.goto('/models');
  const v2 = page.getByTestId('model-row').and(page.locator('[data-version="2"]'));
  await expect(v2).toHaveAttribute('data-stage', 'staging', { timeout: 60_000 });
  // The gate's verdict is written after it scored both versions: give it time on a busy machine.
  await expect(v2.getByTestId('stage-note')).toContainText('8124 new feedbacks: held in staging: less accurate', { timeout: 60_000 });
  const v1 = page.getByTestId('model-row').and(page.locator('[data-version="1"]'));
  await expect(v1).toHaveAttribute('data-stage', 'production');

  // Production still answers, with v1 (a toast check here could not fail: this page load saw no swap).
  await page.goto('/predict');
  await page
    .getByRole('form', { name: /Describe the mushroom/ })
    .getByRole('button', { name: 'Predict' })
    .click();
  await expect(page.getByTestId('answer-version')).toHaveText('v1');
  await expect(page.getByTestId('feedback-counter')).toContainText('0 of 10');
});

test('the Predictions page lists every single prediction with filters and pages, and takes feedback', async ({ page }) => {
  test.setTimeout(120_000);
  const [head, ...rows] = sharedText('mushrooms.csv')
    .trim()
    .split('\n')
    .map((l) => l.split(','));
  await page.goto('/predict');
  const picked = rows.filter((_, i) => i % 97 === 3).slice(0, 53); // 53 predictions: two pages of 50
  for (const row of picked) await describe(page, head, row);
  await page.getByTestId('all-predictions').click();
  await expect(page).toHaveURL(/\/predictions$/);
  await expect(page.getByTestId('predictions-total')).toHaveText('53 predictions');
  await expect(page.getByTestId('prediction-row')).toHaveCount(50);
  await expect(page.getByTestId('predictions-page')).toHaveText('Page 1 of 2');
  await page.getByRole('button', { name: 'Older →' }).click();
  await expect(page.getByTestId('prediction-row')).toHaveCount(3);
  await expect(page.getByTestId('prediction-row').last().locator('td').first()).toHaveText('1'); // the oldest

  // Label the oldest one poisonous; the filter for feedback finds exactly it, and the counter moves.
  const oldest = page.getByTestId('prediction-row').last();
  await oldest.getByRole('button', { name: 'poisonous' }).click();
  await expect(oldest).toHaveAttribute('data-feedback', 'poisonous');
  await expect(page.getByTestId('feedback-counter')).toContainText('1 of 10');
  await page.getByTestId('filter-feedback').selectOption('given');
  await expect(page.getByTestId('predictions-total')).toHaveText('1 prediction');
  await expect(page.getByTestId('prediction-row').locator('td').first()).toHaveText('1');
  // Each decision filter finds exactly the rows with that decision, counted from the unfiltered pages.
  await page.getByTestId('filter-feedback').selectOption('');
  await expect(page.getByTestId('predictions-total')).toHaveText('53 predictions');
  const decisions = [...(await page.getByTestId('prediction-row').locator('td:nth-child(6)').allTextContents())];
  await page.getByRole('button', { name: 'Older →' }).click();
  await expect(page.getByTestId('prediction-row')).toHaveCount(3);
  decisions.push(...(await page.getByTestId('prediction-row').locator('td:nth-child(6)').allTextContents()));
  expect(decisions).toHaveLength(53);
  for (const d of ['edible', 'uncertain', 'poisonous']) {
    await page.getByTestId('filter-decision').selectOption(d);
    const n = decisions.filter((t) => t.startsWith(d)).length;
    await expect(page.getByTestId('predictions-total')).toHaveText(`${n} ${n === 1 ? 'prediction' : 'predictions'}`);
    await expect(page.getByTestId('prediction-row')).toHaveCount(Math.min(n, 50));
  }
  await page.reload();
  await expect(page.getByTestId('predictions-total')).toHaveText('53 predictions'); // filters reset, log persisted
});

test('a reload in the middle of a retraining leaves production serving and the feedback counted; the retraining runs again after the reload', async ({ page }) => {
  test.setTimeout(240_000);
  // Secondary: a retraining takes seconds there, long enough to reload in the middle of it.
  await page.goto('/data');
  await pickFile(page, 'secondary_data.csv', sharedText('secondary_data.csv'));
  await page.getByRole('button', { name: 'Import 61,069 valid rows' }).click();
  await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByRole('combobox', { name: 'Workspace' })).toHaveValue('secondary');

  const lines = sharedText('secondary_data.csv').split('\r\n');
  const ten = [
    lines[0],
    ...lines
      .slice(1)
      .filter((_, i) => i % 6000 === 17)
      .slice(0, 10),
  ].join('\r\n');
  await page.goto('/predict');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Secondary'); // the workspace is restored before the file goes in
  await page.getByTestId('batch-file-input').setInputFiles({ name: 'ten-labelled.csv', mimeType: 'text/csv', buffer: Buffer.from(ten) });
  await expect(page.getByTestId('batch-rows')).toHaveText('10', { timeout: 30_000 });
  await page.getByTestId('submit-batch-labels').click();
  await expect(page.getByTestId('batch-feedback-done')).toBeVisible();

  // Catch the retraining while it trains, then reload: its worker dies with the page.
  await page.goto('/experiments');
  const firstTry = page.getByTestId('run-row').and(page.locator('[data-status="running"]'));
  await expect(firstTry).toHaveCount(1, { timeout: 30_000 });
  const interruptedId = await firstTry.getAttribute('data-run');
  await page.reload();

  // Production is untouched and still answers; the interrupted run says so.
  const interrupted = page.locator(`[data-testid="run-row"][data-run="${interruptedId}"]`);
  await expect(interrupted).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
  await page.goto('/predict');
  await page
    .getByRole('form', { name: /Describe the mushroom/ })
    .getByRole('button', { name: 'Predict' })
    .click();
  await expect(page.getByTestId('answer-version')).toHaveText('v1');

  // The ten feedbacks were not spent by the interrupted run: a new retraining learns from them.
  await page.goto('/predictions');
  const batchRow = page.getByTestId('batch-row').filter({ hasText: 'ten-labelled.csv' });
  await expect(batchRow).toContainText(/used by run #\d+/, { timeout: 120_000 });
  const usedBy = Number((await batchRow.textContent())!.match(/used by run #(\d+)/)![1]);
  expect(usedBy).toBeGreaterThan(Number(interruptedId));
  await expect(page.getByTestId('feedback-counter')).toContainText('0 of 10');
  await page.goto('/models');
  await expect(page.getByTestId('model-row').and(page.locator('[data-version="2"]'))).toHaveCount(1);
  await expect(page.getByTestId('model-stage').filter({ hasText: 'production' })).toHaveCount(1);
});
