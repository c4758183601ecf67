// Model files are kept in the Cache API: a second load (even after a page reload) makes no network request for them,
// per Playwright's request log; clearCache() makes the next load download again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageLoad } from '../scripts/e2e/compare.js';
import { fixtureUrl, startHarness, type Harness } from '../scripts/e2e/harness.js';
import { fixtureModel } from '../scripts/e2e/model-fixtures.js';

let h: Harness;
let url: string;

const load = () => h.page.evaluate((m) => (window as any).h.load(m, { backend: 'wasm' }), url) as Promise<PageLoad>;
const modelRequests = () => h.requests.filter((r) => r.url().includes(url) && r.url().endsWith('.onnx'));
const manifestRequests = () => h.requests.filter((r) => r.url().includes(url) && r.url().endsWith('manifest.json'));

beforeAll(async () => {
  url = fixtureUrl(await fixtureModel('text'));
  h = await startHarness();
  await h.page.evaluate(() => (window as any).h.clearCache());
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe('Cache API', () => {
  it('the first load downloads each model file once; the second loads them from the cache with no request', async () => {
    const first = await load();
    expect(first.error).toBeUndefined();
    expect(modelRequests().map((r) => r.url().split('/').at(-1)).sort()).toEqual(['model.onnx', 'text_encoder.onnx']);
    expect(first.events.filter((e) => e.status === 'download').every((e) => e.fromCache === false)).toBe(true);

    const before = modelRequests().length;
    const second = await load();
    expect(second.error).toBeUndefined();
    expect(modelRequests().length).toBe(before);
    expect(manifestRequests().length).toBe(2); // the manifest is small and always revalidated
    const downloads = second.events.filter((e) => e.status === 'download');
    expect(downloads).toHaveLength(2);
    expect(downloads.every((e) => e.fromCache === true)).toBe(true);
  });

  it('a reload of the page (a later visit) still makes no request for the model files', async () => {
    await h.page.reload();
    await h.page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const before = modelRequests().length;
    const r = await load();
    expect(r.backend).toBe('wasm');
    expect(modelRequests().length).toBe(before);
    const run = (await h.page.evaluate((id) => (window as any).h.run(id, 'textToImage', { prompt: 'a red star', seed: 1, steps: 2 }), r.id)) as { images?: unknown[] };
    expect(run.images).toHaveLength(1);
  });

  it('clearCache() empties it: the next load downloads again', async () => {
    expect(await h.page.evaluate(() => (window as any).h.clearCache())).toBe(true);
    const before = modelRequests().length;
    await load();
    expect(modelRequests().length).toBe(before + 2);
  });

  it('cache: false neither reads nor writes the cache', async () => {
    await h.page.evaluate(() => (window as any).h.clearCache());
    const before = modelRequests().length;
    await h.page.evaluate((m) => (window as any).h.load(m, { backend: 'wasm', cache: false }), url);
    await h.page.evaluate((m) => (window as any).h.load(m, { backend: 'wasm', cache: false }), url);
    expect(modelRequests().length).toBe(before + 4);
  });
});
