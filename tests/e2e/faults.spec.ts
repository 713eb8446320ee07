import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, pickFile } from '../fixtures';

// Faults a new user runs into: broken model files, damaged storage, odd CSVs, a full disk. Each case
// ends with the live model answering (and the fixture fails it on any uncaught page error).

const SHIPPED_UCI = readFileSync(new URL('../../artifacts/uci.model.json', import.meta.url), 'utf8');

/** The shipped UCI bundle with its weights changed by `damage` (base64 in, base64 out). */
function damagedBundle(damage: (weightData: string) => string): string {
  const b = JSON.parse(SHIPPED_UCI);
  b.model.state.weightData = damage(b.model.state.weightData);
  return JSON.stringify(b);
}
const cutShort = (w: string) => w.slice(0, 4000);
/** Every float32 weight NaN: the model loads, and answers NaN for everything. */
function allNaN(w: string): string {
  const bytes = Buffer.from(w, 'base64');
  for (let i = 0; i + 3 < bytes.length; i += 4) bytes.writeFloatLE(NaN, i);
  return bytes.toString('base64');
}

/** One mushroom through the live model: foul odour is poisonous for every UCI model; returns the version that answered. */
async function predictFoul(page: Page): Promise<string> {
  await page.goto('/predict');
  const form = page.getByRole('form', { name: /Describe the mushroom/ });
  await form.getByLabel('Odour').selectOption({ label: 'foul' });
  await form.getByRole('button', { name: 'Predict' }).click();
  const answer = page.getByTestId('answer');
  await expect(answer).toHaveAttribute('data-decision', 'poisonous', { timeout: 30_000 });
  const pEdible = Number(await answer.getByTestId('p-edible').textContent());
  expect(pEdible).toBeGreaterThanOrEqual(0);
  expect(pEdible).toBeLessThanOrEqual(0.5);
  return (await answer.getByTestId('answer-version').textContent())!;
}

test.describe('a model file that cannot answer', () => {
  test('weights cut short, or all NaN: refused at import with a clear message, nothing registered, production answers', async ({ page }) => {
    await page.goto('/models');
    await expect(page.getByTestId('model-row')).toHaveCount(1, { timeout: 30_000 });
    const error = page.getByTestId('models-error');
    for (const [name, file, why] of [
      ['cut-short.json', damagedBundle(cutShort), 'it does not load'],
      ['all-nan.json', damagedBundle(allNaN), 'it answers P(poisonous) = NaN'],
    ]) {
      await page.getByTestId('model-file-input').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(file) });
      await expect(error).toHaveAttribute('data-code', 'unusable-model');
      await expect(error).toContainText(`This model file cannot be used: ${why}`);
      await expect(error).toContainText('Nothing was imported.');
      await expect(page.getByTestId('model-row')).toHaveCount(1);
    }
    await page.reload();
    await expect(page.getByTestId('model-row')).toHaveCount(1);
    expect(await predictFoul(page)).toBe('v1');
  });
});

type Damage = 'weights cut short' | 'state missing' | 'bundle row deleted' | 'all weights NaN';

/** Damages the stored bundle of UCI version `version` with the raw IndexedDB API, as a disk fault or another program could. */
async function damageStoredVersion(page: Page, version: number, damage: Damage): Promise<void> {
  await page.evaluate(
    async ({ version, damage }) => {
      const done = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
      const db = await done(indexedDB.open('sporeprint'));
      const tx = db.transaction(['modelVersions', 'modelBundles'], 'readwrite');
      const versions = (await done(tx.objectStore('modelVersions').getAll())) as { id: number; workspaceId: string; version: number }[];
      const id = versions.find((v) => v.workspaceId === 'uci' && v.version === version)!.id;
      const bundles = tx.objectStore('modelBundles');
      if (damage === 'bundle row deleted') await done(bundles.delete(id));
      else {
        const row = (await done(bundles.get(id))) as { bundle: { model: { state?: { weightData: string } } } };
        const state = row.bundle.model.state!;
        if (damage === 'state missing') delete row.bundle.model.state;
        else if (damage === 'weights cut short') state.weightData = state.weightData.slice(0, 4000);
        else {
          const bytes = Uint8Array.from(atob(state.weightData), (c) => c.charCodeAt(0));
          const view = new DataView(bytes.buffer);
          for (let i = 0; i + 3 < bytes.length; i += 4) view.setFloat32(i, NaN, true);
          let s = '';
          for (const b of bytes) s += String.fromCharCode(b);
          state.weightData = btoa(s);
        }
        await done(bundles.put(row));
      }
      await new Promise((resolve) => (tx.oncomplete = resolve));
      db.close();
    },
    { version, damage },
  );
}

