// The latent-space math of the GAN SDK: slerp (gan.interpolate's path) and the truncation trick's draws.
import { describe, expect, it } from 'vitest';
import { slerp } from '../sdk/gan/slerp.js';
import { Rng } from '../sdk/random/rng.js';
import { truncatedNormalArray } from '../sdk/random/truncated-normal.js';

const norm = (v: Float32Array) => Math.hypot(...v);

describe('slerp', () => {
  it('follows the great circle: halfway between two orthogonal unit vectors is (1, 1)/√2, not (1, 1)/2', () => {
    const mid = slerp(Float32Array.from([1, 0]), Float32Array.from([0, 1]), 0.5);
    expect(mid[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(mid[1]).toBeCloseTo(Math.SQRT1_2, 6);
    const third = slerp(Float32Array.from([1, 0]), Float32Array.from([0, 1]), 1 / 3);
    expect(third[0]).toBeCloseTo(Math.cos(Math.PI / 6), 6); // a third of the 90° arc is 30°
    expect(third[1]).toBeCloseTo(Math.sin(Math.PI / 6), 6);
  });

  it('returns the ends at t = 0 and 1, and keeps the norm of equal-norm latents all along', () => {
    const rng = new Rng(1);
    const a = rng.normalArray(64);
    const b0 = rng.normalArray(64);
    const b = b0.map((v) => (v * norm(a)) / norm(b0));
    expect(Array.from(slerp(a, b, 0))).toEqual(Array.from(a).map((v) => expect.closeTo(v, 5)));
    expect(Array.from(slerp(a, b, 1))).toEqual(Array.from(b).map((v) => expect.closeTo(v, 5)));
    for (const t of [0.1, 0.5, 0.9]) expect(norm(slerp(a, b, t))).toBeCloseTo(norm(a), 4);
    // The straight line's middle is shorter (the reason GAN papers walk the sphere).
    expect(norm(a.map((v, i) => (v + b[i]!) / 2))).toBeLessThan(0.8 * norm(a));
  });

  it('falls back to the straight line for parallel latents, and rejects different lengths', () => {
    const a = Float32Array.from([1, 2]);
    expect(Array.from(slerp(a, Float32Array.from([2, 4]), 0.5))).toEqual([1.5, 3]);
    expect(() => slerp(a, new Float32Array(3), 0.5)).toThrow(/different lengths \(2 and 3\)/);
  });
});

describe('truncatedNormalArray', () => {
  it('keeps every draw within the threshold with the truncated normal’s variance', () => {
    const z = truncatedNormalArray(new Rng(2), 40_000, 1);
    expect(Math.max(...z.map(Math.abs))).toBeLessThanOrEqual(1);
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length;
    // Var of N(0, 1) truncated to [−1, 1]: 1 − 2φ(1)/(2Φ(1) − 1) = 0.2911.
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(variance).toBeCloseTo(0.2911, 2);
  });

  it('is the plain normal draws for a threshold no draw exceeds, and repeats for a seed', () => {
    expect(Array.from(truncatedNormalArray(new Rng(3), 100, 1e9))).toEqual(Array.from(new Rng(3).normalArray(100)));
    expect(Array.from(truncatedNormalArray(new Rng(4), 50, 0.5))).toEqual(Array.from(truncatedNormalArray(new Rng(4), 50, 0.5)));
  });
});
