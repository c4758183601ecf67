// The demo's CLIP features in Chromium (WebAssembly) with the smoke CLIP (tests/helpers/clip-smoke.ts): the Ask the model
// page reads the ~1,900 emoji names once, then ranks a picked sample, a drawing and labels typed by the visitor (five
// at most, sorted, probabilities summing to at most 1, a typed list to 1); a model that is not there, or not a CLIP,
// is said in words; a reload comes back working; 390 px wide has no horizontal overflow. Under text-to-image results,
// a CLIP trained on the generator's data gives each image its CLIP score (the Node entry's score of the same pixels);
// a CLIP of other data gives a note and no score.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { horizontalOverflow, noticeText, openDemoPage, pastRightEdge, saveScreenshot, startDemo, waitForModel, waitForState, type DemoHarness } from '../scripts/e2e/demo.js';
import { fixtureUrl } from '../scripts/e2e/harness.js';
import { FIXTURES_DIR, fixtureModel, REPO } from '../scripts/e2e/model-fixtures.js';
import { createClip, type Clip } from '../sdk/node.js';
import { exportSmokeClip } from './helpers/clip-smoke.js';

const NAMES: string[] = JSON.parse(readFileSync(join(REPO, 'demo', 'samples', 'emoji-names.json'), 'utf8'));
const SCRATCH = join(FIXTURES_DIR, `demo-clip-${process.pid}`);
/** The smoke CLIP as exported: its manifest names no training data. */
const CLIP_DIR = join(SCRATCH, 'clip-smoke');
/** The same CLIP, and a copy of the text fixture, whose manifests both say they learned 'emoji'. */
const CLIP_EMOJI_DIR = join(SCRATCH, 'clip-emoji');
const T2I_EMOJI_DIR = join(SCRATCH, 't2i-emoji');
const url = (dir: string) => fixtureUrl(dir);

let h: DemoHarness;
let node: Clip;
let t2i: string;

/** Copies a model folder, its manifest's training.config.data set to `data`. */
function withTrainingData(from: string, to: string, data: string): void {
  cpSync(from, to, { recursive: true });
  const m = JSON.parse(readFileSync(join(to, 'manifest.json'), 'utf8'));
  m.training.config = { ...m.training.config, data };
  writeFileSync(join(to, 'manifest.json'), JSON.stringify(m, null, 2));
}

beforeAll(async () => {
  mkdirSync(SCRATCH, { recursive: true });
  await exportSmokeClip(CLIP_DIR);
  const text = await fixtureModel('text');
  t2i = fixtureUrl(text);
  withTrainingData(CLIP_DIR, CLIP_EMOJI_DIR, 'emoji');
  withTrainingData(text, T2I_EMOJI_DIR, 'emoji:train');
  node = await createClip({ model: CLIP_EMOJI_DIR });
  h = await startDemo();
}, 300_000);

afterAll(async () => {
  await node?.dispose();
  await h?.close();
  rmSync(SCRATCH, { recursive: true, force: true });
});

interface Row {
  label: string;
  probability: number;
}

/** Waits for the answer to `source` ('sample:<file>' or 'picture') over `labels` ('emoji' or 'own'); returns its rows. */
async function answer(page: Page, source: string, labels: 'emoji' | 'own'): Promise<Row[]> {
  await page.waitForFunction(
    ([s, l]) => {
      const r = document.querySelector<HTMLElement>('[data-testid=ranking]');
      const state = document.querySelector<HTMLElement>('[data-page]')?.dataset.state;
      return state === 'error' || (r?.dataset.for === s && r.dataset.labels === l && state === 'done');
    },
    [source, labels] as const,
    { timeout: 120_000 },
  );
  expect(await page.evaluate(() => document.querySelector<HTMLElement>('[data-page]')!.dataset.state), await noticeText(page)).toBe('done');
  return page.locator('[data-testid=ranking] li').evaluateAll((els) => els.map((e) => ({ label: (e as HTMLElement).dataset.label!, probability: Number((e as HTMLElement).dataset.probability) })));
}

/** Ranked, most probable first, probabilities in (0, 1] summing to at most 1. */
function expectRanked(rows: Row[]): void {
  for (const r of rows) expect(r.probability).toBeGreaterThan(0);
  for (let i = 1; i < rows.length; i++) expect(rows[i]!.probability).toBeLessThanOrEqual(rows[i - 1]!.probability);
  expect(rows.reduce((s, r) => s + r.probability, 0)).toBeLessThanOrEqual(1 + 1e-9);
}


