import { describe, expect, it } from 'vitest';
import { Rng } from '../sdk/random/rng.js';

describe('seeded RNG (xoshiro128** + Box–Muller)', () => {
  it('the same seed gives the same stream; different seeds differ', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 100 }, () => a.nextUint32());
    expect(Array.from({ length: 100 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('matches the reference xoshiro128** output for a known state', () => {
    // State (1, 2, 3, 4): outputs from the authors' C reference implementation.
    const r = Rng.fromState({ s: [1, 2, 3, 4], spare: null });
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([11520, 0, 5927040]);
  });

  it('state() / fromState() resume the stream exactly, including a pending normal', () => {
    const a = new Rng(7);
    a.normal(); // leaves a spare
    const saved = a.state();
    const next = [a.normal(), a.normal(), a.uniform()];
    const b = Rng.fromState(saved);
    expect([b.normal(), b.normal(), b.uniform()]).toEqual(next);
  });

  it('normals have mean ≈ 0 and variance ≈ 1; uniforms stay in [0, 1)', () => {
    const r = new Rng(1);
    const n = 200_000;
    const x = r.normalArray(n);
    const mean = x.reduce((s, v) => s + v, 0) / n;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.01);
    for (let i = 0; i < 10_000; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
    }
  });

  it('rejects a non-finite seed by name', () => {
    expect(() => new Rng(Number.NaN)).toThrow(/'seed' must be a finite number/);
  });
});
