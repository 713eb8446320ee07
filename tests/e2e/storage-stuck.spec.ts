import { test, expect } from '../fixtures';

// WebKit can leave IndexedDB unable to run transactions (see +layout.svelte); whatever the cause,
// storage that does not answer must be said, not shown as empty pages. Here another tab holds a
// read-write transaction open on the settings table until it lets go.
test('storage that does not answer is said in a banner, which goes once storage answers again', async ({ page, context }) => {
  await page.goto('/predict');
  await expect(page.getByTestId('key-fields')).toContainText('Fields that matter most to v1');

  const holder = await context.newPage();
  await holder.goto('/settings');
  // Held from the page itself (a worker made from a blob would be refused by the app's CSP).
  await holder.evaluate(
    () =>
      new Promise<void>((ready) => {
        const w = window as unknown as { release?: boolean };
        const r = indexedDB.open('sporeprint');
        r.onsuccess = () => {
          const store = r.result.transaction('settings', 'readwrite').objectStore('settings');
          const again = () => {
            if (!w.release) store.get('__busy').onsuccess = again;
          };
          again();
          ready();
        };
      }),
  );

  await page.reload();
  const banner = page.getByTestId('storage-banner');
  await expect(banner).toContainText('storage is not answering', { timeout: 20_000 });
  await expect(banner).toContainText('Quit the browser completely');

  await holder.evaluate(() => ((window as unknown as { release: boolean }).release = true));
  await expect(banner).toBeHidden();
  await expect(page.getByTestId('key-fields')).toContainText('Fields that matter most to v1'); // the app goes on
});
