import { describe, expect, it } from 'vitest';
import { centerCropBox, cropImage, resizeImage } from '../trainer/image/resize.js';

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

  it('averages 2x2 blocks when halving (area filter)', () => {
    const src = Uint8Array.of(0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150); // 4x4 gray
    const out = resizeImage(src, 4, 4, 1, 2, 2);
    [0 + 10 + 40 + 50, 20 + 30 + 60 + 70, 80 + 90 + 120 + 130, 100 + 110 + 140 + 150].forEach((s, i) =>
      expect(out[i]).toBeCloseTo(s / 4, 4),
    );
  });

  it('covers fractional areas when shrinking by a non-integer factor, preserving the mean', () => {
    const src = Float32Array.from({ length: 5 }, (_, i) => i); // 5x1
    const out = resizeImage(src, 5, 1, 1, 2, 1);
    // Output 0 covers source [0, 2.5): (0 + 1 + 0.5·2) / 2.5.
    expect(out[0]).toBeCloseTo(2 / 2.5, 6);
    expect((out[0]! + out[1]!) / 2).toBeCloseTo(2, 6);
  });

  it('interpolates bilinearly when enlarging, with clamped edges', () => {
    const out = resizeImage(Float32Array.of(0, 1), 2, 1, 1, 4, 1);
    // Half-pixel centres: sample at -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
    [0, 0.25, 0.75, 1].forEach((v, i) => expect(out[i]).toBeCloseTo(v, 6));
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
