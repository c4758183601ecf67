import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DDIMScheduler, makeBetas, makeNoiseSchedule, spacedTimesteps, type TimestepSpacing } from '../sdk/schedulers/index.js';

// Reference numbers from numpy, computed as diffusers does (tests/fixtures/schedulers/make-fixture.py).
interface Reference {
  numTrainTimesteps: number;
  schedules: Record<string, { indices: number[]; betas: number[]; alphasCumprod: number[] }>;
  timesteps: { spacing: TimestepSpacing; n: number; stepsOffset: number; timesteps: number[] }[];
}
const reference = JSON.parse(
  readFileSync(new URL('./fixtures/schedulers/reference.json', import.meta.url), 'utf8'),
) as Reference;

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('betas and ᾱ match the diffusers formulas (numpy float64 reference)', () => {
  for (const [name, ref] of Object.entries(reference.schedules)) {
    it(name, () => {
      const { betas, alphasCumprod, alphas } = makeNoiseSchedule({
        numTrainTimesteps: 1000,
        betaStart: 0.0001,
        betaEnd: 0.02,
        betaSchedule: name as 'linear',
      });
      expect(alphasCumprod).toBeInstanceOf(Float64Array);
      expect(alphasCumprod.length).toBe(1000);
      ref.indices.forEach((t, k) => {
        expect(relErr(betas[t]!, ref.betas[k]!)).toBeLessThan(1e-12);
        expect(relErr(alphasCumprod[t]!, ref.alphasCumprod[k]!)).toBeLessThan(1e-12);
        expect(alphas[t]).toBe(1 - betas[t]!);
      });
    });
  }

  it('linear runs exactly from betaStart to betaEnd; scaled_linear is the square of a linear √β', () => {
    const lin = makeBetas({ numTrainTimesteps: 5, betaStart: 0.1, betaEnd: 0.5, betaSchedule: 'linear' });
    expect(Array.from(lin).map((b) => +b.toFixed(12))).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    const sq = makeBetas({ numTrainTimesteps: 3, betaStart: 0.01, betaEnd: 0.09, betaSchedule: 'scaled_linear' });
    expect(Array.from(sq).map((b) => +b.toFixed(12))).toEqual([0.01, 0.04, 0.09]); // (0.1, 0.2, 0.3)²
  });
});

describe('cosine betas (Nichol & Dhariwal 2021, Eq. 17, β capped at 0.999)', () => {
  const T = 1000;
  // ᾱ(τ) ∝ f(τ) = cos²(((τ + s)/(1 + s)) · π/2), s = 0.008; β_t = min(1 − f((t+1)/T) / f(t/T), 0.999)
  const f = (tau: number) => Math.cos(((tau + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  const betas = makeBetas({ numTrainTimesteps: T, betaStart: 0.0001, betaEnd: 0.02, betaSchedule: 'squaredcos_cap_v2' });

  it('follows the formula at every t', () => {
    for (let t = 0; t < T; t++) {
      expect(betas[t]).toBeCloseTo(Math.min(1 - f((t + 1) / T) / f(t / T), 0.999), 14);
    }
  });

  it('is capped at 0.999 at the end and tiny at the start', () => {
    expect(betas[T - 1]).toBe(0.999); // 1 − f(1)/f(0.999) ≈ 1 would make ᾱ_T exactly 0
    expect(betas.filter((b) => b === 0.999).length).toBe(1);
    expect(betas[0]).toBeGreaterThan(0);
    expect(betas[0]).toBeLessThan(1e-4);
  });

  it('ᾱ_t = f(t+1/T)/f(0) until the cap (the cumulative product telescopes)', () => {
    const s = new DDIMScheduler({ betaSchedule: 'squaredcos_cap_v2' });
    for (const t of [0, 10, 500, 900, 998]) {
      expect(relErr(s.alphasCumprod[t]!, f((t + 1) / T) / f(0))).toBeLessThan(1e-9);
    }
  });
});

describe('timesteps match the diffusers formulas (numpy reference), every spacing', () => {
  for (const { spacing, n, stepsOffset, timesteps } of reference.timesteps) {
    it(`${spacing}, n = ${n}, stepsOffset = ${stepsOffset}`, () => {
      const ours = Array.from(spacedTimesteps(n, { numTrainTimesteps: reference.numTrainTimesteps, timestepSpacing: spacing, stepsOffset }));
      expect(ours).toEqual(timesteps.slice(0, n));
      // diffusers' 'trailing' sometimes yields one extra step, always the invalid timestep −1; we drop it.
      expect(timesteps.slice(n).every((t) => t === -1)).toBe(true);
    });
  }

  it('the reference holds a case where diffusers adds the spurious −1 and one where rounding ties to even', () => {
    expect(reference.timesteps.some(({ n, timesteps }) => timesteps.length > n)).toBe(true);
    const linspace7 = reference.timesteps.find((c) => c.spacing === 'linspace' && c.n === 7)!;
    expect(linspace7.timesteps).toEqual([999, 832, 666, 500, 333, 166, 0]); // 832.5 → 832, 166.5 → 166 (not 167)
  });
});
