import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { test, expect, SAMPLES } from '../fixtures';

// Import from a URL on another server (another origin, as a real one would be): the download is
// parsed while it arrives, with its progress in bytes, can be cancelled, and is refused over the
// size limit (100 MB) from its Content-Length, before its body is read.

const sample = readFileSync(resolve(SAMPLES, 'uci-synthetic.csv'), 'utf8');
const [header, ...rows] = sample.trim().split('\n');
const PIECE = 64 * 1024;

interface Served {
  /** Bytes written to the client, and whether the client closed the connection before the end. */
  sent: number;
  closedEarly: boolean;
}

/** Serves `body` in 64 kB pieces every `everyMs`, with or without a Content-Length (or with a false one); `stallAfter` stops writing after that many bytes. */
function serveSlowly(res: ServerResponse, body: Buffer, opts: { everyMs: number; length?: number | null; stallAfter?: number }, record: Served): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Content-Type', 'text/csv');
  if (opts.length !== null) res.setHeader('Content-Length', String(opts.length ?? body.length));
  const timer = setInterval(() => {
    if (record.sent >= Math.min(body.length, opts.stallAfter ?? Infinity)) {
      if (record.sent >= body.length) {
        clearInterval(timer);
        res.end();
      }
      return;
    }
    const piece = body.subarray(record.sent, record.sent + PIECE);
    record.sent += piece.length;
    res.write(piece);
  }, opts.everyMs);
  res.on('close', () => {
    clearInterval(timer);
    record.closedEarly = record.sent < body.length || !res.writableFinished;
  });
}

test.describe('import from a URL', () => {
  let url = '';
  const served = new Map<string, Served>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const record: Served = { sent: 0, closedEarly: false };
    served.set(path, record);
    // ~8 MB: the sample's 400 rows 450 times, in about 4 s.
    const big = Buffer.from(header + '\n' + (rows.join('\n') + '\n').repeat(450));
    if (path === '/mushrooms.csv') serveSlowly(res, big, { everyMs: 30 }, record);
    else if (path === '/unsized.csv') serveSlowly(res, big, { everyMs: 100, length: null }, record);
    else if (path === '/huge.csv') serveSlowly(res, big, { everyMs: 30, length: 250_000_000, stallAfter: PIECE }, record);
    else res.writeHead(404).end();
  });
  test.beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  test.afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  test('a CSV is parsed as it downloads, with its progress in bytes, and imports', async ({ page }) => {
    await page.goto('/data');
    await page.getByLabel('CSV URL').fill(`${url}/mushrooms.csv`);
    await page.getByRole('button', { name: 'Import from URL' }).click();
    const bar = page.getByRole('progressbar', { name: 'Downloading and validating' });
    await expect(bar).toBeVisible();
    // Part-way: a percentage of the announced size, and the bytes in words.
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBeLessThan(100);
    await expect(page.getByText(/^\d+(\.\d)? MB of 8\.\d MB$|^\d+ kB of 8\.\d MB$/)).toBeVisible();

    const report = page.getByTestId('import-report');
    await expect(report.getByTestId('rows-accepted')).toHaveText((400 * 450).toLocaleString('en-US'), { timeout: 30_000 });
    await page.getByRole('button', { name: /^Import [\d,]+ valid rows$/ }).click();
    await expect(page.getByTestId('import-done')).toContainText('Stored');
    await expect(page.getByTestId('version-rows')).toHaveText((400 * 450).toLocaleString('en-US'));
  });

  test('a download of unknown size shows the bytes so far; Cancel says "Import cancelled", stores nothing and closes the connection', async ({ page }) => {
    await page.goto('/data');
    await page.getByLabel('CSV URL').fill(`${url}/unsized.csv`);
    await page.getByRole('button', { name: 'Import from URL' }).click();
    await expect(page.getByText(/ so far \(the server did not say how much\)$/)).toBeVisible();
    await page.getByRole('button', { name: 'Cancel' }).click();
    const error = page.getByTestId('import-error');
    await expect(error).toHaveAttribute('data-code', 'cancelled');
    await expect(error).toHaveText(/^Import cancelled\. Cancelled\. Nothing was stored\./);
    await expect(error).not.toContainText(/abort/i);
    await expect(page.getByTestId('no-versions')).toBeVisible();
    await expect.poll(() => served.get('/unsized.csv')?.closedEarly).toBe(true);
  });

  test('a file announced over 100 MB is refused before its body is read, and the connection is closed', async ({ page }) => {
    await page.goto('/data');
    await page.getByLabel('CSV URL').fill(`${url}/huge.csv`);
    await page.getByRole('button', { name: 'Import from URL' }).click();
    const error = page.getByTestId('import-error');
    await expect(error).toHaveAttribute('data-code', 'too-large');
    await expect(error).toContainText('File too large. huge.csv is 250 MB: CSV files over 100 MB are not imported');
    await expect(error).toContainText('Nothing was stored');
    await expect.poll(() => served.get('/huge.csv')?.closedEarly).toBe(true);
    expect(served.get('/huge.csv')!.sent).toBeLessThanOrEqual(PIECE); // the server stalls after its first piece anyway
  });
});
