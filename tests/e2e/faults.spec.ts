import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect } from '../fixtures';

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
