// A phone: Pixel 5 emulation (393x851 viewport, touch, mobile user agent) with the CPU throttled 4x through the
// DevTools protocol, no cross-origin isolation (many hosts cannot send COOP/COEP): a 10-step DDIM completes.
import { devices } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageLoad, PageRun } from '../scripts/e2e/compare.js';
import { fixtureUrl, startHarness, type Harness } from '../scripts/e2e/harness.js';
import { fixtureModel } from '../scripts/e2e/model-fixtures.js';

let h: Harness;
let url: string;

beforeAll(async () => {
  url = fixtureUrl(await fixtureModel('class'));
  h = await startHarness({ isolate: false, context: { ...devices['Pixel 5'] } });
  const cdp = await h.context.newCDPSession(h.page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe('mobile emulation', () => {
  it('a 10-step DDIM completes on a throttled phone, single-threaded', async () => {
    const viewport = await h.page.evaluate(() => ({ w: innerWidth, touch: navigator.maxTouchPoints > 0, mobile: /Mobile/.test(navigator.userAgent) }));
    expect(viewport).toEqual({ w: 393, touch: true, mobile: true });
    const r = (await h.page.evaluate((m) => (window as any).h.load(m), url)) as PageLoad;
    expect(r.error).toBeUndefined();
    expect(r.backend).toBe('wasm');
    expect(r.events.some((e) => e.status === 'warning' && e.code === 'single-threaded')).toBe(true);
    const out = (await h.page.evaluate((id) => (window as any).h.run(id, 'sample', { seed: 3, classLabel: 4, steps: 10 }), r.id)) as PageRun;
    expect(out.error).toBeUndefined();
    expect(out.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(out.images![0]!.data).toHaveLength(32 * 32 * 4);
    expect(out.images![0]!.timings.steps).toBe(10);
  }, 300_000);
});
