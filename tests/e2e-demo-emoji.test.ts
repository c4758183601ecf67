// The demo's Emoji page on the shipped emoji-ldm (latent diffusion, WebAssembly): example prompts marked trained / new
// concept / new style; a run draws a grid of 64×64 RGBA emoji on a checkerboard with transparent pixels, a CLIP score
// under each (emoji-clip, trained on the same data) and a "Download PNG" that is an RGBA PNG; "Start from: your
// drawing" runs img2img; an empty prompt asks for one; a 390 px phone has no horizontal overflow.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { horizontalOverflow, noticeText, openDemoPage, saveScreenshot, startDemo, waitForState, type DemoHarness } from '../scripts/e2e/demo.js';
import { REPO } from '../scripts/e2e/model-fixtures.js';

const SHIPPED = existsSync(join(REPO, 'models', 'emoji-ldm', 'manifest.json'));
const NOTO = join(REPO, 'tests', 'fixtures', 'emoji', 'emoji-datasource-google-16.0.0', 'package', 'img', 'google', '64', '1f436.png');

let h: DemoHarness;
beforeAll(async () => {
  h = await startDemo();
}, 300_000);
afterAll(async () => {
  await h?.close();
});

/** Pixels of the grid's canvas `i` with alpha below 128, and all its pixels. */
const transparent = (i: number) =>
  h.page.evaluate((k) => {
    const c = document.querySelectorAll<HTMLCanvasElement>('.image-grid canvas')[k]!;
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let p = 3; p < px.length; p += 4) if (px[p]! < 128) n++;
    return { clear: n, all: px.length / 4, width: c.width, background: getComputedStyle(c).backgroundImage };
  }, i);

describe('demo: emoji (latent diffusion)', () => {
  it.runIf(SHIPPED)('draws RGBA emoji from an example prompt, with CLIP scores and a PNG download that keeps alpha', async () => {
    const state = await openDemoPage(h, 'emoji', { backend: 'wasm' });
    const { page } = h;
    expect(state, await noticeText(page)).toBe('ready');
    const kinds = await page.locator('.chips button').evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset.kind));
    expect(new Set(kinds)).toEqual(new Set(['trained', 'new concept', 'new style']));
    await page.locator('.chips button[data-kind="new concept"]').first().click();
    const prompt = await page.inputValue('input[name=prompt]');
    expect(prompt).toMatch(/, (noto|twemoji) style$/);
    await page.fill('input[name=steps]', '10');
    await page.fill('input[name=batch]', '2');
    await page.fill('input[name=seed]', '3');
    await page.click('button[name=generate]');
    await waitForState(page, ['done'], 240_000);
    expect(await page.locator('.image-grid canvas').count()).toBe(2);
    const first = await transparent(0);
    expect(first.width).toBe(64);
    expect(first.background).toMatch(/linear-gradient/); // the checkerboard behind the image
    expect(first.clear, 'an emoji has a transparent background').toBeGreaterThan(first.all / 10);
    // CLIP scores by emoji-clip (it learned emoji, as emoji-ldm): one per image.
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=clip-score]')].every((e) => /CLIP score \d+\.\d/.test(e.textContent ?? '')) && document.querySelectorAll('[data-testid=clip-score]').length === 2, null, { timeout: 120_000 });
    expect(await page.textContent('[data-testid=clip-note]')).toMatch(/CLIP score by emoji-clip \(trained on emoji, as emoji-ldm\)/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=download]').first().click()]);
    expect(download.suggestedFilename()).toMatch(/^[a-z0-9-]+-3\.png$/);
    const png = readFileSync((await download.path())!);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png[25]).toBe(6); // IHDR colour type 6: RGBA
    await saveScreenshot(page, 'emoji');
    expect(h.errors).toEqual([]);
  }, 300_000);

  it.runIf(SHIPPED)('starts from an uploaded drawing (img2img) and asks for a prompt when it is empty', async () => {
    const { page } = h;
    await page.fill('input[name=prompt]', '  ');
    await page.click('button[name=generate]');
    expect(await noticeText(page)).toMatch(/Type a prompt/);
    await page.fill('input[name=prompt]', 'dog face, noto style');
    await page.click('label:has(input[data-choice=start][value=drawing])');
    expect(await page.isVisible('[data-testid=drawing]')).toBe(true);
    await page.setInputFiles('[data-testid=pad-upload]', NOTO);
    await page.fill('input[name=batch]', '1');
    await page.click('button[name=generate]');
    await waitForState(page, ['done'], 240_000);
    expect(await page.locator('.image-grid canvas').count()).toBe(1);
    expect(await noticeText(page)).not.toMatch(/Type a prompt/);
    expect(h.errors).toEqual([]);
  }, 300_000);

  it.runIf(SHIPPED)('fits a 390 px phone without horizontal overflow', async () => {
    const { page } = h;
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await saveScreenshot(page, 'emoji-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it.runIf(!SHIPPED)('says the model is not available while models/emoji-ldm is not exported', async () => {
    const state = await openDemoPage(h, 'emoji', { backend: 'wasm' });
    expect(state).toBe('unavailable');
    expect(await noticeText(h.page)).toMatch(/emoji-ldm/);
  });
});
