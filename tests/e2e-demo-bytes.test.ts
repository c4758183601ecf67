// The demo as a visitor's network sees it: bytes transferred (compressed body + headers, as Chromium reports them) for
// a first visit of each page with its shipped model, and for a reload, which must revalidate (304s) or use the SDK's
// model cache rather than download again. Budgets: a first visit of a few MB, a reload of a few hundred KB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Request } from 'playwright';
import { startDemo, waitForModel, type DemoHarness } from '../scripts/e2e/demo.js';

let h: DemoHarness;
beforeAll(async () => {
  h = await startDemo();
}, 300_000);
afterAll(async () => {
  await h?.close();
});

/** Transferred bytes of `requests` (response headers + encoded body; a 304 is headers only), by path. */
async function transferred(requests: Request[]): Promise<{ total: number; byPath: Record<string, number> }> {
  const byPath: Record<string, number> = {};
  let total = 0;
  for (const r of requests) {
    const res = await r.response();
    if (!res) continue;
    const s = await r.sizes().catch(() => ({ responseBodySize: 0, responseHeadersSize: 0 }));
    const n = s.responseBodySize + s.responseHeadersSize;
    const p = new URL(r.url()).pathname;
    byPath[p] = (byPath[p] ?? 0) + n;
    total += n;
  }
  return { total, byPath };
}

const MB = 1e6;
const top = (byPath: Record<string, number>) => Object.entries(byPath).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([p, n]) => `${p} ${(n / MB).toFixed(2)} MB`).join(', ');

describe('demo bytes per page', () => {
  for (const [route, firstBudget] of [['text', 6.5], ['digits', 6.5], ['img2img', 6.5]] as const) {
    it(`${route}: first visit ≤ ${firstBudget} MB, reload ≤ 0.5 MB`, async () => {
      const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
      const requests: Request[] = [];
      context.on('request', (r) => requests.push(r));
      const page = await context.newPage();
      try {
        await page.goto(`${h.url}/#/${route}`);
        await waitForModel(page, route);
        await page.waitForLoadState('networkidle');
        const first = await transferred(requests.splice(0));
        await page.reload();
        await waitForModel(page, route);
        await page.waitForLoadState('networkidle');
        const again = await transferred(requests.splice(0));
        console.log(`bytes ${route}: first visit ${(first.total / MB).toFixed(2)} MB (${top(first.byPath)}); reload ${(again.total / MB).toFixed(3)} MB (${top(again.byPath)})`);
        expect(first.total / MB, top(first.byPath)).toBeLessThanOrEqual(firstBudget);
        expect(again.total / MB, top(again.byPath)).toBeLessThanOrEqual(0.5);
      } finally {
        await context.close();
      }
    }, 180_000);
  }
});
