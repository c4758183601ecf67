// The demo's GAN explorer and FID lab, and the nav between pages: while the SDK has no createGan / browser FID
// scorer (or the models are not shipped), each page renders its controls, names what is missing in words and keeps
// its run button disabled; never a broken page. When the pieces exist the pages run (then these tests say so).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticeText, openDemoPage, saveScreenshot, startDemo, type DemoHarness } from './e2e/demo.js';
import { fixtureUrl } from './e2e/harness.js';
import { fixtureModel } from './e2e/model-fixtures.js';

let h: DemoHarness;
let classModel: string;

beforeAll(async () => {
  classModel = fixtureUrl(await fixtureModel('class'));
  h = await startDemo();
}, 300_000);

afterAll(async () => {
  await h?.close();
});

// A string, so vitest's transform leaves the page's dynamic import alone.
const sdkHas = (name: string): Promise<boolean> => h.page.evaluate(`import('/sdk/index.js').then((m) => ${JSON.stringify(name)} in m)`);

describe('demo: GAN explorer and FID lab', () => {
  it('the GAN explorer shows its controls and says the GAN runner or model is not available', async () => {
    const state = await openDemoPage(h, 'gan');
    const { page } = h;
    expect(await page.locator('select[name=gan-model] option').allTextContents()).toEqual(['mnist-dcgan', 'mnist-vitgan']);
    expect(await page.locator('input[data-choice=gan-class]').count()).toBe(11);
    if (!(await sdkHas('createGan'))) {
      expect(state).toBe('unavailable');
      expect(await noticeText(page)).toMatch(/The GAN runner is not available yet.*no createGan/);
      expect(await page.isDisabled('button[name=generate]')).toBe(true);
      // Switching generator re-checks, still readable.
      await page.selectOption('select[name=gan-model]', '/models/mnist-vitgan');
      await page.waitForFunction(() => /not available yet/.test(document.querySelector('.notice')?.textContent ?? ''));
    } else {
      expect(['ready', 'unavailable']).toContain(state);
    }
    await saveScreenshot(page, 'gan-explorer');
    expect(h.errors).toEqual([]);
  });

  it('the FID lab names every missing piece, loads the digits model, and draws an empty chart', async () => {
    const state = await openDemoPage(h, 'fid', { digits: classModel });
    const { page } = h;
    expect(await page.locator('input[name=fid-steps]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['5', '10', '20', '50', '100']);
    expect(await page.locator('svg.chart').getAttribute('aria-label')).toBe('FID against DDIM steps');
    if (!(await sdkHas('createFidScorer'))) {
      expect(state).toBe('unavailable');
      expect(await noticeText(page)).toMatch(/The FID lab cannot run here yet.*no FID scorer yet/);
      expect(await page.isDisabled('button[name=generate]')).toBe(true);
      // The shipped classifier and its reference statistics are there, so they are not reported missing.
      expect(await noticeText(page)).not.toMatch(/mnist-classifier' is not available|reference statistics .* are missing/);
    }
    // The digits model itself loaded (its progress line says so).
    expect(await page.textContent('.progress-text')).toMatch(/Model ready/);
    await saveScreenshot(page, 'fid-lab');
    expect(h.errors).toEqual([]);
  });

  it('the nav moves between pages, keeps the query string, and marks the current page', async () => {
    await openDemoPage(h, 'digits', { digits: classModel });
    const { page } = h;
    await page.click('nav a[data-route=text]');
    await page.waitForSelector('[data-page=text]');
    expect(page.url()).toContain(`digits=${encodeURIComponent(classModel)}`);
    expect(await page.getAttribute('nav a[data-route=text]', 'aria-current')).toBe('page');
    expect(await page.getAttribute('nav a[data-route=digits]', 'aria-current')).toBeNull();
    // An unknown route falls back to the first page rather than a blank one.
    await page.goto(`${h.url}/#/nope`);
    await page.waitForSelector('[data-page=text]');
    expect(await page.title()).toBe('Text to image · webgen demo');
  });

  it('every control on every page has an accessible name', async () => {
    for (const route of ['text', 'img2img', 'digits', 'gan', 'fid']) {
      await openDemoPage(h, route, { model: classModel });
      const unnamed = await h.page.evaluate(() =>
        [...document.querySelectorAll('input, select, button, textarea')]
          .filter((e) => {
            const el = e as HTMLInputElement;
            if (el.closest('[hidden]')) return false;
            const label = el.labels?.length || el.getAttribute('aria-label') || (el.tagName === 'BUTTON' && el.textContent?.trim());
            return !label;
          })
          .map((e) => e.outerHTML.slice(0, 80)),
      );
      expect(unnamed, route).toEqual([]);
    }
  });
});
