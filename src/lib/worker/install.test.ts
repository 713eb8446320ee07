import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SporeprintDb } from '$lib/db/db';
import { installShippedModels } from './install';

const uciBundle = readFileSync(new URL('../../../artifacts/uci.model.json', import.meta.url), 'utf8');

let db: SporeprintDb;
let n = 0;
let fetched: string[];
beforeEach(() => {
  db = new SporeprintDb(`install-test-${++n}`);
  fetched = [];
});
afterEach(async () => {
  await db.delete();
});

/** Serves the shipped UCI bundle at /uci.json; anything else is a 404. */
const fakeFetch = (async (url: string) => {
  fetched.push(url);
  return url === '/uci.json' ? new Response(uciBundle) : new Response('missing', { status: 404 });
}) as unknown as typeof fetch;

describe('installShippedModels', () => {
  it('installs a workspace’s shipped bundle as v1 production once, without fetching it again', async () => {
    expect(await installShippedModels(db, { uci: '/uci.json' }, fakeFetch)).toEqual(['uci']);
    expect(await db.modelVersions.toArray()).toMatchObject([{ workspaceId: 'uci', version: 1, stage: 'production', source: 'shipped' }]);
    expect(await installShippedModels(db, { uci: '/uci.json' }, fakeFetch)).toEqual([]);
    expect(fetched).toEqual(['/uci.json']);
  });

  it('refuses a shipped bundle whose weights are cut short: it would install a production version that cannot answer', async () => {
    const broken = JSON.parse(uciBundle);
    broken.model.state.weightData = broken.model.state.weightData.slice(0, 1000);
    const brokenFetch = (async () => new Response(JSON.stringify(broken))) as unknown as typeof fetch;
    await expect(installShippedModels(db, { uci: '/uci.json' }, brokenFetch)).rejects.toMatchObject({ code: 'unusable-model', message: expect.stringContaining('does not load') });
    expect(await db.modelVersions.count()).toBe(0);
  });

  it('refuses a bundle that cannot be downloaded with fetch-failed', async () => {
    await expect(installShippedModels(db, { secondary: '/nope.json' }, fakeFetch)).rejects.toMatchObject({ code: 'fetch-failed' });
    expect(await db.modelVersions.count()).toBe(0);
  });
});
