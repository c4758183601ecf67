import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { loadImageFolder } from '../trainer/data/image-folder.js';
import { encodePng } from '../trainer/image/encode-png.js';
import { DataError } from '../trainer/errors/data-error.js';

const root = mkdtempSync(join(tmpdir(), 'webgen-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
/** A fresh folder with `files` (name → bytes or text). */
function folder(files: Record<string, Uint8Array | string>): string {
  const dir = join(root, `f${n++}`);
  mkdirSync(dir);
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
  return dir;
}
/** A w×h PNG of one RGB colour. */
const flatPng = (w: number, h: number, rgb: [number, number, number]) =>
  encodePng(Uint8Array.from({ length: w * h * 3 }, (_, i) => rgb[i % 3]!), w, h);

const errorOf = async (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as Error);

describe('image folder data set', () => {
  it('loads PNG and JPEG files sorted by name, resized, with captions and labels', async () => {
    const jpg = new Uint8Array(24 * 24 * 4);
    for (let i = 0; i < 24 * 24; i++) jpg.set([30, 60, 220, 255], 4 * i);
    const dir = folder({
      'b.png': flatPng(64, 64, [255, 0, 0]),
      'a.jpg': jpeg.encode({ width: 24, height: 24, data: jpg }, 95).data,
      'c.PNG': flatPng(8, 8, [0, 255, 0]),
      'notes.txt': 'ignored',
      'captions.jsonl': '{"file": "b.png", "caption": "a red square", "label": 1}\n\n{"file": "a.jpg", "caption": "blue", "label": 0}\n',
    });
    const ds = await loadImageFolder(dir, { width: 16, height: 16 });
    expect([ds.size, ds.width, ds.height, ds.channels, ds.numClasses]).toEqual([3, 16, 16, 3, 2]);
    const [a, b, c] = [ds.get(0), ds.get(1), ds.get(2)];
    expect(a.attributes!.file).toBe('a.jpg');
    expect(b).toMatchObject({ caption: 'a red square', label: 1, attributes: { file: 'b.png' } });
    expect(c.caption).toBeUndefined();
    expect(c.label).toBeUndefined();
    expect(b.image.length).toBe(16 * 16 * 3);
    expect([...b.image.subarray(0, 3)]).toEqual([1, -1, -1]);
    expect(Math.abs(a.image[2]! - (220 / 127.5 - 1))).toBeLessThan(0.06); // JPEG is lossy
    expect([...c.image.subarray(3 * 100, 3 * 100 + 3)]).toEqual([-1, 1, -1]); // 8→16 upscale of a flat image
    expect(ds.describe()).toMatchObject({ source: 'image-folder', count: 3, captioned: 2 });
    expect(ds.describe().md5).toMatch(/^[0-9a-f]{32}$/);
  });

  it('maps string labels to sorted class names', async () => {
    const dir = folder({
      'x.png': flatPng(4, 4, [0, 0, 0]),
      'y.png': flatPng(4, 4, [0, 0, 0]),
      'captions.jsonl': '{"file": "x.png", "label": "dog"}\n{"file": "y.png", "label": "cat"}\n',
    });
    const ds = await loadImageFolder(dir, { width: 4, height: 4 });
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect([ds.get(0).label, ds.get(1).label]).toEqual([1, 0]);
  });

  it('converts to gray, centre-crops wide images, and composites alpha over white', async () => {
    // 6x2: left/right thirds black, middle 2x2 white.
    const wide = new Uint8Array(6 * 2 * 4);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 6; x++) wide.set(x >= 2 && x < 4 ? [255, 255, 255, 255] : [0, 0, 0, 255], 4 * (y * 6 + x));
    const clear = new Uint8Array(2 * 2 * 4); // fully transparent
    const dir = folder({ 'wide.png': encodePng(wide, 6, 2), 'clear.png': encodePng(clear, 2, 2) });
    const crop = await loadImageFolder(dir, { width: 2, height: 2, channels: 1 });
    expect(crop.channels).toBe(1);
    expect([...crop.get(1).image]).toEqual([1, 1, 1, 1]); // crop kept only the white middle
    expect([...crop.get(0).image]).toEqual([1, 1, 1, 1]); // transparent → white
    const stretch = await loadImageFolder(dir, { width: 3, height: 1, channels: 1, fit: 'stretch', alphaBackground: 'black' });
    // 6 → 3 columns with the SDK's antialiased bilinear (support 2): the edges read 0.25·255 / 1.75 = 36 of the white
    // middle, the centre 0.75·255·2 / 2 = 191 (bytes, then [-1, 1]).
    expect([...stretch.get(1).image].map((v) => Math.round((v + 1) * 127.5))).toEqual([36, 191, 36]);
    expect([...stretch.get(0).image]).toEqual([-1, -1, -1]);
  });

  it('names a missing folder, a file given as folder, and an empty folder', async () => {
    const missing = join(root, 'missing');
    expect(await errorOf(loadImageFolder(missing))).toEqual(new DataError(missing, 'image folder not found'));
    const dir = folder({ 'readme.txt': 'no images' });
    expect((await errorOf(loadImageFolder(join(dir, 'readme.txt'))))!.message).toMatch(/is a file, not a folder/);
    expect((await errorOf(loadImageFolder(dir)))!.message).toBe(`${dir}: folder has no .png, .jpg or .jpeg images`);
  });

  it('names an undecodable image', async () => {
    const dir = folder({ 'ok.png': flatPng(2, 2, [1, 2, 3]), 'bad.png': 'not really a png' });
    const err = await errorOf(loadImageFolder(dir));
    expect(err).toBeInstanceOf(DataError);
    expect(err!.message).toContain(join(dir, 'bad.png'));
    expect(err!.message).toMatch(/not a PNG or JPEG/);
  });

  it('names the captions file and line of a bad JSONL line', async () => {
    const img = { 'a.png': flatPng(2, 2, [1, 2, 3]) };
    const cases: Array<[string, RegExp]> = [
      ['{"file": "a.png", "caption": "ok"}\n{"file": "a.png", oops}\n', /captions\.jsonl: line 2: not valid JSON/],
      ['\n\n["a.png"]\n', /line 3: expected an object/],
      ['{"caption": "no file"}\n', /line 1: missing "file"/],
      ['{"file": "a.png", "caption": 5}\n', /line 1: "caption" must be a string/],
      ['{"file": "a.png", "label": -1}\n', /line 1: "label" must be a non-negative integer/],
      ['{"file": "a.png"}\n', /line 1: needs "caption" or "label"/],
      ['{"file": "a.png", "caption": "x"}\n{"file": "a.png", "caption": "y"}\n', /line 2: "a\.png" is listed twice/],
    ];
    for (const [text, pattern] of cases) {
      const dir = folder({ ...img, 'captions.jsonl': text });
      const err = await errorOf(loadImageFolder(dir));
      expect(err).toBeInstanceOf(DataError);
      expect(err!.message).toMatch(pattern);
      expect((err as DataError).path).toBe(join(dir, 'captions.jsonl'));
    }
  });

  it('names a caption for a file that is not in the folder', async () => {
    const dir = folder({ 'a.png': flatPng(2, 2, [1, 2, 3]), 'captions.jsonl': '{"file": "gone.png", "caption": "x"}\n' });
    expect((await errorOf(loadImageFolder(dir)))!.message).toMatch(/entry for "gone\.png", which is not an image/);
  });
});
