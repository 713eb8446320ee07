import { test, expect, dropFile, standInLaunchQueue, waitForServiceWorker } from '../fixtures';

// A CSV from outside the app: dropped on any page, opened with the installed app, or shared to it.
const CSV =
  'class,cap-shape,cap-surface,cap-color,bruises,odor,gill-attachment,gill-spacing,gill-size,gill-color,stalk-shape,stalk-root,stalk-surface-above-ring,stalk-surface-below-ring,stalk-color-above-ring,stalk-color-below-ring,veil-type,veil-color,ring-number,ring-type,spore-print-color,population,habitat\np,x,s,n,t,p,f,c,n,k,e,e,s,s,w,w,p,w,o,p,k,s,u\ne,x,s,y,t,a,f,c,b,k,e,c,s,s,w,w,p,w,o,p,n,n,g\n';

test('a CSV dropped anywhere goes where the overlay says: a batch from the Monitor page, an import from the Models page', async ({ page }) => {
  await page.goto('/monitor');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Monitor/);
  // The overlay shows while the file is dragged over the page.
  const dt = await page.evaluateHandle(() => {
    const t = new DataTransfer();
    t.items.add(new File(['a'], 'x.csv', { type: 'text/csv' }));
    return t;
  });
  await page.dispatchEvent('main', 'dragenter', { dataTransfer: dt });
  await expect(page.getByTestId('drop-overlay')).toContainText('Predict a batch');
  await expect(page.getByTestId('drop-overlay')).toContainText('UCI Mushroom');
  await page.dispatchEvent('main', 'dragleave', { dataTransfer: dt });
  await expect(page.getByTestId('drop-overlay')).toBeHidden();

  await dropFile(page, 'two.csv', CSV);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Predict/);
  await expect(page.getByTestId('batch-summary')).toContainText('2', { timeout: 30_000 });

  await page.goto('/models');
  await page.dispatchEvent('main', 'dragenter', { dataTransfer: await page.evaluateHandle(() => new DataTransfer()) });
  await expect(page.getByTestId('drop-overlay')).toBeHidden(); // a drag without files is not a file arriving
  const dt2 = await page.evaluateHandle(() => {
    const t = new DataTransfer();
    t.items.add(new File(['a'], 'x.csv', { type: 'text/csv' }));
    return t;
  });
  await page.dispatchEvent('main', 'dragenter', { dataTransfer: dt2 });
  await expect(page.getByTestId('drop-overlay')).toContainText('Import as reference data');
  await dropFile(page, 'two.csv', CSV);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Data/);
  await expect(page.getByRole('button', { name: /Import 2 valid rows/ })).toBeVisible({ timeout: 30_000 });
});

test('a CSV opened with the installed app asks what to do, and the dialog gives focus back', async ({ page }) => {
  const launch = await standInLaunchQueue(page);
  await page.goto('/settings');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Settings/);
  const opener = page.getByRole('link', { name: 'About', exact: true });
  await opener.focus();
  await launch(CSV);
  const dialog = page.getByRole('dialog', { name: 'What should Sporeprint do with opened.csv?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('opened with Sporeprint');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(opener, 'focus goes back where it was').toBeFocused();
  await launch(CSV);
  await dialog.getByRole('button', { name: /^Predict a batch/ }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Predict/);
  await expect(page.getByTestId('batch-summary')).toContainText('2', { timeout: 30_000 });
});

test('a CSV shared from another app reaches the page through the service worker and can be imported', async ({ page }) => {
  await page.goto('/');
  await waitForServiceWorker(page);
  // What the OS share sheet does: a multipart POST to the manifest's share_target action.
  await page.evaluate((text) => {
    const form = document.createElement('form');
    form.method = 'POST';
    form.action = '/share-target';
    form.enctype = 'multipart/form-data';
    const input = document.createElement('input');
    input.type = 'file';
    input.name = 'file';
    const t = new DataTransfer();
    t.items.add(new File([text], 'shared.csv', { type: 'text/csv' }));
    input.files = t.files;
    form.append(input);
    document.body.append(form);
    form.submit();
  }, CSV);
  const dialog = page.getByRole('dialog', { name: 'What should Sporeprint do with shared.csv?' });
  await expect(dialog).toBeVisible({ timeout: 30_000 });
  await expect(dialog).toContainText('shared with Sporeprint');
  expect(new URL(page.url()).search, 'the hand-over parameter is gone from the address').toBe('');
  await dialog.getByRole('button', { name: /^Import as reference data/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Data/);
  await expect(page.getByRole('button', { name: /Import 2 valid rows/ })).toBeVisible({ timeout: 30_000 });
  // The file was handed over once: the cache that carried it is empty.
  expect(await page.evaluate(async () => (await (await caches.open('sporeprint-share-target')).keys()).length)).toBe(0);
});

test('where the browser offers installing, an "Install app" button in the header opens its dialog', async ({ page }) => {
  await page.goto('/predict');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Predict/);
  const install = page.getByRole('banner').getByRole('button', { name: 'Install app' });
  await expect(install).toHaveCount(0); // nothing offered yet
  // What Chromium fires when the app is installable; its prompt() is the browser's own dialog.
  await page.evaluate(() => {
    const e = new Event('beforeinstallprompt', { cancelable: true }) as Event & { prompt(): Promise<void>; userChoice: Promise<unknown> };
    e.prompt = async () => void ((window as unknown as { __prompted: number }).__prompted = 1);
    e.userChoice = Promise.resolve({ outcome: 'accepted' });
    window.dispatchEvent(e);
  });
  await expect(install).toBeVisible();
  await install.click();
  expect(await page.evaluate(() => (window as unknown as { __prompted?: number }).__prompted)).toBe(1);
  await expect(install, 'a prompt can be shown once').toHaveCount(0);
});
