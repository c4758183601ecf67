// The demo's img2img page with the tiny text-conditioned fixture: draw on the pad (mouse strokes) or upload a PNG,
// set strength and prompt, and get a non-blank "after" beside the "before"; strength 0 keeps the picture.
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canvasStats, noticeText, openDemoPage, saveScreenshot, startDemo, waitForState, type DemoHarness } from '../scripts/e2e/demo.js';
import { fixtureUrl } from '../scripts/e2e/harness.js';
import { fixtureModel } from '../scripts/e2e/model-fixtures.js';

let h: DemoHarness;
let model: string;

/** A 48x48 PNG: left half green, right half blue. */
function twoTonePng(): Buffer {
  const png = new PNG({ width: 48, height: 48 });
  for (let y = 0; y < 48; y++) {
    for (let x = 0; x < 48; x++) {
      const i = (y * 48 + x) * 4;
      png.data.set(x < 24 ? [0, 200, 0, 255] : [0, 0, 220, 255], i);
    }
  }
  return PNG.sync.write(png);
}

/** The "before" canvas's average colour of its left and right halves. */
const halves = (page: DemoHarness['page']) =>
  page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('[data-testid=before]')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const avg = (x0: number, x1: number) => {
      const s = [0, 0, 0];
      let n = 0;
      for (let y = 0; y < c.height; y++) for (let x = x0; x < x1; x++) for (let k = 0; k < 3; k++) (s[k]! += d[(y * c.width + x) * 4 + k]!), k === 0 && n++;
      return s.map((v) => Math.round(v / n));
    };
    return { left: avg(2, c.width / 2 - 2), right: avg(c.width / 2 + 2, c.width - 2) };
  });

beforeAll(async () => {
  model = fixtureUrl(await fixtureModel('text'));
  h = await startDemo();
}, 300_000);

afterAll(async () => {
  await h?.close();
});

describe('demo: img2img', () => {
  it('redraws a drawing on the pad: before and after side by side, after non-blank', async () => {
    expect(await openDemoPage(h, 'img2img', { t2i: model })).toBe('ready');
    const { page } = h;
    const before0 = await canvasStats(page, '[data-testid=before]');
    // Draw a stroke across the pad with the mouse (pointer events), in blue.
    await page.click('button[aria-label="Colour #1e88e5"]');
    const box = (await page.locator('.pad canvas').boundingBox())!;
    await page.mouse.move(box.x + 10, box.y + 10);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 10, box.y + box.height - 10, { steps: 8 });
    await page.mouse.up();
    const before1 = await canvasStats(page, '[data-testid=before]');
    expect(before1.distinct).toBeGreaterThan(before0.distinct);
    await page.fill('input[name=prompt]', 'a blue star');
    await page.fill('input[name=strength]', '0.8');
    await page.fill('input[name=steps]', '10');
    await page.click('button[name=generate]');
    await waitForState(page, ['done']);
    const after = await canvasStats(page, '[data-testid=after]');
    expect(after).toMatchObject({ width: 32, height: 32 });
    expect(after.distinct).toBeGreaterThan(50);
    expect(after.std).toBeGreaterThan(5);
    // Side by side on a desktop.
    const [b, a] = await page.locator('.before-after figure').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
    expect(a.left).toBeGreaterThanOrEqual(b.right);
    expect(Math.abs(a.top - b.top)).toBeLessThan(2);
    await saveScreenshot(page, 'img2img');
    expect(h.errors).toEqual([]);
  });

  it('a file that is not a picture gives one clear notice and keeps the pad; a good upload clears it', async () => {
    const { page } = h;
    const pad = () => page.evaluate(() => document.querySelector<HTMLCanvasElement>('.pad canvas')!.toDataURL());
    const before = await pad();
    await page.setInputFiles('[data-testid=pad-upload]', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
    await page.waitForFunction(() => /That file is not a picture/.test(document.querySelector('.notices')?.textContent ?? ''));
    expect(await noticeText(page)).toMatch(/That file is not a picture.*“notes\.txt” \(text\/plain\) is not a picture this browser can read.*Upload a PNG, JPEG, WebP or GIF/);
    expect(await noticeText(page)).not.toMatch(/Something went wrong/);
    expect(await pad()).toBe(before);
    expect(h.errors).toEqual([]);
  });

  it('an uploaded image replaces the pad; strength 0 gives it back unchanged', async () => {
    const { page } = h;
    await page.setInputFiles('[data-testid=pad-upload]', { name: 'two-tone.png', mimeType: 'image/png', buffer: twoTonePng() });
    await page.waitForFunction(() => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid=before]')!;
      const d = c.getContext('2d')!.getImageData(2, 16, 1, 1).data;
      return d[1]! > 150 && d[0]! < 60;
    });
    expect(await noticeText(page)).not.toMatch(/That file is not a picture/);
    const { left, right } = await halves(page);
    expect(left[1]).toBeGreaterThan(150);
    expect(right[2]).toBeGreaterThan(150);
    await page.fill('input[name=strength]', '0');
    await page.click('button[name=generate]');
    await waitForState(page, ['done']);
    const same = await page.evaluate(() => {
      const get = (sel: string) => {
        const c = document.querySelector<HTMLCanvasElement>(sel)!;
        return c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      };
      const [x, y] = [get('[data-testid=before]'), get('[data-testid=after]')];
      let m = 0;
      for (let i = 0; i < x.length; i++) if (i % 4 !== 3) m += Math.abs(x[i]! - y[i]!);
      return m / ((x.length * 3) / 4);
    });
    // The SDK resizes with its own antialiased filter, the page with the canvas': close, not equal.
    expect(same).toBeLessThan(12);
  });
});
