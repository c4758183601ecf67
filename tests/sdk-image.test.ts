// Pixels in and out of the SDK: model space ↔ RGBA, resizing, PNG encoding, sha256 (pure code, no model).
import { createHash } from 'node:crypto';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { GeneratedImage } from '../sdk/node.js'; // the Node entry installs the pngjs encoder
import { checkRgba, MAX_IMAGE_PIXELS, readImageInput } from '../sdk/image/image-input.js';
import { rgbaBatchToModel, rgbaImageToModel } from '../sdk/image/model-input.js';
import { modelToRgba, rgbaToModel } from '../sdk/image/pixels.js';
import { resizeRgba } from '../sdk/image/resize.js';
import { sha256Hex, sha256HexSync } from '../sdk/loader/sha256.js';
import { InvalidInputError } from '../sdk/errors/invalid-input-error.js';
import { Rng } from '../sdk/random/rng.js';

function randomRgba(w: number, h: number, seed: number): Uint8ClampedArray {
  const rng = new Rng(seed);
  return Uint8ClampedArray.from({ length: w * h * 4 }, (_, i) => (i % 4 === 3 ? 255 : rng.int(256)));
}

describe('model space ↔ RGBA', () => {
  it('maps the range ends to 0 and 255 and rounds in between (RGB, NCHW planes)', () => {
    // [1, 3, 1, 2]: pixel 0 = (-1, 0, 1), pixel 1 = (1, -1, 0.5)
    const x = Float32Array.from([-1, 1, 0, -1, 1, 0.5]);
    const rgba = modelToRgba(x, 0, 3, 1, 2, [-1, 1]);
    expect([...rgba]).toEqual([0, 128, 255, 255, 255, 0, 191, 255]);
  });

  it('clamps values outside the range and writes grey models to R = G = B', () => {
    const rgba = modelToRgba(Float32Array.from([-3, 2.5]), 0, 1, 1, 2, [-1, 1]);
    expect([...rgba]).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  });

  it('reads image i of a batch', () => {
    const x = Float32Array.from([-1, -1, 1, 1]); // [2, 1, 1, 2]
    expect([...modelToRgba(x, 1, 1, 1, 2, [-1, 1])]).toEqual([255, 255, 255, 255, 255, 255, 255, 255]);
  });

  it('round-trips RGB bytes exactly through [-1, 1] and [0, 1]', () => {
    const rgba = randomRgba(5, 4, 1);
    for (const range of [[-1, 1], [0, 1]] as const) {
      const back = modelToRgba(rgbaToModel(rgba, 5, 4, 3, range), 0, 3, 4, 5, range);
      expect([...back]).toEqual([...rgba]);
    }
  });

  it('reads grey as BT.601 luma rounded to a byte, as the trainer and FID do', () => {
    const x = rgbaToModel(Uint8ClampedArray.from([255, 0, 0, 255, 0, 0, 255, 255]), 2, 1, 1, [0, 1]);
    expect(x[0]).toBeCloseTo(Math.round(0.299 * 255) / 255, 6); // 76.245 → 76
    expect(x[1]).toBeCloseTo(Math.round(0.114 * 255) / 255, 6); // 29.07 → 29
  });

  it('composites alpha over white for RGB and grey models, and keeps it for RGBA ones', () => {
    const clear = Uint8ClampedArray.from([10, 20, 30, 0, 200, 0, 0, 128]); // transparent, half-opaque red
    expect([...rgbaToModel(clear, 2, 1, 3, [0, 255])]).toEqual([255, Math.round(200 * (128 / 255) + 255 * (127 / 255)), 255, Math.round(255 * (127 / 255)), 255, Math.round(255 * (127 / 255))]);
    expect([...rgbaToModel(clear, 2, 1, 1, [0, 255])][0]).toBe(255);
    expect([...rgbaToModel(clear, 2, 1, 4, [0, 255])]).toEqual([10, 200, 20, 0, 30, 0, 0, 128]);
  });
});

