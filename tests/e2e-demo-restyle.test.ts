// The demo's Restyle page (issue 23) on the smoke translator (WebAssembly), exported into a temp folder under the
// served fixtures and named with ?translator=: an uploaded Noto emoji comes back translated beside the picture, the
// styles named from the manifest and the result the model's size; a CycleGAN's two folders, both named, are its two
// directions to switch between in the select; a model that is not a translator is said in words.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { PNG } from 'pngjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canvasStats, noticeText, openDemoPage, startDemo, waitForState, type DemoHarness } from '../scripts/e2e/demo.js';
import { FIXTURES_DIR, REPO } from '../scripts/e2e/model-fixtures.js';
import { exportTranslatorFixture } from '../scripts/e2e/translator-fixture.js';

const NOTO = join(REPO, 'tests', 'fixtures', 'emoji', 'emoji-datasource-google-16.0.0', 'package', 'img', 'google', '64', '1f436.png');
const TWEMOJI = join(REPO, 'tests', 'fixtures', 'emoji', 'emoji-datasource-twitter-16.0.0', 'package', 'img', 'twitter', '64', '1f436.png');

const read = (p: string) => Array.from(PNG.sync.read(readFileSync(p)).data);
// as seen: RGB composited over white (colours under alpha 0 are invisible, and differ between the PNGs and a canvas)
const seen = (a: number[]) => a.flatMap((v, i) => (i % 4 === 3 ? [] : [v * (a[i - (i % 4) + 3]! / 255) + 255 * (1 - a[i - (i % 4) + 3]! / 255)]));
/** Mean |a − b| of two RGBA pictures as seen over white, 0–255. */
const l1 = (a: number[], b: number[]) => {
  const [x, y] = [seen(a), seen(b)];
  return x.reduce((s, v, i) => s + Math.abs(v - y[i]!), 0) / x.length;
};
const CYCLEGAN_BACK = join(REPO, 'models', 'emoji-cyclegan', 'twemoji-to-noto');

let h: DemoHarness;
let dir: string;
let url: string;
let back: string;

beforeAll(async () => {
  mkdirSync(FIXTURES_DIR, { recursive: true });
  dir = mkdtempSync(join(FIXTURES_DIR, 'restyle-'));
  await exportTranslatorFixture(join(dir, 'noto-to-twemoji'));
  await exportTranslatorFixture(join(dir, 'twemoji-to-noto'), { source: 'twemoji', target: 'noto', name: 'fixture-twemoji-to-noto' });
  url = `/fixtures/${dir.slice(FIXTURES_DIR.length + 1)}/noto-to-twemoji`;
  back = `/fixtures/${dir.slice(FIXTURES_DIR.length + 1)}/twemoji-to-noto`;
  h = await startDemo();
}, 300_000);

