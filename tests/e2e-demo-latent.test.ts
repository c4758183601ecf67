// The demo's Latent space page on the shipped emoji-vae (WebAssembly): its model list is every model of the demo's list
// whose manifest kind is 'autoencoder'; an uploaded Noto emoji comes back reconstructed beside the original with a
// PSNR above 15 dB; a walk to an uploaded Twemoji and a traversal show the frames asked for; bad settings and models
// that are not autoencoders are said in words; a reload comes back working; 390 px wide has no horizontal overflow.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canvasStats, horizontalOverflow, noticeText, openDemoPage, pastRightEdge, saveScreenshot, startDemo, waitForModel, waitForState, type DemoHarness } from '../scripts/e2e/demo.js';
import { FIXTURES_DIR, REPO } from '../scripts/e2e/model-fixtures.js';

const EMOJI = join(REPO, 'tests', 'fixtures', 'emoji');
const NOTO = join(EMOJI, 'emoji-datasource-google-16.0.0', 'package', 'img', 'google', '64', '1f436.png');
const TWEMOJI = join(EMOJI, 'emoji-datasource-twitter-16.0.0', 'package', 'img', 'twitter', '64', '1f3e0.png');

/** Folders of models/ whose manifest says 'autoencoder': what the page must offer. */
const shippedAutoencoders = () =>
  readdirSync(join(REPO, 'models'))
    .filter((d) => existsSync(join(REPO, 'models', d, 'manifest.json')))
    .filter((d) => JSON.parse(readFileSync(join(REPO, 'models', d, 'manifest.json'), 'utf8')).kind === 'autoencoder')
    .sort();

let h: DemoHarness;

beforeAll(async () => {
  h = await startDemo();
}, 300_000);

afterAll(async () => {
  await h?.close();
});

const form = (name: string) => `form[aria-label="${name}"]`;
const run = async (page: Page, name: string) => {
  await page.click(`${form(name)} button[name=generate]`);
  return waitForState(page, ['done']);
};
const psnrDb = async (page: Page) => {
  const text = (await page.textContent('[data-testid=psnr]')) ?? '';
  const m = /PSNR (\d+(?:\.\d+)?) dB/.exec(text);
  expect(m, `PSNR text: '${text}'`).not.toBeNull();
  return Number(m![1]);
};

