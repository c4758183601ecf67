// The demo's layout as a visitor meets it, at 1280×800 and on a 390×844 phone: on every page the primary button is in
// view without scrolling (it sticks to the bottom of the viewport inside its form), every page's tab is visible (the tab
// bar wraps, never scrolls sideways), and on the phone a run brings its result into view. Screenshots of both sizes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveScreenshot, startDemo, waitForModel, waitForState, type DemoHarness } from '../scripts/e2e/demo.js';

let h: DemoHarness;
beforeAll(async () => {
  h = await startDemo();
}, 300_000);
afterAll(async () => {
  await h?.close();
});

const PAGES = ['text', 'img2img', 'digits', 'gan', 'fid', 'latent', 'ask'];
const SIZES = [
  { name: 'desktop', viewport: { width: 1280, height: 800 }, isMobile: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true },
] as const;

describe('demo layout', () => {
  for (const size of SIZES) {
    it(`${size.name} ${size.viewport.width}×${size.viewport.height}: the primary button is in view on every page, and every tab`, async () => {
      const context = await h.browser.newContext({ viewport: size.viewport, isMobile: size.isMobile, hasTouch: size.isMobile });
      const page = await context.newPage();
      try {
        for (const route of PAGES) {
          await page.goto(`${h.url}/#/${route}`);
          await waitForModel(page, route).catch(() => undefined); // a page whose model is not shipped still lays out
          const box = await page.locator('button[name=generate]').first().boundingBox();
          expect(box, route).not.toBeNull();
          expect(box!.y, route).toBeGreaterThanOrEqual(0);
          expect(box!.y + box!.height, `${route}: the button ends at ${box!.y + box!.height}`).toBeLessThanOrEqual(size.viewport.height);
          const tabs = await page.locator('.site-header nav a').evaluateAll((as) => as.map((a) => { const r = a.getBoundingClientRect(); return { text: a.textContent, right: r.right, bottom: r.bottom }; }));
          for (const t of tabs) {
            expect(t.right, `tab ${t.text}`).toBeLessThanOrEqual(size.viewport.width);
            expect(t.bottom, `tab ${t.text}`).toBeLessThanOrEqual(size.viewport.height);
          }
          expect(tabs.map((t) => t.text)).toContain('FID lab');
          await saveScreenshot(page, `layout-${size.name}-${route}`);
        }
        if (size.isMobile) {
          // A run on the phone scrolls its result (live preview, then the images) into view.
          await page.goto(`${h.url}/#/digits`);
          await waitForModel(page, 'digits');
          await page.click('button[name=generate]');
          await waitForState(page, ['done', 'error'], 240_000);
          await page.waitForFunction(() => {
            const r = document.querySelector('.page-layout > section.panel')!.getBoundingClientRect();
            return r.top < innerHeight && r.bottom > 0;
          });
        }
      } finally {
        await context.close();
      }
    }, 300_000);
  }
});