describe("an encoder's input (autoencoder, CLIP)", () => {
  const rgb = { width: 1, height: 1, channels: 3, range: [0, 255] as [number, number] };

  it('composites over white before resizing, as the trainer makes its data: a transparent pixel reads as white, whatever its colour', () => {
    // A transparent black pixel beside an opaque red one, shrunk to one pixel: white and red averaged. Resizing the
    // RGBA first would average the black in (red 191, not 255).
    const x = rgbaImageToModel({ width: 2, height: 1, data: Uint8ClampedArray.from([0, 0, 0, 0, 255, 0, 0, 255]) }, rgb);
    expect(x[0]).toBe(255);
    expect(x[1]).toBeCloseTo(127.5, 4);
    expect(x[2]).toBeCloseTo(127.5, 4); // in floats: no byte rounding between the conversions
    // At the model's own size it is rgbaToModel.
    const im = { width: 5, height: 4, data: randomRgba(5, 4, 3) };
    expect([...rgbaImageToModel(im, { ...rgb, width: 5, height: 4, range: [-1, 1] })]).toEqual([...rgbaToModel(im.data, 5, 4, 3, [-1, 1])]);
  });

  it('stacks a batch NCHW with its dims', () => {
    const im = { width: 3, height: 3, data: randomRgba(3, 3, 4) };
    const { data, dims } = rgbaBatchToModel([im, im], { width: 2, height: 2, channels: 1, range: [-1, 1] });
    expect(dims).toEqual([2, 1, 2, 2]);
    expect([...data.subarray(4)]).toEqual([...data.subarray(0, 4)]);
  });
});

describe('resizeRgba', () => {
  it('keeps a flat colour flat at any size', () => {
    const flat = { width: 7, height: 5, data: new Uint8ClampedArray(7 * 5 * 4).fill(77) };
    for (const [w, h] of [[32, 32], [3, 2], [1, 1], [7, 5]]) expect(new Set(resizeRgba(flat, w!, h!))).toEqual(new Set([77]));
  });

  it('averages when shrinking (a 2x2 checkerboard of 0/255 → one mid-grey pixel), without aliasing', () => {
    const board = Uint8ClampedArray.from({ length: 64 * 64 * 4 }, (_, i) => (i % 4 === 3 ? 255 : ((i >> 2) % 64 + ((i >> 2) >> 6)) % 2 ? 255 : 0));
    const out = resizeRgba({ width: 64, height: 64, data: board }, 4, 4);
    for (let i = 0; i < out.length; i += 4) expect(Math.abs(out[i]! - 127.5)).toBeLessThan(3);
  });

  it('interpolates linearly when enlarging (half-pixel centres)', () => {
    const src = { width: 2, height: 1, data: Uint8ClampedArray.from([0, 0, 0, 255, 200, 200, 200, 255]) };
    const out = resizeRgba(src, 4, 1);
    expect([out[0], out[4], out[8], out[12]]).toEqual([0, 50, 150, 200]);
  });

  it('gives the same pixels whichever pass goes first: an image and its transpose resize to transposes', () => {
    const transpose = (d: ArrayLike<number>, w: number, h: number) => {
      const t = new Uint8ClampedArray(w * h * 4);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 4; c++) t[(x * h + y) * 4 + c] = d[(y * w + x) * 4 + c]!;
      return t;
    };
    // 40x3 → 5x6 runs rows first (3·5 < 6·40); its transpose 3x40 → 6x5 runs columns first.
    for (const [w, h, ow, oh] of [[40, 3, 5, 6], [17, 29, 4, 9], [5, 5, 12, 3]] as const) {
      const src = randomRgba(w, h, w * h);
      const a = resizeRgba({ width: w, height: h, data: src }, ow, oh);
      const b = resizeRgba({ width: h, height: w, data: transpose(src, w, h) }, oh, ow);
      const diff = Math.max(...Array.from(a, (v, i) => Math.abs(v - transpose(b, oh, ow)[i]!)));
      expect(diff).toBeLessThanOrEqual(1); // float rounding of the intermediate only
    }
  });

  it('allocates in proportion to input plus output whatever the aspect: a 1x10,000,000 strip and its transpose to 32x32', () => {
    // Before: the first pass always ran over rows, a [10,000,000, 32, 4] float intermediate (5.3 GB peak, 57 s).
    const strip = new Uint8ClampedArray(10_000_000 * 4);
    for (let i = 0; i < strip.length; i += 4) strip.set([(i >> 2) % 251, 100, 200, 255], i);
    for (const [w, h] of [[1, 10_000_000], [10_000_000, 1]] as const) {
      const rssBefore = process.resourceUsage().maxRSS; // KiB, the process's high-water mark
      const started = Date.now();
      const out = resizeRgba({ width: w, height: h, data: strip }, 32, 32);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect((process.resourceUsage().maxRSS - rssBefore) / 1024).toBeLessThan(400); // MiB above the earlier peak
      expect(Math.abs(out[1]! - 100)).toBeLessThanOrEqual(1);
      expect(Math.abs(out[2]! - 200)).toBeLessThanOrEqual(1);
      expect(Math.abs(out[0]! - 125)).toBeLessThan(10); // the mean of 0..250
    }
  }, 60_000);

  it('returns a copy, not the input, at the same size', () => {
    const src = { width: 2, height: 2, data: randomRgba(2, 2, 3) };
    const out = resizeRgba(src, 2, 2);
    expect([...out]).toEqual([...src.data]);
    expect(out).not.toBe(src.data);
  });
});

