// The math of the SDK's CLIP API (sdk/clip/clip-math.ts), against values worked by hand: the cosine matrix (unit and
// non-unit rows, a zero row, the shape [n, m]), the softmax of zero-shot (sums to 1, invariant to a shift, no overflow
// at the logit scale's cap of 100, the temperature sharpening it), and CLIPScore = 100 · max(cos, 0).
import { describe, expect, it } from 'vitest';
import { CLIP_SCORE_WEIGHT, clipScores, cosineMatrix, softmax } from '../sdk/clip/clip-math.js';

const f32 = (...v: number[]) => Float32Array.from(v);

describe('cosineMatrix', () => {
  it('is [n, m] row-major: a_i · b_j / (‖a_i‖ ‖b_j‖)', () => {
    const a = f32(1, 0, 0, 1); // rows (1, 0), (0, 1)
    const b = f32(3, 4, -1, 0, 2, 2); // rows (3, 4), (−1, 0), (2, 2)
    const s = cosineMatrix(a, b, 2);
    expect(s.length).toBe(6);
    const want = [0.6, -1, Math.SQRT1_2, 0.8, 0, Math.SQRT1_2];
    for (const [k, v] of want.entries()) expect(s[k]).toBeCloseTo(v, 6);
  });

  it('of a set with itself has a unit diagonal and is symmetric; a zero row has cosine 0', () => {
    const a = f32(1, 2, 3, -2, 0.5, 4, 0, 0, 0);
    const s = cosineMatrix(a, a, 3);
    expect(s[0]).toBeCloseTo(1, 6);
    expect(s[4]).toBeCloseTo(1, 6);
    expect(s[1]).toBeCloseTo(s[3]!, 6);
    expect(Array.from(s.subarray(6))).toEqual([0, 0, 0]);
    expect(s[2]).toBe(0);
  });

  it('stays within [-1, 1] for parallel rows despite rounding', () => {
    const v = f32(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7);
    const s = cosineMatrix(v, Float32Array.from(v, (x) => -3 * x), 7);
    expect(s[0]).toBeGreaterThanOrEqual(-1);
    expect(s[0]).toBeCloseTo(-1, 6);
  });
});

describe('softmax', () => {
  it('sums to 1, keeps the order of its inputs, and is the textbook value', () => {
    const p = softmax([1, 2, 3]);
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    expect(p[0]).toBeCloseTo(Math.exp(1) / z, 12);
    expect(p[2]).toBeCloseTo(Math.exp(3) / z, 12);
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });

  it('is the same after a shift of every logit, and does not overflow at the scale cap (100 · cos)', () => {
    const p = softmax([0.2, 0.5, -0.1], 100);
    expect(p.every(Number.isFinite)).toBe(true);
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    const q = softmax([0.2 + 7, 0.5 + 7, -0.1 + 7], 100);
    for (let k = 0; k < 3; k++) expect(q[k]).toBeCloseTo(p[k]!, 9);
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-30) + Math.exp(-60)), 12);
  });

  it('a larger scale (lower temperature) sharpens it; equal logits are uniform', () => {
    expect(softmax([0.3, 0.1], 100)[0]).toBeGreaterThan(softmax([0.3, 0.1], 10)[0]!);
    expect(softmax([0.4, 0.4, 0.4, 0.4], 50)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
});

describe('clipScores', () => {
  it('is w · max(cos(a_i, b_i), 0) per pair, w = 100', () => {
    expect(CLIP_SCORE_WEIGHT).toBe(100);
    const a = f32(1, 0, 1, 0, 1, 0);
    const b = f32(3, 4, -1, 0, 0, 5);
    const s = clipScores(a, b, 2);
    expect(s).toHaveLength(3);
    expect(s[0]).toBeCloseTo(60, 10);
    expect(s[1]).toBe(0); // cos −1 clipped at 0
    expect(s[2]).toBe(0);
    expect(clipScores(a, b, 2, 2.5)[0]).toBeCloseTo(1.5, 10); // the paper's w
  });

  it('equals the diagonal of the cosine matrix, scaled, where positive', () => {
    const a = f32(0.3, -0.2, 0.9, 0.1, 0.5, 0.5, -1, 0.2, 0.4);
    const b = f32(0.1, 0.1, 0.8, -0.3, 0.2, 0.6, 1, 0, 0);
    const cos = cosineMatrix(a, b, 3);
    clipScores(a, b, 3).forEach((s, i) => expect(s).toBeCloseTo(100 * Math.max(cos[i * 3 + i]!, 0), 4));
  });
});
