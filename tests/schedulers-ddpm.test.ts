import { describe, expect, it } from 'vitest';
import { DDPMScheduler } from '../sdk/schedulers/index.js';

// Expected timesteps written out from diffusers' DDPMScheduler.set_timesteps formulas (T = 1000),
// see tests/fixtures/schedulers/make-fixture.py; not produced by our code.
const range = (from: number, step: number, n: number) => Array.from({ length: n }, (_, i) => from + i * step);

describe('DDPM timesteps, T = 1000', () => {
  const cases: [string, number, number[]][] = [
    ['leading', 50, range(980, -20, 50)],
    ['trailing', 50, range(999, -20, 50)],
    // prettier-ignore
    ['linspace', 50, [
      999, 979, 958, 938, 917, 897, 877, 856, 836, 816, 795, 775, 754, 734, 714, 693, 673, 652, 632, 612, 591, 571, 550,
      530, 510, 489, 469, 449, 428, 408, 387, 367, 347, 326, 306, 285, 265, 245, 224, 204, 183, 163, 143, 122, 102, 82,
      61, 41, 20, 0,
    ]],
    ['leading', 10, [900, 800, 700, 600, 500, 400, 300, 200, 100, 0]],
    ['trailing', 10, [999, 899, 799, 699, 599, 499, 399, 299, 199, 99]],
    ['linspace', 10, [999, 888, 777, 666, 555, 444, 333, 222, 111, 0]],
  ];
  for (const [spacing, n, expected] of cases) {
    it(`${spacing}, ${n} steps`, () => {
      const s = new DDPMScheduler({ timestepSpacing: spacing as 'leading' });
      s.setTimesteps(n);
      expect(Array.from(s.timesteps)).toEqual(expected);
    });
  }
});

// Toy schedule: β = [0.1, 0.2, 0.3, 0.4] → ᾱ = [0.9, 0.72, 0.504, 0.3024].
const TOY = { numTrainTimesteps: 4, trainedBetas: [0.1, 0.2, 0.3, 0.4], clipSample: false } as const;
// Inputs exact in float32, so the Python-multiplied literals below hold to float64 precision.
const X_T = Float32Array.of(0.5, -0.25);
const EPS = Float32Array.of(0.25, 0.125);
const Z = Float32Array.of(1, -2);

/** One DDPM step from the paper: x̂_0 (Eq. 15), μ̃ and β̃ (Eq. 7), x_{t−1} = μ̃ + σ z (Algorithm 2). */
function byHand(aT: number, aPrev: number, variance: 'small' | 'large', i: number, last = false): number {
  const alpha = aT / aPrev;
  const beta = 1 - alpha;
  const x0 = (X_T[i]! - Math.sqrt(1 - aT) * EPS[i]!) / Math.sqrt(aT);
  const mu = ((Math.sqrt(aPrev) * beta) / (1 - aT)) * x0 + ((Math.sqrt(alpha) * (1 - aPrev)) / (1 - aT)) * X_T[i]!;
  const sigma2 = variance === 'small' ? ((1 - aPrev) / (1 - aT)) * beta : beta;
  return mu + (last ? 0 : Math.sqrt(sigma2) * Z[i]!);
}

describe('DDPM step by hand (Ho et al. 2020, Eq. 6–7)', () => {
  it('full chain, t = 2 → 1: α_t = 0.7, β_t = 0.3, β̃_t = 0.28/0.496 · 0.3', () => {
    const s = new DDPMScheduler(TOY);
    expect(Array.from(s.timesteps)).toEqual([3, 2, 1, 0]);
    const { prevSample, predOriginalSample } = s.step(EPS, 2, X_T, { noise: Z });
    // multiplied out separately (Python floats): μ̃ coefficients 0.51322…, 0.47230…, σ = 0.41152…
    expect(byHand(0.504, 0.72, 'small', 0)).toBeCloseTo(0.8818584567995981, 12);
    expect(byHand(0.504, 0.72, 'small', 1)).toBeCloseTo(-1.1855036909587746, 12);
    for (const i of [0, 1]) {
      expect(prevSample[i]).toBeCloseTo(byHand(0.504, 0.72, 'small', i), 6);
      expect(predOriginalSample[i]).toBeCloseTo((X_T[i]! - Math.sqrt(0.496) * EPS[i]!) / Math.sqrt(0.504), 6);
    }
  });

  it("varianceType 'fixed_large' uses σ_t² = β_t", () => {
    const s = new DDPMScheduler({ ...TOY, varianceType: 'fixed_large' });
    const { prevSample } = s.step(EPS, 2, X_T, { noise: Z });
    for (const i of [0, 1]) expect(prevSample[i]).toBeCloseTo(byHand(0.504, 0.72, 'large', i), 6);
  });

  it('strided schedule, t = 2 → 0: the step uses α = ᾱ_2/ᾱ_0 = 0.56', () => {
    const s = new DDPMScheduler(TOY);
    s.setTimesteps(2);
    expect(Array.from(s.timesteps)).toEqual([2, 0]);
    const { prevSample } = s.step(EPS, 2, X_T, { noise: Z });
    for (const i of [0, 1]) expect(prevSample[i]).toBeCloseTo(byHand(0.504, 0.9, 'small', i), 6);
  });

  it('the last step adds no noise and returns x̂_0 (ᾱ_prev = 1)', () => {
    const s = new DDPMScheduler(TOY);
    const { prevSample, predOriginalSample } = s.step(EPS, 0, X_T); // no noise needed
    expect(prevSample[0]).toBeCloseTo(byHand(0.9, 1, 'small', 0, true), 6);
    expect(prevSample).toEqual(predOriginalSample);
  });

  it('accepts only η = 1 (or none)', () => {
    const s = new DDPMScheduler(TOY);
    expect(() => s.step(EPS, 2, X_T, { noise: Z, eta: 0 })).toThrow(/'eta' must be left out \(or 1\) for DDPM/);
    expect(s.step(EPS, 2, X_T, { noise: Z, eta: 1 }).prevSample).toEqual(s.step(EPS, 2, X_T, { noise: Z }).prevSample);
  });
});
