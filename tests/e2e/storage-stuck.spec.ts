import { test, expect } from '../fixtures';

// WebKit can leave IndexedDB unable to run transactions (see +layout.svelte); whatever the cause,
// storage that does not answer must be said, not shown as empty pages. Here another tab's worker
// holds a read-write transaction open on the settings table for as long as it lives.
test('storage that does not answer is said in a banner, which goes once storage answers again', async ({ page, context }) => {
  await page.goto('/predict');
  await expect(page.getByTestId('key-fields')).toContainText('Fields that matter most to v1');

  const holder = await context.newPage();
  await holder.goto('/settings');
  await holder.evaluate(
    () =>
      new Promise<void>((ready) => {
        const src = `const r = indexedDB.open('sporeprint');
          r.onsuccess = () => {
            const store = r.result.transaction('settings', 'readwrite').objectStore('settings');
            const again = () => (store.get('__busy').onsuccess = again);
            again();
            postMessage('holding');
          };`;
        const worker = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
        (window as unknown as { holder: Worker }).holder = worker;
        worker.onmessage = () => ready();
      }),
  );

  await page.reload();
  const banner = page.getByTestId('storage-banner');
  await expect(banner).toContainText('storage is not answering', { timeout: 20_000 });
  await expect(banner).toContainText('Quit the browser completely');

  await holder.evaluate(() => (window as unknown as { holder: Worker }).holder.terminate());
  await expect(banner).toBeHidden();
  await expect(page.getByTestId('key-fields')).toContainText('Fields that matter most to v1'); // the app goes on
});
