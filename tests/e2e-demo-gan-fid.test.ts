// The demo's GAN explorer and FID lab, and the nav between pages: while a model is not shipped, a page renders its
// controls, names what is missing in words and keeps its run button disabled; never a broken page. When the pieces
// exist the pages run. The GAN explorer runs end to end on tiny fixture GANs (createGan, ?gan=<fixture>): a grid, two
// picked tiles, the interpolation path between them. The FID lab runs end to end: a tiny
// fixture digits model scored by createFidScorer against the shipped MNIST reference statistics.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canvasStats, noticeText, openDemoPage, saveScreenshot, startDemo, waitForState, type DemoHarness } from '../scripts/e2e/demo.js';
import { fixtureUrl } from '../scripts/e2e/harness.js';
import { maxAbsDiff } from '../scripts/e2e/compare.js';
import { ganFixtureModel } from '../scripts/e2e/gan-fixtures.js';
import { fixtureModel, REPO } from '../scripts/e2e/model-fixtures.js';

let h: DemoHarness;
let classModel: string;
let dcganModel: string;
let vitganModel: string;
let styleganModel: string;

beforeAll(async () => {
  classModel = fixtureUrl(await fixtureModel('class'));
  dcganModel = fixtureUrl(await ganFixtureModel('gan-dcgan'));
  vitganModel = fixtureUrl(await ganFixtureModel('gan-vitgan'));
  styleganModel = fixtureUrl(await ganFixtureModel('gan-stylegan'));
  h = await startDemo();
}, 300_000);

afterAll(async () => {
  await h?.close();
});

// A string, so vitest's transform leaves the page's dynamic import alone.
const sdkHas = (name: string): Promise<boolean> => h.page.evaluate(`import('/sdk/index.js').then((m) => ${JSON.stringify(name)} in m)`);

