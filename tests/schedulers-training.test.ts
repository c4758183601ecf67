import { describe, expect, it } from 'vitest';
import { DDPMScheduler, addNoise, getVelocity, noiseCoefficients } from '../sdk/schedulers/index.js';

// What the trainer imports: the forward process q(x_t | x_0) (DDPM Eq. 4) and the v-prediction target.
const s = new DDPMScheduler({ betaSchedule: 'squaredcos_cap_v2' });
const ac = s.alphasCumprod;
const x0 = Float32Array.of(0.5, -1, 0.25, 0.75); // [B = 2, 2]
const eps = Float32Array.of(1, 0.5, -2, 0.125);

describe('forward process helpers', () => {
  it('addNoise = √ᾱ_t x_0 + √(1−ᾱ_t) ε, per batch item', () => {
    const out = addNoise(ac, x0, eps, [3, 900]);
    const expected = [0, 1, 2, 3].map((i) => {
      const a = ac[i < 2 ? 3 : 900]!;
      return Math.sqrt(a) * x0[i]! + Math.sqrt(1 - a) * eps[i]!;
    });
    expected.forEach((v, i) => expect(out[i]).toBeCloseTo(v, 6));
    expect(s.addNoise(x0, eps, [3, 900])).toEqual(out);
  });

  it('getVelocity = √ᾱ_t ε − √(1−ᾱ_t) x_0, and x_0 = √ᾱ_t x_t − √(1−ᾱ_t) v', () => {
    const v = getVelocity(ac, x0, eps, 400);
    const xt = addNoise(ac, x0, eps, 400);
    const a = ac[400]!;
    for (let i = 0; i < 4; i++) {
      expect(v[i]).toBeCloseTo(Math.sqrt(a) * eps[i]! - Math.sqrt(1 - a) * x0[i]!, 6);
      expect(Math.sqrt(a) * xt[i]! - Math.sqrt(1 - a) * v[i]!).toBeCloseTo(x0[i]!, 6);
    }
  });

  it('noiseCoefficients gives √ᾱ_t and √(1−ᾱ_t) per timestep, with a² + b² = 1', () => {
    const { sqrtAlphaProd, sqrtOneMinusAlphaProd } = noiseCoefficients(ac, Int32Array.of(0, 499, 999));
    expect(sqrtAlphaProd.length).toBe(3);
    expect(sqrtAlphaProd[1]).toBeCloseTo(Math.sqrt(ac[499]!), 7);
    for (let i = 0; i < 3; i++) expect(sqrtAlphaProd[i]! ** 2 + sqrtOneMinusAlphaProd[i]! ** 2).toBeCloseTo(1, 6);
    expect(sqrtAlphaProd[0]).toBeGreaterThan(sqrtAlphaProd[1]!);
    expect(sqrtAlphaProd[1]).toBeGreaterThan(sqrtAlphaProd[2]!);
    expect(() => noiseCoefficients(ac, [1000])).toThrow(/'t\[0\]' must be an integer in \[0, 999\]/);
  });
});
