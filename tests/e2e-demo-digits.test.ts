// The demo's Digits page with the tiny class-conditional fixture model: pick a digit, steps and η, get a grid of
// non-blank samples; "any" draws a random digit per image (guided, named under it); and on a phone (390x844, touch, CPU throttled 4x through the
// DevTools protocol) the page is one column and a 10-step run completes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canvasStats, noticeText, openDemoPage, saveScreenshot, startDemo, waitForState, type DemoHarness } from '../scripts/e2e/demo.js';
import { fixtureUrl } from '../scripts/e2e/harness.js';
import { fixtureModel, REPO } from '../scripts/e2e/model-fixtures.js';

let model: string;

beforeAll(async () => {
  model = fixtureUrl(await fixtureModel('class'));
}, 300_000);

describe('demo: digits on a desktop', () => {
  let h: DemoHarness;
  beforeAll(async () => {
    h = await startDemo();
  }, 300_000);
  afterAll(async () => {
    await h?.close();
  });

  it('offers "any" and every class of the model, and draws a grid of the chosen digit', async () => {
    expect(await openDemoPage(h, 'digits', { digits: model, backend: 'wasm' })).toBe('ready');
    const { page } = h;
    // backend=wasm asked explicitly: no fallback notice.
    expect(await noticeText(page)).not.toMatch(/WebGPU not available/);
    // A model without sampling defaults leaves the page's own: 20 steps, guidance 2.
    expect([await page.inputValue('input[name=steps]'), await page.inputValue('input[name=guidance]')]).toEqual(['20', '2']);
    expect(await page.locator('input[data-choice=digit]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['any', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    await page.click('label:has(input[data-choice=digit][value="3"])');
    await page.fill('input[name=steps]', '10');
    await page.fill('input[name=eta]', '0.5');
    expect(await page.textContent('output[for]:near(input[name=eta])')).toBe('0.50');
    await page.selectOption('select[name=count]', '4');
    await page.click('button[name=generate]');
    await waitForState(page, ['done']);
    expect(await page.locator('.image-grid canvas').count()).toBe(4);
    expect(await page.locator('.image-grid figcaption').allTextContents()).toEqual(['three #1', 'three #2', 'three #3', 'three #4']);
    expect(await page.textContent('[data-testid=stats]')).toMatch(/^Done: 4 images, 10 steps in /);
    for (let i = 1; i <= 4; i++) {
      const s = await canvasStats(page, `.image-grid figure:nth-child(${i}) canvas`);
      expect(s.distinct, `sample ${i}`).toBeGreaterThan(20);
      expect(s.std, `sample ${i}`).toBeGreaterThan(5);
    }
    await saveScreenshot(page, 'digits');
    expect(h.errors).toEqual([]);
  });

  it('"any" draws a random digit per image, guided, each named under it, the same for the same seed; cancel stops a long run', async () => {
    const { page } = h;
    await page.click('label:has(input[data-choice=digit][value="any"])');
    await page.fill('input[name=steps]', '5');
    await page.click('button[name=generate]');
    await waitForState(page, ['done']);
    const captions = await page.locator('.image-grid figcaption').allTextContents();
    expect(captions.every((c, i) => new RegExp(`^(zero|one|two|three|four|five|six|seven|eight|nine|[0-9]) #${i + 1}$`).test(c)), captions.join(', ')).toBe(true);
    expect(new Set(captions.map((c) => c.split(' ')[0])).size).toBeGreaterThan(1); // 8 draws of 10 digits: not all one
    await page.click('button[name=generate]');
    await waitForState(page, ['done']);
    expect(await page.locator('.image-grid figcaption').allTextContents()).toEqual(captions); // the seed fixes the digits
    await page.fill('input[name=steps]', '100');
    await page.click('button[name=generate]');
    await page.waitForFunction(() => /Step \d+ \/ 100/.test(document.querySelector('[data-testid=stats]')?.textContent ?? ''));
    await page.click('button[name=cancel]');
    await waitForState(page, ['cancelled']);
    expect(await page.isEnabled('button[name=generate]')).toBe(true);
  });

  it('the shipped mnist-ddim when present, else a readable "not available yet"', async () => {
    const state = await openDemoPage(h, 'digits');
    if (state === 'unavailable') {
      expect(await noticeText(h.page)).toMatch(/Model 'mnist-ddim' is not available yet/);
      return;
    }
    expect(state).toBe('ready');
    // The sliders start at the model's own sampling defaults (its manifest), not the page's generic 20 steps / 2.
    const sampling = JSON.parse(readFileSync(join(REPO, 'models', 'mnist-ddim', 'manifest.json'), 'utf8')).sampling ?? { steps: 20, guidanceScale: 2 };
    expect(Number(await h.page.inputValue('input[name=steps]'))).toBe(sampling.steps);
    expect(Number(await h.page.inputValue('input[name=guidance]'))).toBe(sampling.guidanceScale);
    await h.page.fill('input[name=steps]', '10');
    await h.page.click('button[name=generate]');
    await waitForState(h.page, ['done']);
    expect((await canvasStats(h.page, '.image-grid canvas')).distinct).toBeGreaterThan(2);
  });
});

describe('demo: digits on a throttled phone', () => {
  let h: DemoHarness;
  beforeAll(async () => {
    h = await startDemo({ context: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } });
    const cdp = await h.context.newCDPSession(h.page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  }, 300_000);
  afterAll(async () => {
    await h?.close();
  });

  it('lays the page out in one column with touch-sized controls and completes 10 steps', async () => {
    expect(await openDemoPage(h, 'digits', { digits: model }, 240_000)).toBe('ready');
    const { page } = h;
    expect(await page.evaluate(() => innerWidth)).toBe(390);
    const layout = await page.evaluate(() => {
      const [form, out] = [...document.querySelectorAll('.page-layout > *')].map((e) => e.getBoundingClientRect());
      const controls = [...document.querySelectorAll('button, .choice-grid span, input[type=number], select')].filter((e) => (e as HTMLElement).offsetParent !== null);
      return {
        stacked: out!.top >= form!.bottom,
        fits: document.documentElement.scrollWidth <= innerWidth,
        smallest: Math.min(...controls.map((e) => e.getBoundingClientRect().height)),
      };
    });
    expect(layout).toMatchObject({ stacked: true, fits: true });
    expect(layout.smallest).toBeGreaterThanOrEqual(40);
    await page.tap('label:has(input[data-choice=digit][value="7"])');
    await page.fill('input[name=steps]', '10');
    await page.selectOption('select[name=count]', '4');
    await page.tap('button[name=generate]');
    await waitForState(page, ['done'], 280_000);
    expect(await page.textContent('[data-testid=stats]')).toMatch(/^Done: 4 images, 10 steps in /);
    expect((await canvasStats(page, '.image-grid canvas')).distinct).toBeGreaterThan(20);
    await saveScreenshot(page, 'digits-phone');
    expect(h.errors).toEqual([]);
  }, 300_000);
});