describe('demo: latent space', () => {
  it('lists the autoencoders of the model list and reconstructs an uploaded emoji above 15 dB', async () => {
    const state = await openDemoPage(h, 'latent', { backend: 'wasm' });
    const { page } = h;
    expect(state, await noticeText(page)).toBe('ready');
    expect((await page.locator('select[name=ae-model] option').allTextContents()).sort()).toEqual(shippedAutoencoders());
    expect(await page.getAttribute('nav a[data-route=latent]', 'aria-current')).toBe('page');
    const before = await canvasStats(page, '[data-testid=original]');
    await page.setInputFiles('[data-testid=pad-upload]', NOTO);
    await page.waitForFunction((d) => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid=original]')!;
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const colours = new Set<number>();
      for (let i = 0; i < px.length; i += 4) colours.add((px[i]! << 16) | (px[i + 1]! << 8) | px[i + 2]!);
      return colours.size !== d;
    }, before.distinct);
    await run(page, 'Reconstruct');
    const recon = await canvasStats(page, '[data-testid=reconstruction]');
    expect(recon).toMatchObject({ width: 64, height: 64 });
    expect(recon.distinct).toBeGreaterThan(50);
    expect(recon.std).toBeGreaterThan(5);
    // Transparent corners stay transparent, the dog's face is opaque.
    const alpha = await page.evaluate(() => {
      const d = document.querySelector<HTMLCanvasElement>('[data-testid=reconstruction]')!.getContext('2d')!.getImageData(0, 0, 64, 64).data;
      return { corner: d[(1 * 64 + 1) * 4 + 3]!, middle: d[(32 * 64 + 32) * 4 + 3]! };
    });
    expect(alpha.corner).toBeLessThan(40);
    expect(alpha.middle).toBeGreaterThan(200);
    const db = await psnrDb(page);
    console.log(`latent page: emoji-vae reconstruction of Noto 1f436 at ${db} dB`);
    expect(db).toBeGreaterThan(15);
    // Side by side on a desktop.
    const [a, b] = await page.locator('.before-after figure').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
    expect(b.left).toBeGreaterThanOrEqual(a.right);
    expect(h.errors).toEqual([]);
  }, 240_000);

  it('walks to an uploaded picture B and traverses a dimension with the frames asked for', async () => {
    const { page } = h;
    await page.setInputFiles('[data-testid=b-upload]', TWEMOJI);
    await page.waitForFunction(() => (document.querySelector<HTMLSelectElement>('select[name=picture-b]')?.value ?? '') === 'upload');
    await page.fill('input[name=walk-frames]', '5');
    await run(page, 'Walk');
    expect(await page.locator('[data-testid=walk] canvas').count()).toBe(5);
    const first = await canvasStats(page, '[data-testid=walk] canvas:nth-child(1)');
    const last = await canvasStats(page, '[data-testid=walk] canvas:nth-child(5)');
    expect(first.distinct).toBeGreaterThan(20);
    expect(last.distinct).toBeGreaterThan(20);
    expect(Math.abs(first.std - last.std) + Math.abs(first.distinct - last.distinct)).toBeGreaterThan(0);

    await page.fill('input[name=dim]', '2');
    await page.fill('input[name=range]', '2');
    await page.fill('input[name=traverse-frames]', '4');
    await run(page, 'Traverse');
    expect(await page.locator('[data-testid=traverse] canvas').count()).toBe(4);
    expect((await page.locator('[data-testid=traverse] canvas').first().getAttribute('aria-label'))).toBe('Dimension 2, frame 1 of 4');
    expect((await canvasStats(page, '[data-testid=traverse] canvas:nth-child(4)')).distinct).toBeGreaterThan(20);
    await saveScreenshot(page, 'latent-space');
    expect(h.errors).toEqual([]);
  }, 240_000);

  it('a dimension out of range is said in words, and the page still works after it', async () => {
    const { page } = h;
    await page.fill('input[name=dim]', '9');
    await page.click(`${form('Traverse')} button[name=generate]`);
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-page]')?.dataset.state === 'error');
    expect(await noticeText(page)).toMatch(/Check the settings.*'dim' must be .*0.*3/);
    await page.fill('input[name=dim]', '1');
    await run(page, 'Traverse');
    expect(await page.locator('[data-testid=traverse] canvas').count()).toBe(4);
  }, 120_000);

  it('comes back working after a reload', async () => {
    const { page } = h;
    await page.reload();
    await waitForModel(page, 'latent');
    expect(await page.evaluate(() => document.querySelector<HTMLElement>('[data-page]')!.dataset.state), await noticeText(page)).toBe('ready');
    // The page starts on a sample picture: reconstruct it straight away.
    await page.waitForFunction(() => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid=original]')!;
      return c.getContext('2d')!.getImageData(32, 32, 1, 1).data[3]! > 0;
    });
    await run(page, 'Reconstruct');
    expect(await psnrDb(page)).toBeGreaterThan(15);
    await run(page, 'Walk');
    expect(await page.locator('[data-testid=walk] canvas').count()).toBe(8);
    expect(h.errors).toEqual([]);
  }, 240_000);

  it('says in words when the model is not an autoencoder or is not there', async () => {
    const { page } = h;
    expect(await openDemoPage(h, 'latent', { ae: '/models/mnist-dcgan' })).toBe('unavailable');
    expect(await noticeText(page)).toMatch(/'mnist-dcgan' is not an autoencoder.*gan-generator/);
    expect(await page.isDisabled(`${form('Reconstruct')} button[name=generate]`)).toBe(true);
    expect(await openDemoPage(h, 'latent', { ae: '/models/no-such-vae' })).toBe('unavailable');
    expect(await noticeText(page)).toMatch(/Model 'no-such-vae' is not available yet/);
    expect(await page.isDisabled(`${form('Walk')} button[name=generate]`)).toBe(true);
    expect(h.errors).toEqual([]);
  }, 120_000);

  it('a failed load (a damaged model file) is said in words', async () => {
    const dir = join(FIXTURES_DIR, 'emoji-vae-damaged');
    rmSync(dir, { recursive: true, force: true });
    cpSync(join(REPO, 'models', 'emoji-vae'), dir, { recursive: true });
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.onnx'))) {
      const bytes = readFileSync(join(dir, f));
      bytes[bytes.length >> 1] ^= 0x55;
      writeFileSync(join(dir, f), bytes);
    }
    const { page } = h;
    expect(await openDemoPage(h, 'latent', { ae: '/fixtures/emoji-vae-damaged', backend: 'wasm' })).toBe('error');
    expect(await noticeText(page)).toMatch(/\[error\] A model file is damaged/);
    expect(await page.isDisabled(`${form('Reconstruct')} button[name=generate]`)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('fits a 390 px wide phone: no horizontal overflow, before and after a run', async () => {
    const context = await h.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    try {
      await page.goto(`${h.url}/?backend=wasm#/latent`);
      await waitForModel(page, 'latent');
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await page.fill('input[name=walk-frames]', '16');
      await run(page, 'Walk');
      await run(page, 'Reconstruct');
      expect(await page.locator('[data-testid=walk] canvas').count()).toBe(16);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      expect(await pastRightEdge(page)).toEqual([]);
      await saveScreenshot(page, 'latent-space-390');
    } finally {
      await context.close();
    }
  }, 240_000);
});