describe('demo: GAN explorer and FID lab', () => {
  it('the GAN explorer shows its controls and says readably when the shipped GANs are not there', async () => {
    const state = await openDemoPage(h, 'gan');
    const { page } = h;
    expect(await page.locator('select[name=gan-model] option').allTextContents()).toEqual(['mnist-dcgan', 'mnist-stylegan', 'mnist-vitgan']);
    expect(await page.locator('input[data-choice=gan-class]').count()).toBe(11);
    const shipped = (name: string) => existsSync(join(REPO, 'models', name, 'manifest.json'));
    if (!shipped('mnist-dcgan')) {
      expect(state).toBe('unavailable');
      expect(await noticeText(page)).toMatch(/Model 'mnist-dcgan' is not available yet.*Train and export it/);
      expect(await page.isDisabled('button[name=generate]')).toBe(true);
    } else {
      expect(state, await noticeText(page)).toBe('ready');
    }
    // Switching generator re-checks, still readable.
    await page.selectOption('select[name=gan-model]', '/models/mnist-stylegan');
    await page.waitForFunction(() => !['loading-model'].includes(document.querySelector<HTMLElement>('[data-page]')?.dataset.state ?? ''));
    if (!shipped('mnist-stylegan')) {
      expect(await noticeText(page)).toMatch(/Model 'mnist-stylegan' is not available yet/);
      expect(await page.isDisabled('button[name=generate]')).toBe(true);
    } else {
      // the shipped StyleGAN opens with its ψ slider and the (still empty) mixing section
      await waitForState(page, ['ready']);
      expect(await page.isVisible('input[name=gan-psi]')).toBe(true);
      expect(await page.isVisible('input[name=gan-crossover]')).toBe(true);
    }
    await page.selectOption('select[name=gan-model]', '/models/mnist-vitgan');
    await page.waitForFunction(() => !['loading-model'].includes(document.querySelector<HTMLElement>('[data-page]')?.dataset.state ?? ''));
    if (!shipped('mnist-vitgan')) {
      expect(await noticeText(page)).toMatch(/Model 'mnist-vitgan' is not available yet/);
      expect(await page.isDisabled('button[name=generate]')).toBe(true);
    }
    await saveScreenshot(page, 'gan-explorer');
    expect(h.errors).toEqual([]);
  });

  it('a style-based GAN gets the ψ slider and the style-mixing grid; others do not', async () => {
    const { page } = h;
    const pixels = (sel: string) => page.evaluate((q) => Array.from(document.querySelector<HTMLCanvasElement>(q)!.getContext('2d')!.getImageData(0, 0, 16, 16).data), sel);
    expect(await openDemoPage(h, 'gan', { gan: dcganModel, backend: 'wasm' })).toBe('ready');
    expect(await page.isVisible('input[name=gan-psi]')).toBe(false);
    expect(await page.isVisible('[data-testid=mixing-grid]')).toBe(false);

    expect(await openDemoPage(h, 'gan', { gan: styleganModel, backend: 'wasm' })).toBe('ready');
    expect(await page.isVisible('input[name=gan-psi]')).toBe(true);
    expect(await page.isVisible('input[name=gan-crossover]')).toBe(true);
    const layers = Number(await page.getAttribute('input[name=gan-crossover]', 'max')) + 1;
    expect(layers).toBeGreaterThanOrEqual(4);
    expect(Number(await page.inputValue('input[name=gan-crossover]'))).toBe(Math.floor(layers / 2));
    await page.fill('input[name=seed]', '3');
    await page.click('button[name=generate]');
    await waitForState(page, ['done']);
    // corner + 4 fine sources, then 4 rows of (coarse source + 4 mixes)
    expect(await page.locator('[data-testid=mixing-grid] canvas').count()).toBe(4 + 4 * 5);
    // the sources are the grid's samples: rows the first four, columns the next four
    const cell = (k: number) => `[data-testid=mixing-grid] > :nth-child(${k}) canvas`;
    expect(maxAbsDiff(await pixels(cell(2)), await pixels('.image-grid figure:nth-child(5) canvas'))).toBeLessThanOrEqual(2);
    expect(maxAbsDiff(await pixels(cell(6)), await pixels('.image-grid figure:nth-child(1) canvas'))).toBeLessThanOrEqual(2);
    // the 16 mixes: row r (1…4) starts at child 5r + 1 with its coarse source, then its 4 mixes
    const mixCells = [1, 2, 3, 4].flatMap((r) => [1, 2, 3, 4].map((c) => 5 * r + 1 + c));
    const mixesAt = () => Promise.all(mixCells.map((k) => pixels(cell(k))));
    const before = await mixesAt();
    // the mixes are not just their row's coarse source
    const rowSources = await Promise.all([1, 2, 3, 4].map((r) => pixels(cell(5 * r + 1))));
    expect(Math.max(...before.map((m, i) => maxAbsDiff(m, rowSources[Math.floor(i / 4)]!)))).toBeGreaterThan(2);
    // another crossover redraws the mixes
    const setRange = (name: string, v: number) => page.evaluate(`(() => { const i = document.querySelector('input[name=${name}]'); i.value = '${v}'; i.dispatchEvent(new Event('input', { bubbles: true })); i.dispatchEvent(new Event('change', { bubbles: true })); })()`);
    await setRange('gan-crossover', 1);
    await waitForState(page, ['done']);
    const after = await mixesAt();
    expect(Math.max(...after.map((a, i) => maxAbsDiff(a, before[i]!)))).toBeGreaterThan(2);
    // ψ 0: every latent draws the average w, so every sample of the grid is one picture
    await setRange('gan-psi', 0);
    await page.click('button[name=generate]');
    await waitForState(page, ['done']);
    expect(maxAbsDiff(await pixels('.image-grid figure:nth-child(1) canvas'), await pixels('.image-grid figure:nth-child(2) canvas'))).toBeLessThanOrEqual(2);
    await saveScreenshot(page, 'gan-explorer-style-mixing');
    expect(h.errors).toEqual([]);
  });

  it('the GAN explorer draws a grid with a fixture GAN, and two picked tiles show the interpolation path', async () => {
    const state = await openDemoPage(h, 'gan', { gan: dcganModel, backend: 'wasm' });
    const { page } = h;
    expect(state, await noticeText(page)).toBe('ready');
    // The conditional fixture has classes '0' … '9': the picker offers them.
    expect(await page.locator('input[data-choice=gan-class]').count()).toBe(11);
    await page.click('label:has(input[data-choice=gan-class][value="3"])');
    await page.click('button[name=generate]');
    await waitForState(page, ['done']);
    expect(await page.locator('.image-grid button.tile canvas').count()).toBe(16);
    for (const i of [1, 16]) {
      const s = await canvasStats(page, `.image-grid figure:nth-child(${i}) canvas`);
      expect(s.width).toBe(16);
      expect(s.distinct, `tile ${i}`).toBeGreaterThan(4);
      expect(s.std).toBeGreaterThan(1);
    }
    await page.click('.image-grid figure:nth-child(2) button.tile');
    await page.click('.image-grid figure:nth-child(7) button.tile');
    await page.waitForFunction(() => document.querySelectorAll('.interp canvas').length === 8, undefined, { timeout: 60_000 });
    await waitForState(page, ['done']);
    expect(await page.locator('.image-grid button.tile[aria-pressed=true]').count()).toBe(2);
    for (let i = 1; i <= 8; i++) {
      const s = await canvasStats(page, `.interp canvas:nth-child(${i})`);
      expect(s.distinct, `step ${i}`).toBeGreaterThan(4);
    }
    // The path starts and ends at the picked samples (the same latents and class; batch 8 instead of 16).
    const pixels = (sel: string) => page.evaluate((q) => Array.from(document.querySelector<HTMLCanvasElement>(q)!.getContext('2d')!.getImageData(0, 0, 16, 16).data), sel);
    expect(maxAbsDiff(await pixels('.interp canvas:nth-child(1)'), await pixels('.image-grid figure:nth-child(2) canvas'))).toBeLessThanOrEqual(2);
    expect(maxAbsDiff(await pixels('.interp canvas:nth-child(8)'), await pixels('.image-grid figure:nth-child(7) canvas'))).toBeLessThanOrEqual(2);
    await saveScreenshot(page, 'gan-explorer-interpolation');

    // "any": the classes come from the seed too, so the same seed draws the same grid; and a path between two
    // samples of (possibly) different classes still starts and ends on them.
    await page.click('label:has(input[data-choice=gan-class][value="any"])');
    await page.fill('input[name=seed]', '5');
    const grid = async () => {
      await page.click('button[name=generate]');
      await waitForState(page, ['done']);
      return Promise.all([1, 4, 9].map((i) => pixels(`.image-grid figure:nth-child(${i}) canvas`)));
    };
    const first = await grid();
    expect(await grid()).toEqual(first);
    // The class along the path: switching halfway, the path starts and ends on both picks; keeping one class, the
    // latent moves all the way in that class (it starts, or ends, on the pick whose class it keeps).
    expect(await page.isVisible('select[name=gan-path-class]')).toBe(true);
    expect(await page.inputValue('select[name=gan-path-class]')).toBe('first');
    await page.selectOption('select[name=gan-path-class]', 'switch');
    await page.click('.image-grid figure:nth-child(1) button.tile');
    await page.click('.image-grid figure:nth-child(4) button.tile');
    await page.waitForFunction(() => document.querySelectorAll('.interp canvas').length === 8, undefined, { timeout: 60_000 });
    await waitForState(page, ['done']);
    expect(maxAbsDiff(await pixels('.interp canvas:nth-child(1)'), first[0]!)).toBeLessThanOrEqual(2);
    expect(maxAbsDiff(await pixels('.interp canvas:nth-child(8)'), first[1]!)).toBeLessThanOrEqual(2);
    const strip = () => Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((i) => pixels(`.interp canvas:nth-child(${i})`)));
    const switched = await strip();
    await page.selectOption('select[name=gan-path-class]', 'second');
    await waitForState(page, ['done']); // the change event started the redraw synchronously
    expect(maxAbsDiff(await pixels('.interp canvas:nth-child(8)'), first[1]!)).toBeLessThanOrEqual(2);
    await page.selectOption('select[name=gan-path-class]', 'first');
    await waitForState(page, ['done']);
    const kept = await strip();
    expect(maxAbsDiff(kept[0]!, first[0]!)).toBeLessThanOrEqual(2);
    // Frames of the first half are the same with 'switch' and 'first' (both use the first pick's class there).
    expect(maxAbsDiff(kept[1]!, switched[1]!)).toBeLessThanOrEqual(2);

    // An unconditional GAN (ViTGAN) offers no classes and draws as well.
    expect(await openDemoPage(h, 'gan', { gan: vitganModel, backend: 'wasm' })).toBe('ready');
    expect(await page.locator('input[data-choice=gan-class]').count()).toBe(1);
    expect(await page.isVisible('select[name=gan-path-class]')).toBe(false);
    await page.click('button[name=generate]');
    await waitForState(page, ['done']);
    expect((await canvasStats(page, '.image-grid figure:nth-child(1) canvas')).distinct).toBeGreaterThan(4);

    // A model that is not a GAN generator is refused in words.
    expect(await openDemoPage(h, 'gan', { gan: classModel })).toBe('unavailable');
    expect(await noticeText(page)).toMatch(/'fixture-class' is not a GAN generator.*diffusion-unet/);
    expect(h.errors).toEqual([]);
  }, 300_000);

  it('the FID lab scores digits per step count against the reference statistics and charts finite FIDs', async () => {
    const state = await openDemoPage(h, 'fid', { digits: classModel });
    const { page } = h;
    expect(await page.locator('input[name=fid-steps]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['5', '10', '20', '50', '100']);
    expect(await page.locator('svg.chart').getAttribute('aria-label')).toBe('FID against DDIM steps');
    // A default run compares 5, 10 and 20 steps (50 and 100 on request), and the page says how to read small-sample FID and KID.
    expect(await page.locator('input[name=fid-steps]:checked').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['5', '10', '20']);
    expect(await page.textContent('[data-role=fid-reading]')).toMatch(/biased upwards at few samples.*1\.25 at 20 steps with 1,000 samples.*KID is unbiased.*can come out negative.*± is the spread over 20 subsets/);
    // The shipped classifier, its reference statistics and createFidScorer are all there: nothing is reported missing.
    expect(state, await noticeText(page)).toBe('ready');
    expect(await page.textContent('.progress-text')).toMatch(/Model ready/);
    // A tiny run: the fixture digits model, 50 samples, 2 step counts.
    await page.selectOption('select[name=samples]', '50');
    for (const s of ['20', '50']) await page.uncheck(`input[name=fid-steps][value="${s}"]`);
    const before = h.requests.length;
    await page.click('button[name=generate]');
    await waitForState(page, ['done'], 240_000);
    // One scorer for the whole run: the reference statistics and the extractor are fetched once, not once per setting.
    const during = h.requests.slice(before).map((r) => new URL(r.url()).pathname);
    expect(during.filter((p) => p.endsWith('reference-stats.fidstats'))).toHaveLength(1);
    expect(during.filter((p) => p.endsWith('mnist-classifier/model.onnx'))).toHaveLength(1);
    const rows = await page.locator('table.results tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    expect(rows.map((r) => r[0])).toEqual(['5', '10']);
    for (const r of rows) {
      expect(r[1], r.join(' | ')).toBe('50'); // the sample count beside each figure
      expect(Number.isFinite(Number(r[2])) && Number(r[2]) > 0, r.join(' | ')).toBe(true);
      expect(r[3], r.join(' | ')).toMatch(/^-?\d+\.\d{4} ± \d+\.\d{4}$/); // KID ± its spread
    }
    expect(await page.locator('svg.chart circle').count()).toBe(2);
    expect(await page.locator('p.stats').allTextContents()).toContainEqual(expect.stringMatching(/Done: 2 settings × 50 samples\. At 50 samples FID reads high: the model card: 1\.25/));
    await saveScreenshot(page, 'fid-lab');
    expect(h.errors).toEqual([]);
  }, 300_000);

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
