/**
 * PSNR and SSIM against scikit-image, an independent implementation (tests/fixtures/image-quality/make_fixture.py
 * wrote the reference with Debian's python3-skimage), plus the properties either could break.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { psnr, ssim } from '../sdk/metrics/image-quality.js';

interface Case { name: string; width: number; height: number; channels: number; a: number[]; b: number[]; psnr: number; ssim: number }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/image-quality/image-quality.json', import.meta.url), 'utf8')) as { cases: Case[] };

describe('image quality metrics', () => {
  for (const c of fixture.cases) {
    it(`${c.name} (${c.width}x${c.height}x${c.channels}): PSNR and SSIM equal scikit-image's`, () => {
      expect(psnr(c.a, c.b)).toBeCloseTo(c.psnr, 9);
      expect(Math.abs(ssim(c.a, c.b, c.width, c.height, c.channels) - c.ssim)).toBeLessThan(1e-9);
    });
  }

  it('identical images: PSNR is Infinity, SSIM is 1; SSIM is symmetric', () => {
    const c = fixture.cases[1]!;
    expect(psnr(c.a, c.a)).toBe(Infinity);
    expect(ssim(c.a, c.a, c.width, c.height, c.channels)).toBeCloseTo(1, 12);
    expect(ssim(c.a, c.b, c.width, c.height, c.channels)).toBeCloseTo(ssim(c.b, c.a, c.width, c.height, c.channels), 12);
  });

  it('refuses mismatched sizes and images smaller than the 11x11 window', () => {
    expect(() => psnr([0, 1], [0])).toThrow(RangeError);
    expect(() => ssim(new Array(10 * 10).fill(0), new Array(10 * 10).fill(0), 10, 10, 1)).toThrow(/at least 11x11/);
    expect(() => ssim(new Array(12).fill(0), new Array(12).fill(0), 11, 11, 1)).toThrow(/expected 11x11x1/);
  });
});
