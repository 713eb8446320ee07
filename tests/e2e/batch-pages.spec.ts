import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import Papa from 'papaparse';
import { test, expect, hasSharedData, NO_DATA_REASON, predictUciFileAsBatch, SAMPLES } from '../fixtures';

// A batch's rows reach the page a page at a time from the serving worker: the controls move through
// them (mouse, keyboard, touch), each page is the download's rows at the same place, and a phone shows
// each row as a card that fits its width.

/** The cells of each row on screen, as the table shows them (the row number left out). */
function pageCells(batch: Locator): Promise<string[][]> {
  return batch.getByTestId('batch-result-row').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText.trim())));
}

async function download(page: Page, batch: Locator): Promise<string[][]> {
  const [file] = await Promise.all([page.waitForEvent('download'), batch.getByRole('button', { name: 'Download CSV' }).click()]);
  return Papa.parse<string[]>(readFileSync((await file.path())!, 'utf8').trim()).data;
}

test.describe('paging a batch with the real data', () => {
  test.skip(!hasSharedData, NO_DATA_REASON);

  test('page 2 is rows 51–100 of the download, first/previous/next/last work by mouse and keyboard, a filter pages its own rows', async ({ page }) => {
    const batch = await predictUciFileAsBatch(page);
    const range = batch.getByTestId('batch-range');
    const pager = batch.getByTestId('batch-pager');
    const rows = batch.getByTestId('batch-result-row');
    await expect(range).toHaveText('Rows 1–50 of 8,124');
    await expect(rows).toHaveCount(50); // the page holds one page of rows, never the batch
    await expect(batch).toContainText('Not advice on what to eat');

    const all = await download(page, batch);
    expect(all).toHaveLength(8125);
    expect(await pageCells(batch)).toEqual(all.slice(1, 51));

    await pager.getByRole('button', { name: 'Next' }).click();
    await expect(range).toHaveText('Rows 51–100 of 8,124');
    await expect(rows.first().getByRole('rowheader')).toHaveText(/51$/);
    expect(await pageCells(batch)).toEqual(all.slice(51, 101));

    // Keyboard: Tab reaches the controls, Enter and Space press them.
    await pager.getByRole('button', { name: 'Next' }).focus();
    await page.keyboard.press('Enter');
    await expect(range).toHaveText('Rows 101–150 of 8,124');
    await page.keyboard.press('Shift+Tab'); // the place text is not focusable: back to Previous
    await expect(pager.getByRole('button', { name: 'Previous' })).toBeFocused();
    await page.keyboard.press('Space');
    await expect(range).toHaveText('Rows 51–100 of 8,124');

    await pager.getByRole('button', { name: 'Last' }).click();
    await expect(range).toHaveText('Rows 8,101–8,124 of 8,124');
    await expect(rows).toHaveCount(24);
    expect(await pageCells(batch)).toEqual(all.slice(8101));
    // At the end Next stays focusable (so keyboard focus is not lost) and does nothing.
    const next = pager.getByRole('button', { name: 'Next' });
    await expect(next).toHaveAttribute('aria-disabled', 'true');
    await next.focus();
    await page.keyboard.press('Enter');
    await expect(next).toBeFocused();
    await expect(range).toHaveText('Rows 8,101–8,124 of 8,124');
    await pager.getByRole('button', { name: 'First' }).click();
    await expect(range).toHaveText('Rows 1–50 of 8,124');

    // A filter starts at its first page and pages through its own rows; the download keeps the same rows.
    const poisonous = Number((await batch.getByTestId('count-poisonous').textContent())!.replace(/,/g, ''));
    await batch.getByTestId('batch-filter').selectOption('poisonous');
    await expect(range).toHaveText(`Rows 1–50 of ${poisonous.toLocaleString('en-US')}`);
    await pager.getByRole('button', { name: 'Next' }).click();
    await expect(range).toHaveText(`Rows 51–100 of ${poisonous.toLocaleString('en-US')}`);
    const filtered = await download(page, batch);
    expect(filtered).toHaveLength(poisonous + 1);
    expect(await pageCells(batch)).toEqual(filtered.slice(51, 101));
    expect(filtered.slice(51, 101).every((r) => r[0] === 'poisonous')).toBe(true);
  });
});

for (const width of [320, 390]) {
  test(`at ${width} px each batch row is a card that fits the width; the pager works by touch`, async ({ browser, baseURL }) => {
    const context = await browser.newContext({ viewport: { width, height: 780 }, isMobile: true, hasTouch: true, baseURL });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('/predict');
    // The project's own synthetic UCI-style sample: 400 labelled rows.
    await page.getByTestId('batch-file-input').setInputFiles(resolve(SAMPLES, 'uci-synthetic.csv'));
    const batch = page.getByTestId('batch');
    await expect(batch.getByTestId('batch-rows')).toHaveText('400', { timeout: 60_000 });
    const range = batch.getByTestId('batch-range');
    await expect(range).toHaveText('Rows 1–50 of 400');

    // Against the device width: on a phone the layout viewport grows to fit overflowing content.
    expect(await page.evaluate(() => document.documentElement.scrollWidth), 'page width').toBeLessThanOrEqual(width);
    const table = batch.getByRole('region', { name: 'Predictions' });
    expect(await table.evaluate((t) => t.scrollWidth - t.clientWidth), 'sideways scroll inside the rows').toBeLessThanOrEqual(0);
    // The answer of a card, in view without scrolling sideways, and its features on the same card.
    const card = batch.getByTestId('batch-result-row').first();
    const answer = card.locator('td').first();
    await expect(answer).toHaveText(/^decision\s*(edible|poisonous|uncertain — treat as poisonous)$/);
    const box = (await answer.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(width);
    await expect(card).toContainText('odor');
    const cardBox = (await card.boundingBox())!;
    expect(cardBox.x + cardBox.width).toBeLessThanOrEqual(width);

    // Touch: the top pager, then the one below the rows (which brings the rows' top back into view).
    const next = batch.getByTestId('batch-pager').getByRole('button', { name: 'Next' });
    const nextBox = (await next.boundingBox())!;
    expect(nextBox.height).toBeGreaterThanOrEqual(44);
    await next.tap();
    await expect(range).toHaveText('Rows 51–100 of 400');
    await batch.getByRole('navigation', { name: 'Pages of predictions, below the rows' }).getByRole('button', { name: 'Next' }).tap();
    await expect(range).toHaveText('Rows 101–150 of 400');
    await expect(batch.getByTestId('batch-filter')).toBeInViewport();
    expect(await page.evaluate(() => document.documentElement.scrollWidth), 'page width after paging').toBeLessThanOrEqual(width);
    expect(errors).toEqual([]);
    await context.close();
  });
}