afterAll(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('demo: restyle', () => {
  it('translates an uploaded emoji with the translator named by ?translator=, naming its styles', async () => {
    const state = await openDemoPage(h, 'restyle', { translator: url, backend: 'wasm' });
    const { page } = h;
    expect(state, await noticeText(page)).toBe('ready');
    expect(await page.getAttribute('nav a[data-route=restyle]', 'aria-current')).toBe('page');
    expect(await page.locator('select[name=translator-model] option').allTextContents()).toEqual(['fixture-translator']);
    expect(await page.textContent('.before-after')).toMatch(/Your picture \(noto\).*Restyled \(twemoji\)/);
    await page.setInputFiles('[data-testid=pad-upload]', NOTO);
    await page.click('form[aria-label="Restyle"] button[name=generate]');
    expect(await waitForState(page, ['done']), await noticeText(page)).toBe('done');
    const out = await canvasStats(page, '[data-testid=restyled]');
    expect(out).toMatchObject({ width: 16, height: 16 });
    expect(out.distinct).toBeGreaterThan(10); // the initial weights still draw a varied picture, not a blank one
    expect(await page.textContent('[data-testid=restyle-stats]')).toMatch(/^noto → twemoji · \d+ ms$/);
    expect(h.errors).toEqual([]);
  }, 240_000);

  it('opens the shipped emoji-pix2pix by default: the dog comes back closer to the true Twemoji dog than it went in', async () => {
    if (!existsSync(join(REPO, 'models', 'emoji-pix2pix', 'manifest.json'))) {
      // not exported in this checkout: the page must say so, not break
      expect(await openDemoPage(h, 'restyle', { backend: 'wasm' })).toBe('unavailable');
      return;
    }
    const state = await openDemoPage(h, 'restyle', { backend: 'wasm' });
    const { page } = h;
    expect(state, await noticeText(page)).toBe('ready');
    // every shipped translator of the demo's list, pix2pix first (the default)
    const shipped = ['emoji-pix2pix', 'emoji-cyclegan/noto-to-twemoji', 'emoji-cyclegan/twemoji-to-noto']
      .filter((m) => existsSync(join(REPO, 'models', m, 'manifest.json')))
      .map((m) => JSON.parse(readFileSync(join(REPO, 'models', m, 'manifest.json'), 'utf8')).name as string);
    expect(await page.locator('select[name=translator-model] option').allTextContents()).toEqual(shipped);
    await page.setInputFiles('[data-testid=pad-upload]', NOTO);
    await page.click('form[aria-label="Restyle"] button[name=generate]');
    expect(await waitForState(page, ['done']), await noticeText(page)).toBe('done');
    const out: number[] = await page.evaluate(`Array.from(document.querySelector('[data-testid=restyled]').getContext('2d').getImageData(0, 0, 64, 64).data)`);
    const noto = read(NOTO);
    const twemoji = read(TWEMOJI);
    const before = l1(noto, twemoji);
    const after = l1(out, twemoji);
    console.log(`restyle emoji-pix2pix, 1f436: mean |twemoji − picture| over white ${before.toFixed(1)} (noto) → ${after.toFixed(1)} (translated), 0–255`);
    expect(after).toBeLessThan(before);
    expect(h.errors).toEqual([]);
  }, 240_000);

  it('?translator= with both folders of a two-direction model offers both directions and switches between them', async () => {
    const state = await openDemoPage(h, 'restyle', { translator: `${url},${back}`, backend: 'wasm' });
    const { page } = h;
    expect(state, await noticeText(page)).toBe('ready');
    expect(await page.locator('select[name=translator-model] option').allTextContents()).toEqual(['fixture-translator', 'fixture-twemoji-to-noto']);
    expect(await page.isDisabled('select[name=translator-model]')).toBe(false);
    await page.selectOption('select[name=translator-model]', back);
    expect(await waitForState(page, ['ready']), await noticeText(page)).toBe('ready');
    expect(await page.textContent('.before-after')).toMatch(/Your picture \(twemoji\).*Restyled \(noto\)/);
    await page.click('form[aria-label="Restyle"] button[name=generate]');
    expect(await waitForState(page, ['done']), await noticeText(page)).toBe('done');
    expect(await page.textContent('[data-testid=restyle-stats]')).toMatch(/^twemoji → noto · \d+ ms$/);
    expect(h.errors).toEqual([]);
  }, 240_000);

  it('the shipped CycleGAN pair: its Twemoji → Noto direction, picked in the select, brings the Twemoji dog closer to the Noto dog', async () => {
    if (!existsSync(join(CYCLEGAN_BACK, 'manifest.json'))) {
      expect(await openDemoPage(h, 'restyle', { translator: '/models/emoji-cyclegan/twemoji-to-noto', backend: 'wasm' })).toBe('unavailable');
      return;
    }
    const state = await openDemoPage(h, 'restyle', { backend: 'wasm' });
    const { page } = h;
    expect(state, await noticeText(page)).toBe('ready');
    await page.selectOption('select[name=translator-model]', '/models/emoji-cyclegan/twemoji-to-noto');
    expect(await waitForState(page, ['ready']), await noticeText(page)).toBe('ready');
    expect(await page.textContent('.before-after')).toMatch(/Your picture \(twemoji\).*Restyled \(noto\)/);
    await page.setInputFiles('[data-testid=pad-upload]', TWEMOJI);
    await page.click('form[aria-label="Restyle"] button[name=generate]');
    expect(await waitForState(page, ['done']), await noticeText(page)).toBe('done');
    expect(await page.textContent('[data-testid=restyle-stats]')).toMatch(/^twemoji → noto · \d+ ms$/);
    const out: number[] = await page.evaluate(`Array.from(document.querySelector('[data-testid=restyled]').getContext('2d').getImageData(0, 0, 64, 64).data)`);
    const [noto, twemoji] = [read(NOTO), read(TWEMOJI)];
    const before = l1(twemoji, noto);
    const after = l1(out, noto);
    console.log(`restyle emoji-cyclegan twemoji-to-noto, 1f436: mean |noto − picture| over white ${before.toFixed(1)} (twemoji) → ${after.toFixed(1)} (translated), 0–255`);
    expect(after).toBeLessThan(before);
    expect(h.errors).toEqual([]);
  }, 240_000);

  it('says in words when ?translator= names a model of another kind', async () => {
    const state = await openDemoPage(h, 'restyle', { translator: '/models/mnist-classifier', backend: 'wasm' });
    expect(state).toBe('unavailable');
    expect(await noticeText(h.page)).toMatch(/'mnist-classifier' is not a translator.*kind 'translator' such as emoji-pix2pix/);
  }, 120_000);
});
