import { describe, expect, it } from 'vitest';
import { resizePixels as resizeImage } from '../sdk/image/resize.js';
import { centerCropBox, cropImage } from '../trainer/image/crop.js';

describe('resizeImage', () => {
  it('keeps a constant image constant at any size', () => {
    const src = new Float32Array(7 * 5 * 3).fill(0.25);
    for (const [w, h] of [[3, 2], [7, 5], [20, 11], [1, 1]] as const) {
      const out = resizeImage(src, 7, 5, 3, w, h);
      expect(out.length).toBe(w * h * 3);
      for (const v of out) expect(v).toBeCloseTo(0.25, 6);
    }
  });

  it('is the identity at the same size', () => {
    const src = Uint8Array.from({ length: 4 * 3 * 2 }, (_, i) => i * 9);
    expect([...resizeImage(src, 4, 3, 2, 4, 3)]).toEqual([...src]);
  });

  it('shrinks with a triangle whose support widens by the scale (PIL BILINEAR): halving weighs 0.75, 0.75, 0.25 of source rows 0..2', () => {
    const src = Float32Array.of(0, 10, 20, 30); // 4x1
    const out = resizeImage(src, 4, 1, 1, 2, 1);
    // Output 0: centre 1.0, support 2; taps at 0.5, 1.5, 2.5 weigh 0.75, 0.75, 0.25 (normalised by 1.75).
    expect(out[0]).toBeCloseTo((0.75 * 0 + 0.75 * 10 + 0.25 * 20) / 1.75, 5);
    expect(out[1]).toBeCloseTo((0.25 * 10 + 0.75 * 20 + 0.75 * 30) / 1.75, 5);
  });

  it('is the RGBA filter on any channel count: 1, 3 and 4 channels give the same values per channel', () => {
    const w = 9, h = 7;
    const grey = Float32Array.from({ length: w * h }, (_, i) => (i * 37) % 251);
    const rgba = new Float32Array(w * h * 4);
    grey.forEach((v, i) => rgba.set([v, v, v, v], i * 4));
    const one = resizeImage(grey, w, h, 1, 4, 3);
    const four = resizeImage(rgba, w, h, 4, 4, 3);
    const three = resizeImage(Float32Array.from({ length: w * h * 3 }, (_, i) => grey[Math.floor(i / 3)]!), w, h, 3, 4, 3);
    one.forEach((v, i) => {
      expect(four[i * 4]).toBeCloseTo(v, 4);
      expect(three[i * 3 + 2]).toBeCloseTo(v, 4);
    });
  });

  it('interpolates bilinearly when enlarging, with clamped edges', () => {
    const out = resizeImage(Float32Array.of(0, 1), 2, 1, 1, 4, 1);
    // Half-pixel centres: sample at -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
    [0, 0.25, 0.75, 1].forEach((v, i) => expect(out[i]).toBeCloseTo(v, 6));
  });

  it('refuses a buffer that is not its stated size, and a size that is not a positive integer', () => {
    expect(() => resizeImage(new Float32Array(5), 2, 2, 1, 1, 1)).toThrow(/'src' must hold srcHeight × srcWidth × channels = 2x2x1 values/);
    expect(() => resizeImage(new Float32Array(4), 2, 2, 1, 0, 1)).toThrow(/'width' must be a positive integer/);
  });
});

describe('centre crop', () => {
  it('crops a wide image to a centred square', () => {
    expect(centerCropBox(10, 4, 32, 32)).toEqual({ x: 3, y: 0, width: 4, height: 4 });
    expect(centerCropBox(4, 10, 2, 1)).toEqual({ x: 0, y: 4, width: 4, height: 2 });
    const src = Uint8Array.from({ length: 6 * 2 }, (_, i) => i); // 6x2 gray
    expect([...cropImage(src, 6, 1, centerCropBox(6, 2, 1, 1))]).toEqual([2, 3, 8, 9]);
  });
});
