// The demo's Text to image page in Chromium with the tiny text-conditioned fixture model: the image forms live and
// ends non-blank, timings and the backend badge show, cancel stops a run and leaves the page usable; a model that is
// not on the server gives a readable "not available" message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canvasStats, noticeText, openDemoPage, saveScreenshot, startDemo, waitForState, type DemoHarness } from '../scripts/e2e/demo.js';
import { fixtureUrl } from '../scripts/e2e/harness.js';
import { fixtureModel } from '../scripts/e2e/model-fixtures.js';

let h: DemoHarness;
let model: string;

beforeAll(async () => {
  model = fixtureUrl(await fixtureModel('text'));
  h = await startDemo();
}, 300_000);

afterAll(async () => {
  await h?.close();
});

describe('demo: text to image', () => {
  it('generates an image from a prompt, with live previews, timings and the backend badge', async () => {
    expect(await openDemoPage(h, 'text', { t2i: model })).toBe('ready');
    const { page } = h;
    // Auto: no WebGPU adapter in this Chromium, so the page says it fell back.
    expect(await noticeText(page)).toMatch(/WebGPU not available, using WASM/);
    expect(await page.textContent('#backend-badge')).toMatch(/^WASM · \d+ threads?$/);
    expect(await page.textContent('.progress-text')).toMatch(/Model ready: [\d.]+ (KB|MB)/);
    // The example chips are made of the model's vocabulary; clicking one fills the prompt.
    const chip = page.locator('.chips button').first();
    const chipText = (await chip.textContent())!;
    await chip.click();
    expect(await page.inputValue('input[name=prompt]')).toBe(chipText);
    await page.fill('input[name=steps]', '8');
    await page.fill('input[name=batch]', '2');
    await page.fill('input[name=seed]', '7');
    await page.click('button[name=generate]');
    await waitForState(page, ['done']);
    const stats = await page.textContent('[data-testid=stats]');
    expect(stats).toMatch(/^Done: 2 images, 8 steps in [\d.]+ m?s \([\d.]+ m?s per step\)$/);
    expect(await page.locator('.image-grid canvas').count()).toBe(2);
    expect(await page.locator('.image-grid figcaption').allTextContents()).toEqual([expect.stringMatching(/^seed 7 · /), expect.stringMatching(/^seed 8 · /)]);
    const img = await canvasStats(page, '.image-grid canvas');
    expect(img).toMatchObject({ width: 32, height: 32 });
    expect(img.distinct).toBeGreaterThan(50);
    expect(img.std).toBeGreaterThan(5);
    expect((await canvasStats(page, '[data-testid=preview]')).distinct).toBeGreaterThan(50);
    await saveScreenshot(page, 'text-to-image');
    expect(h.errors).toEqual([]);
    // The page checked the model's manifest and handed it to the load: one request for it, not two.
    expect(h.requests.filter((r) => r.url().endsWith(`${model}/manifest.json`))).toHaveLength(1);
  });

  it('the dice button picks a new seed', async () => {
    const before = await h.page.inputValue('input[name=seed]');
    let changed = false;
    for (let i = 0; i < 3 && !changed; i++) {
      await h.page.click('button[name=dice]');
      changed = (await h.page.inputValue('input[name=seed]')) !== before;
    }
    expect(changed).toBe(true);
  });

  it('an empty prompt asks for one, unknown words are named before drawing, and the notice clears on a good prompt', async () => {
    const { page } = h;
    const images = async () => page.locator('.image-grid canvas').count();
    const before = await images();
    await page.fill('input[name=steps]', '4');
    await page.fill('input[name=batch]', '1');
    await page.fill('input[name=prompt]', '   ');
    await page.click('button[name=generate]');
    expect(await noticeText(page)).toMatch(/Type a prompt.*empty prompt draws with no condition/);
    expect(await page.evaluate(() => document.querySelector<HTMLElement>('[data-page]')!.dataset.state)).not.toBe('running');
    // No known word: nothing is drawn, and the page lists the words the model does know.
    await page.fill('input[name=prompt]', 'fluffy kitten wearing hats');
    await page.click('button[name=generate]');
    expect(await noticeText(page)).toMatch(/No word of this prompt is known to this model.*does not know “fluffy”, “kitten”, “wearing”, “hats”.*It knows \d+ words: /);
    expect(await images()).toBe(before);
    // Some known words: drawn, with the unknown one named.
    const chip = (await page.locator('.chips button').first().textContent())!;
    await page.fill('input[name=prompt]', `${chip} fluffy`);
    await page.click('button[name=generate]');
    await waitForState(page, ['done']);
    expect(await noticeText(page)).toMatch(/Some words are unknown to this model.*“fluffy”.*It draws the rest/);
    // A prompt the SDK refuses (too long): the status line says it was not drawn, not "Starting…".
    await page.fill('input[name=prompt]', Array.from({ length: 40 }, () => chip).join(' '));
    await page.click('button[name=generate]');
    await waitForState(page, ['error']);
    expect(await page.textContent('[data-testid=stats]')).toMatch(/^Not drawn: 'prompt' has 80 tokens/);
    // A prompt of known words only clears the notice.
    await page.fill('input[name=prompt]', chip);
    await page.click('button[name=generate]');
    await waitForState(page, ['done']);
    expect(await noticeText(page)).not.toMatch(/unknown to this model|Type a prompt/);
    expect(h.errors).toEqual([]);
  });

  it('cancel stops a long run between steps; the next run completes', async () => {
    const { page } = h;
    await page.fill('input[name=steps]', '100');
    await page.fill('input[name=batch]', '1');
    await page.click('button[name=generate]');
    await page.waitForFunction(() => /Step \d+ \/ 100/.test(document.querySelector('[data-testid=stats]')?.textContent ?? ''));
    expect(await page.isEnabled('button[name=cancel]')).toBe(true);
    await page.click('button[name=cancel]');
    await waitForState(page, ['cancelled']);
    expect(await noticeText(page)).toMatch(/Cancelled/);
    const stoppedAt = Number(/Step (\d+) \/ 100/.exec((await page.textContent('[data-testid=stats]'))!)![1]);
    expect(stoppedAt).toBeLessThan(100);
    expect(await page.isEnabled('button[name=generate]')).toBe(true);
    expect(await page.isDisabled('button[name=cancel]')).toBe(true);
    await page.fill('input[name=steps]', '4');
    await page.click('button[name=generate]');
    await waitForState(page, ['done']);
    expect(await noticeText(page)).not.toMatch(/Cancelled/);
    expect(h.errors).toEqual([]);
  });

  it('a model that is not on the server: a readable message, no broken page', async () => {
    expect(await openDemoPage(h, 'text', { t2i: '/models/not-shipped-model' })).toBe('unavailable');
    expect(await noticeText(h.page)).toMatch(/Model 'not-shipped-model' is not available yet.*\/models\/not-shipped-model\/manifest\.json/);
    expect(await h.page.isDisabled('button[name=generate]')).toBe(true);
    expect(h.errors).toEqual([]);
  });

  it('a model of the wrong kind (the class-conditional fixture) is refused in words', async () => {
    const cls = fixtureUrl(await fixtureModel('class'));
    expect(await openDemoPage(h, 'text', { t2i: cls })).toBe('unavailable');
    expect(await noticeText(h.page)).toMatch(/does not take a text prompt/);
  });
});