describe('demo: ask the model', () => {
  it('reads the emoji names once and ranks a picked sample: five names, sorted, summing to at most 1', async () => {
    const state = await openDemoPage(h, 'ask', { clip: url(CLIP_DIR), backend: 'wasm' });
    const { page } = h;
    expect(['ready', 'running', 'done'], await noticeText(page)).toContain(state);
    expect(await page.getAttribute('nav a[data-route=ask]', 'aria-current')).toBe('page');
    expect(await page.textContent('#backend-badge')).toMatch(/^WASM · \d+ threads?$/);
    expect(await page.textContent('[data-testid=names-status]')).toMatch(/^1,910 emoji names, read in [\d.]+ m?s\.$/);
    // It starts on the first sample and answers it.
    expect((await answer(page, 'sample:noto-1f600.png', 'emoji')).length).toBe(5);
    await page.click('button[name=sample][value="noto-1f34e.png"]');
    const rows = await answer(page, 'sample:noto-1f34e.png', 'emoji');
    expect(rows.length).toBe(5);
    for (const r of rows) expect(NAMES).toContain(r.label);
    expectRanked(rows);
    expect(await page.locator('[data-testid=ranking] .prob').allTextContents()).toEqual(rows.map(() => expect.stringMatching(/^(\d+\.\d%|<0\.1%)$/)));
    expect(await page.textContent('[data-testid=ask-stats]')).toMatch(/^Top 5 of 1,910 emoji names · [\d.]+ m?s$/);
    expect(h.errors).toEqual([]);
  }, 240_000);

  it('a drawing on the pad is asked about too', async () => {
    const { page } = h;
    const box = (await page.locator('.pad canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.7, { steps: 8 });
    await page.mouse.up();
    const rows = await answer(page, 'picture', 'emoji');
    expect(rows.length).toBe(5);
    expectRanked(rows);
  }, 120_000);

  it('ranks labels typed by the visitor (zeroShot): all of them, sorted, summing to 1', async () => {
    const { page } = h;
    await page.fill('input[name=labels]', ' red apple, cat face,pizza , rocket, Pizza,');
    await page.click('form[aria-label=Ask] button[name=generate]');
    const rows = await answer(page, 'picture', 'own');
    expect(rows.map((r) => r.label).sort()).toEqual(['cat face', 'pizza', 'red apple', 'rocket']);
    expectRanked(rows);
    expect(rows.reduce((s, r) => s + r.probability, 0)).toBeCloseTo(1, 5);
    expect(await page.textContent('[data-testid=ask-stats]')).toMatch(/^4 labels of your own · /);
    // A new picture keeps the visitor's labels.
    await page.click('button[name=sample][value="twemoji-1f431.png"]');
    expect((await answer(page, 'sample:twemoji-1f431.png', 'own')).length).toBe(4);
    await saveScreenshot(page, 'ask-model');
    // Emptied, the emoji names are back.
    await page.fill('input[name=labels]', '');
    await page.click('form[aria-label=Ask] button[name=generate]');
    expect((await answer(page, 'sample:twemoji-1f431.png', 'emoji')).length).toBe(5);
    expect(h.errors).toEqual([]);
  }, 120_000);

  it('comes back working after a reload', async () => {
    const { page } = h;
    await page.reload();
    await waitForModel(page, 'ask');
    const rows = await answer(page, 'sample:noto-1f600.png', 'emoji');
    expect(rows.length).toBe(5);
    expectRanked(rows);
    await page.click('button[name=sample][value="twemoji-2b50.png"]');
    expect((await answer(page, 'sample:twemoji-2b50.png', 'emoji')).length).toBe(5);
    expect(h.errors).toEqual([]);
  }, 240_000);

  it('says in words when the CLIP model is not there, or is not a CLIP model', async () => {
    const { page } = h;
    expect(await openDemoPage(h, 'ask', { clip: '/models/no-such-clip' })).toBe('unavailable');
    expect(await noticeText(page)).toMatch(/Model 'no-such-clip' is not available yet/);
    expect(await page.isDisabled('form[aria-label=Ask] button[name=generate]')).toBe(true);
    expect(await openDemoPage(h, 'ask', { clip: '/models/mnist-dcgan' })).toBe('unavailable');
    expect(await noticeText(page)).toMatch(/'mnist-dcgan' is not a CLIP model.*gan-generator/);
    if (existsSync(join(REPO, 'models', 'emoji-clip', 'manifest.json'))) {
      // The demo's own list finds the shipped CLIP (and the page starts on its first sample at once).
      expect(['ready', 'running', 'done']).toContain(await openDemoPage(h, 'ask', { backend: 'wasm' }));
      expect(await noticeText(page)).not.toMatch(/not available/);
    } else {
      // The demo's own list, before emoji-clip is exported.
      expect(await openDemoPage(h, 'ask')).toBe('unavailable');
      expect(await noticeText(page)).toMatch(/No CLIP model is available yet.*\/models\/emoji-clip.*webgen-train clip emoji-clip --export models\/emoji-clip/);
      expect(await page.isDisabled('form[aria-label=Ask] button[name=generate]')).toBe(true);
    }
    expect(h.errors).toEqual([]);
  }, 120_000);

  it('fits a 390 px wide phone: no horizontal overflow, with its answer shown', async () => {
    const context = await h.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    try {
      await page.goto(`${h.url}/?backend=wasm&clip=${encodeURIComponent(url(CLIP_DIR))}#/ask`);
      await waitForModel(page, 'ask');
      expect((await answer(page, 'sample:noto-1f600.png', 'emoji')).length).toBe(5);
      await page.tap('button[name=sample][value="noto-1f680.png"]');
      expect((await answer(page, 'sample:noto-1f680.png', 'emoji')).length).toBe(5);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      expect(await pastRightEdge(page)).toEqual([]);
      await saveScreenshot(page, 'ask-model-390');
    } finally {
      await context.close();
    }
  }, 240_000);
});

describe('demo: CLIP score under text-to-image results', () => {
  const generate = async (page: Page, batch: number) => {
    await page.fill('input[name=steps]', '3');
    await page.fill('input[name=batch]', String(batch));
    await page.fill('input[name=seed]', '5');
    await page.click('button[name=generate]');
    await waitForState(page, ['done']);
  };

  it("a CLIP trained on the generator's data scores each image as the Node entry scores its pixels", async () => {
    expect(await openDemoPage(h, 'text', { t2i: url(T2I_EMOJI_DIR), clip: url(CLIP_EMOJI_DIR), backend: 'wasm' })).toBe('ready');
    const { page } = h;
    await page.waitForFunction(() => /^CLIP score by clip-smoke \(trained on emoji, as fixture-text\): .*0 to 100\.$/.test(document.querySelector('[data-testid=clip-note]')?.textContent ?? ''));
    await page.locator('.chips button').first().click();
    const prompt = await page.inputValue('input[name=prompt]');
    await generate(page, 2);
    const shown = await page.locator('[data-testid=clip-score]').allTextContents();
    expect(shown).toEqual([expect.stringMatching(/^CLIP score \d+\.\d$/), expect.stringMatching(/^CLIP score \d+\.\d$/)]);
    const pixels = await page.locator('.image-grid canvas').evaluateAll((cs) =>
      cs.map((c) => {
        const canvas = c as HTMLCanvasElement;
        return { width: canvas.width, height: canvas.height, data: Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data) };
      }),
    );
    const expected = await node.clipScore(pixels.map((p) => ({ width: p.width, height: p.height, data: Uint8ClampedArray.from(p.data) })), pixels.map(() => prompt));
    shown.forEach((text, i) => {
      const s = Number(/(\d+\.\d)$/.exec(text)![1]);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(100);
      expect(Math.abs(s - expected[i]!), `${text} vs ${expected[i]}`).toBeLessThanOrEqual(0.1);
    });
    await saveScreenshot(page, 'text-to-image-clip-score');
    expect(h.errors).toEqual([]);
  }, 240_000);

  it('a CLIP of other data: a note saying why, no score, and the CLIP is not loaded', async () => {
    const loads: string[] = [];
    const { page } = h;
    const listen = (r: { url(): string }) => void (/\.onnx$/.test(r.url()) && loads.push(r.url()));
    page.on('request', listen);
    try {
      expect(await openDemoPage(h, 'text', { t2i, clip: url(CLIP_DIR), backend: 'wasm' })).toBe('ready');
      await page.waitForFunction(() => !(document.querySelector<HTMLElement>('[data-testid=clip-note]')?.hidden ?? true));
      expect(await page.textContent('[data-testid=clip-note]')).toBe(
        'No CLIP score: clip-smoke learned data its manifest does not name, and fixture-text draws data its manifest does not name. A CLIP scores only pictures of the kind it was trained on.',
      );
      await generate(page, 1);
      expect(await page.locator('.image-grid canvas').count()).toBe(1);
      expect(await page.locator('[data-testid=clip-score]').count()).toBe(0);
      expect(loads.filter((u) => u.includes('/clip-smoke/'))).toEqual([]);
    } finally {
      page.off('request', listen);
    }
  }, 240_000);

  it('with no CLIP model on the server there is neither note nor score', async () => {
    const { page } = h;
    // ?clip= names the only candidate, and it is not there (so this holds whether or not models/emoji-clip is)
    expect(await openDemoPage(h, 'text', { t2i, backend: 'wasm', clip: '/models/no-such-clip' })).toBe('ready');
    await generate(page, 1);
    expect(await page.isHidden('[data-testid=clip-note]')).toBe(true);
    expect(await page.locator('[data-testid=clip-score]').count()).toBe(0);
    expect(h.errors).toEqual([]);
  }, 240_000);
});
