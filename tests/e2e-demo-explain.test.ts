// The demo's Explain page on the shipped models (WebAssembly): a prompt drawn by emoji-ldm with one cross-attention map
// per word over the image, the emoji judge's verdict with its Grad-CAM overlay, and emoji-clip's mean attention
// distances plotted per head; a missing or wrong judge or ViT leaves a notice in its section while the rest works; an
// empty prompt asks for one; a 390 px phone has no horizontal overflow.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { horizontalOverflow, noticeText, openDemoPage, saveScreenshot, startDemo, waitForState, type DemoHarness } from '../scripts/e2e/demo.js';
import { REPO } from '../scripts/e2e/model-fixtures.js';

const SHIPPED = ['emoji-ldm', 'emoji-judge', 'emoji-clip'].every((m) => existsSync(join(REPO, 'models', m, 'manifest.json')));
const JUDGE_CLASSES: string[] = SHIPPED ? JSON.parse(readFileSync(join(REPO, 'models', 'emoji-judge', 'manifest.json'), 'utf8')).conditioning.classes : [];

let h: DemoHarness;
beforeAll(async () => {
  h = await startDemo();
}, 300_000);
afterAll(async () => {
  await h?.close();
});

/** Canvas sizes and how much each differs from the first one (mean |Δ| over RGB bytes) in section `testid`. */
const canvases = (testid: string) =>
  h.page.evaluate((t) => {
    const list = [...document.querySelectorAll<HTMLCanvasElement>(`[data-testid=${t}] canvas`)];
    const px = list.map((c) => c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data);
    return list.map((c, i) => {
      let d = 0;
      for (let p = 0; p < px[i]!.length; p++) if (p % 4 !== 3) d += Math.abs(px[i]![p]! - px[0]![p]!);
      return { width: c.width, height: c.height, diffFromFirst: d / ((px[i]!.length / 4) * 3) };
    });
  }, testid);

describe('demo: explain', () => {
  it.runIf(SHIPPED)('draws a prompt with a map per word, the judge with its Grad-CAM, and the ViT distance plot', async () => {
    const state = await openDemoPage(h, 'explain', { backend: 'wasm' });
    const { page } = h;
    expect(state, await noticeText(page)).toBe('ready');
    // the plot: 4 blocks × 4 heads of emoji-clip, and the uniform line
    await page.waitForSelector('[data-testid=distance-plot]');
    expect(await page.locator('[data-testid=distance-plot] circle').count()).toBe(16);
    expect(await page.locator('[data-testid=uniform-line]').count()).toBe(1);
    const distances = await page.locator('[data-testid=distance-plot] circle').evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('data-distance'))));
    distances.forEach((d) => expect(d).toBeGreaterThan(5));
    await page.fill('input[name=prompt]', 'red apple, twemoji style');
    await page.fill('input[name=seed]', '7');
    await page.click('button[name=generate]');
    await waitForState(page, ['done'], 240_000);
    expect(await page.locator('[data-testid=word-map]').evaluateAll((fs) => fs.map((f) => (f as HTMLElement).dataset.word))).toEqual(['red', 'apple', 'twemoji', 'style']);
    const maps = await canvases('word-maps');
    expect(maps).toHaveLength(5); // the image and 4 overlays
    for (const m of maps) expect([m.width, m.height]).toEqual([64, 64]);
    // each overlay shows a map over the image: not the image itself
    for (const m of maps.slice(1)) expect(m.diffFromFirst).toBeGreaterThan(5);
    // the judge's verdict is one of its classes, with its overlay at the image's size
    const label = await page.getAttribute('[data-testid=judge-verdict]', 'data-label');
    expect(JUDGE_CLASSES).toContain(label);
    expect(await page.textContent('[data-testid=judge-verdict]')).toMatch(/^emoji-judge: .+ \((noto|twemoji)\), \d+\.\d%$/);
    const cam = await canvases('grad-cam');
    expect(cam.map((c) => [c.width, c.height])).toEqual([[64, 64], [64, 64]]);
    expect(cam[1]!.diffFromFirst).toBeGreaterThan(5);
    await saveScreenshot(page, 'explain');
    expect(h.errors).toEqual([]);
  }, 300_000);

  it.runIf(SHIPPED)('asks for a prompt when it is empty, and fits a 390 px phone', async () => {
    const { page } = h;
    await page.fill('input[name=prompt]', ' ');
    await page.click('button[name=generate]');
    expect(await noticeText(page)).toMatch(/Type a prompt/);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1100, height: 900 });
  });

  it.runIf(SHIPPED)('a judge of the wrong kind and a ViT without distances leave notices; the word maps still work', async () => {
    const state = await openDemoPage(h, 'explain', { backend: 'wasm', judge: '/models/mnist-ddim', vit: '/models/mnist-dcgan' });
    const { page } = h;
    expect(state).toBe('ready');
    await page.waitForFunction(() => /attention distances are not available/.test(document.body.textContent ?? ''), null, { timeout: 60_000 });
    await page.fill('input[name=prompt]', 'dog face, noto style');
    await page.click('button[name=generate]');
    await waitForState(page, ['done'], 240_000);
    expect(await page.locator('[data-testid=word-map]').count()).toBe(4);
    const text = await noticeText(page);
    expect(text).toMatch(/createClassifier loads 'classifier' models only/);
    expect(text).toMatch(/mnist-dcgan\/attention-distance\.json answered 404/);
    expect(await page.locator('[data-testid=grad-cam] canvas').count()).toBe(0);
  }, 300_000);
});