test.describe('a stored production version that is damaged', () => {
  for (const damage of ['weights cut short', 'state missing', 'bundle row deleted', 'all weights NaN'] as const) {
    test(`${damage}: after a reload the version that served before answers, the banner and the registry history say why`, async ({ page }) => {
      // v2: the shipped bundle imported again and promoted, so v1 has served before it.
      await page.goto('/models');
      await expect(page.getByTestId('model-row')).toHaveCount(1, { timeout: 30_000 });
      await page.getByTestId('model-file-input').setInputFiles({ name: 'uci.model.json', mimeType: 'application/json', buffer: Buffer.from(SHIPPED_UCI) });
      const v1 = page.getByTestId('model-row').and(page.locator('[data-version="1"]'));
      const v2 = page.getByTestId('model-row').and(page.locator('[data-version="2"]'));
      await v2.getByRole('button', { name: 'Promote to production' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
      await expect(v2).toHaveAttribute('data-stage', 'production');
      await expect(page.getByTestId('serving')).toContainText('v2 (mlp)');
      await expect(page.getByTestId('fallback-banner')).toHaveCount(0);

      await damageStoredVersion(page, 2, damage);
      await page.reload();
      const banner = page.getByTestId('fallback-banner');
      await expect(banner).toContainText('v2 could not be loaded', { timeout: 30_000 });
      await expect(banner).toContainText('v1 serves predictions instead, put back automatically');
      await expect(v2).toHaveAttribute('data-stage', 'archived');
      await expect(v1).toHaveAttribute('data-stage', 'production');
      await expect(page.getByTestId('serving')).toContainText('v1 (mlp)');
      await v1.getByRole('button', { name: 'v1' }).click();
      await expect(page.getByTestId('model-history').locator('li').last()).toContainText(/archived → production · auto · Fallback: v2 could not be loaded/);
      await v2.getByRole('button', { name: 'v2' }).click();
      await expect(page.getByTestId('model-history').locator('li').last()).toContainText(/production → archived · auto · Could not be loaded: .* v1 serves instead\./);
      if (damage === 'bundle row deleted') await expect(page.getByTestId('details-error')).toHaveText('The stored weights and evaluation of v2 are missing.');

      expect(await predictFoul(page)).toBe('v1');
      await expect(page.getByTestId('fallback-banner')).toBeVisible(); // on every page
      await page.getByTestId('fallback-banner').getByRole('button', { name: 'OK' }).click();
      await expect(page.getByTestId('fallback-banner')).toHaveCount(0);
    });
  }
});

test('the only version, shipped with the app, damaged: the shipped bundle is registered again and answers', async ({ page }) => {
  await page.goto('/models');
  await expect(page.getByTestId('model-row')).toHaveCount(1, { timeout: 30_000 });
  await damageStoredVersion(page, 1, 'weights cut short');
  await page.reload();
  await expect(page.getByTestId('fallback-banner')).toContainText('v1 could not be loaded', { timeout: 30_000 });
  await expect(page.getByTestId('fallback-banner')).toContainText('v2 serves predictions instead');
  await page.setViewportSize({ width: 320, height: 700 }); // the banner wraps on a phone
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await page.setViewportSize({ width: 1280, height: 900 });
  const v2 = page.getByTestId('model-row').and(page.locator('[data-version="2"]'));
  await expect(v2).toHaveAttribute('data-stage', 'production');
  await expect(v2).toContainText('shipped');
  await expect(page.getByTestId('model-row').and(page.locator('[data-version="1"]'))).toHaveAttribute('data-stage', 'archived');
  expect(await predictFoul(page)).toBe('v2');
});

/** The synthetic UCI sample without its class column, veil-type "p" in every row as in the real UCI file: the layout that became a workspace where every mushroom was poisonous. */
function uciWithoutClass(): string {
  const [head, ...rows] = readFileSync(new URL('../../data/samples/uci-synthetic.csv', import.meta.url), 'utf8')
    .trim()
    .split('\n');
  const names = head.split(',');
  const veil = names.indexOf('veil-type');
  const drop = (cells: string[]) => cells.slice(1);
  return [drop(names), ...rows.map((r) => drop(r.split(',').map((c, i) => (i === veil ? 'p' : c))))].map((r) => r.join(',')).join('\n') + '\n';
}

test.describe('a CSV without a class column', () => {
  test('is refused for import with a clear message, creates no workspace, and is fine as a batch to predict', async ({ page }) => {
    const file = uciWithoutClass();
    expect(file.split('\n')[0]).not.toMatch(/(^|,)class(,|$)/);
    await page.goto('/data');
    await pickFile(page, 'mushrooms-no-class.csv', file);
    const error = page.getByTestId('import-error');
    await expect(error).toHaveAttribute('data-code', 'no-class-column');
    await expect(error).toContainText('No class column');
    await expect(error).toContainText('has the columns of UCI Mushroom but not its class column "class"');
    await expect(error).toContainText('drop the file on the Predict page instead');
    await expect(error.getByTestId('class-choices')).toHaveCount(0);
    await expect(page.getByTestId('no-versions')).toBeVisible();
    await expect(page.getByRole('combobox', { name: 'Workspace' }).locator('option')).toHaveCount(2); // the two built-in ones, no new one

    await page.goto('/predict');
    await page.getByTestId('batch-file-input').setInputFiles({ name: 'mushrooms-no-class.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await expect(page.getByTestId('batch-rows')).toHaveText('400', { timeout: 60_000 });
    expect(await predictFoul(page)).toBe('v1');
  });

  test('a column that holds e/p but is not named like a class is offered as the class; choosing it imports a new workspace', async ({ page }) => {
    const lines = ['colour,kind,ring'];
    for (let i = 0; i < 40; i++) lines.push(`${['red', 'brown'][i % 2]},${i % 3 ? 'e' : 'p'},p`);
    await page.goto('/data');
    await pickFile(page, 'forest-notes.csv', lines.join('\n'));
    const error = page.getByTestId('import-error');
    await expect(error).toHaveAttribute('data-code', 'no-class-column');
    await expect(error).toContainText('The column "kind" holds e/p values: choose the class column below.');
    await error.getByRole('button', { name: 'Use “kind” as the class column' }).click(); // ring holds only "p": never offered
    const report = page.getByTestId('import-report');
    await expect(report).toContainText('New layout');
    await expect(report.getByTestId('class-column')).toHaveText('kind');
    await expect(report.getByTestId('class-balance')).toHaveText('26 / 14');
    await report.getByRole('button', { name: 'Create workspace and import' }).click();
    await expect(page.getByTestId('import-done')).toContainText('Stored 40 rows');
    await page.getByRole('combobox', { name: 'Workspace' }).selectOption('uci');
    expect(await predictFoul(page)).toBe('v1');
  });
});

/** `text` as Excel's "Unicode text" writes it: a byte-order mark, then UTF-16 code units. */
function utf16(text: string, endian: 'le' | 'be'): Buffer {
  const le = Buffer.from('\uFEFF' + text, 'utf16le');
  if (endian === 'be') for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return le;
}

test('UTF-16 files (little- and big-endian, with their byte-order mark) import as the text they are; a UTF-8 BOM still does', async ({ page }) => {
  const sample = readFileSync(new URL('../../data/samples/uci-synthetic.csv', import.meta.url), 'utf8');
  await page.goto('/data');
  const report = page.getByTestId('import-report');
  await pickFile(page, 'uci-utf16le.csv', utf16(sample, 'le'));
  await expect(report.getByTestId('rows-accepted')).toHaveText('400');
  await expect(report.getByTestId('rows-rejected')).toHaveText('0');
  await expect(report).toContainText('UTF-16LE with BOM');
  await report.getByRole('button', { name: 'Import 400 valid rows' }).click();
  await expect(page.getByTestId('import-done')).toContainText('Stored 400 rows');
  await page.getByTestId('import-done').getByRole('button', { name: 'OK' }).click();
  // The same content in other encodings: the same SHA-256, so recognised as already stored.
  for (const [name, bytes, said] of [
    ['uci-utf16be.csv', utf16(sample, 'be'), 'UTF-16BE with BOM'],
    ['uci-utf8-bom.csv', Buffer.from('\uFEFF' + sample, 'utf8'), 'UTF-8 BOM'],
  ] as const) {
    await pickFile(page, name, bytes);
    await expect(report).toContainText(said);
    await expect(report.getByTestId('already-stored')).toBeVisible();
    await report.getByRole('button', { name: 'Close' }).click();
  }
  await expect(page.getByTestId('import-error')).toHaveCount(0);
  expect(await predictFoul(page)).toBe('v1');
});

test('a batch prediction with storage full says what is full and what to do; nothing stored is lost', async ({ page }) => {
  test.setTimeout(150_000); // half a minute of it waiting for the new quota to hold
  const sample = readFileSync(new URL('../../data/samples/uci-synthetic.csv', import.meta.url), 'utf8');
  expect(await predictFoul(page)).toBe('v1'); // one prediction logged before the disk fills up
  await expect(page.getByTestId('prediction-row')).toHaveCount(1);

  // Chromium's own quota for this origin, set below what is already stored: every write that adds data is refused, as
  // on a full disk. IndexedDB keeps granting the space it last learnt was free for up to 30 s (Chromium's
  // BucketContext::kBucketSpaceCacheTimeLimit), so the new quota holds only once that has run out.
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(page.url()).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1 });
  await page.waitForTimeout(31_000);
  await page.getByTestId('batch-file-input').setInputFiles({ name: 'forest.csv', mimeType: 'text/csv', buffer: Buffer.from(sample) });
  const error = page.getByTestId('batch-error');
  await expect(error).toHaveAttribute('data-code', 'quota-exceeded', { timeout: 30_000 });
  await expect(error).toHaveText(
    'Not enough storage space to save the predictions for forest.csv (400 rows). Nothing was saved and nothing already stored was lost. Free space (delete old data versions) or allow persistent storage, then try again.',
  );
  await expect(error).not.toContainText('QuotaExceededError');

  await cdp.send('Storage.overrideQuotaForOrigin', { origin }); // space again
  await page.reload();
  await expect(page.getByTestId('prediction-row')).toHaveCount(1); // the earlier prediction is still there
  await page.getByTestId('batch-file-input').setInputFiles({ name: 'forest.csv', mimeType: 'text/csv', buffer: Buffer.from(sample) });
  await expect(page.getByTestId('batch-rows')).toHaveText('400', { timeout: 60_000 });
  expect(await predictFoul(page)).toBe('v1');
  await page.goto('/predictions');
  await expect(page.getByText('forest.csv')).toHaveCount(1); // the batch stored once: the refused attempt left nothing
});