describe('image input checks', () => {
  it('accepts raw RGBA and rejects a wrong byte count or size, naming the parameter', async () => {
    expect((await readImageInput({ width: 2, height: 1, data: new Uint8Array(8) })).width).toBe(2);
    await expect(readImageInput({ width: 2, height: 2, data: new Uint8Array(8) })).rejects.toThrow(/'image\.data' must hold width·height·4 = 16 RGBA bytes/);
    expect(() => checkRgba({ width: 0, height: 2, data: new Uint8Array(0) })).toThrow(InvalidInputError);
    await expect(readImageInput(undefined)).rejects.toThrow(/'image' is required/);
    await expect(readImageInput('cat.png' as never)).rejects.toThrow(/'image' must be ImageData, an ImageBitmap/);
  });

  it('data must be a Uint8ClampedArray or Uint8Array: null, a string, a plain array, a Float32Array are InvalidInputErrors', async () => {
    const cases: [unknown, RegExp][] = [
      [null, /not null/],
      [undefined, /not undefined/],
      ['x'.repeat(16), /not a string/],
      [new Array(16).fill(0), /not a plain array \(use Uint8ClampedArray\.from\(array\)\)/],
      [new Float32Array(16), /not a Float32Array/],
      [new Uint16Array(16), /not a Uint16Array/],
      [{ length: 16 }, /not a Object/],
    ];
    for (const [data, why] of cases) {
      const err = await readImageInput({ width: 2, height: 2, data } as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).parameter).toBe('image.data');
      expect((err as Error).message).toMatch(/'image\.data' must be a Uint8ClampedArray or Uint8Array of RGBA bytes/);
      expect((err as Error).message).toMatch(why);
    }
  });

  it(`more than MAX_IMAGE_PIXELS (8192x8192) is an InvalidInputError naming it, before the data is read`, () => {
    expect(MAX_IMAGE_PIXELS).toBe(8192 * 8192);
    for (const [w, h] of [[8193, 8192], [1, 8192 * 8192 + 1], [1e6, 1e6]]) {
      expect(() => checkRgba({ width: w!, height: h!, data: new Uint8Array(0) })).toThrow(/'image' has more than MAX_IMAGE_PIXELS = 67108864 pixels \(8192x8192\); scale it down first/);
    }
    // At the limit, only the byte count is wrong.
    expect(() => checkRgba({ width: 8192, height: 8192, data: new Uint8Array(0) })).toThrow(/must hold width·height·4 = 268435456 RGBA bytes/);
  });
});

describe('GeneratedImage', () => {
  it('toBlob (Node entry: pngjs) is an image/png Blob of those pixels, alpha kept; toImageData has the pixels', async () => {
    const rgba = randomRgba(3, 2, 9);
    rgba[3] = 100;
    const img = new GeneratedImage(3, 2, rgba, 5, { totalMs: 1, modelMs: 1, steps: 1 });
    const blob = await img.toBlob();
    expect(blob.type).toBe('image/png');
    const png = PNG.sync.read(Buffer.from(await blob.arrayBuffer()));
    expect([...png.data]).toEqual([...img.data]);
    const data = img.toImageData();
    expect([data.width, data.height, data.data.length]).toEqual([3, 2, 24]);
    expect(data.data).not.toBe(img.data);
  });
});

describe('sha256', () => {
  it('the JavaScript fallback matches node:crypto around block boundaries and on 1 MB', async () => {
    const rng = new Rng(2);
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 1 << 20]) {
      const bytes = Uint8Array.from({ length: n }, () => rng.int(256));
      const expected = createHash('sha256').update(bytes).digest('hex');
      expect(sha256HexSync(bytes)).toBe(expected);
      expect(await sha256Hex(bytes)).toBe(expected);
    }
  });
});
