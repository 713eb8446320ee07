import { test, expect, hasSharedData, NO_DATA_REASON, sharedText } from '../fixtures';

test('predict one mushroom from the form with the shipped model: decision in words, probability, version, reasons; logged', async ({ page }) => {
  await page.goto('/predict');
  const form = page.getByRole('form', { name: /Describe the mushroom/ });
  await form.getByLabel('Odour').selectOption({ label: 'foul' });
  await form.getByLabel('Spore print colour').selectOption({ label: 'chocolate' });
  await form.getByRole('button', { name: 'Predict' }).click();

  const answer = page.getByTestId('answer');
  await expect(answer).toHaveAttribute('data-decision', 'poisonous', { timeout: 30_000 });
  await expect(answer.getByTestId('decision')).toHaveText('Poisonous');
  await expect(answer.getByTestId('answer-version')).toHaveText('v1');
  expect(Number(await answer.getByTestId('p-edible').textContent())).toBeLessThanOrEqual(0.5);
  await expect(answer.getByTestId('contributions')).toContainText('Odour: foul');
  await expect(answer).toContainText('Not advice on what to eat');

  await expect(page.getByTestId('prediction-row')).toHaveCount(1);
  await page.reload();
  await expect(page.getByTestId('prediction-row')).toHaveCount(1);
  await expect(page.getByTestId('prediction-row')).toContainText('v1 mlp');
});

test.describe('with the real data', () => {
  test.skip(!hasSharedData, NO_DATA_REASON);

  test('a real edible mushroom described in full is called edible only above the safety threshold', async ({ page }) => {
    const [head, ...rows] = sharedText('mushrooms.csv').trim().split('\n').map((l) => l.split(','));
    const edible = rows.find((r) => r[0] === 'e')!;
    await page.goto('/predict');
    const form = page.getByRole('form', { name: /Describe the mushroom/ });
    for (let i = 1; i < head.length; i++) {
      if (edible[i] !== '?') await form.locator(`select[name="${head[i]}"]`).selectOption(edible[i]);
    }
    await form.getByRole('button', { name: 'Predict' }).click();
    const answer = page.getByTestId('answer');
    await expect(answer).toHaveAttribute('data-decision', 'edible', { timeout: 30_000 });
    await expect(answer).toContainText('Above the safety threshold of 0.900');
    expect(Number(await answer.getByTestId('p-edible').textContent())).toBeGreaterThan(0.9);
  });
});
