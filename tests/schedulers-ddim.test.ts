import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../sdk/errors/invalid-input-error.js';
import { DDIMScheduler, type PredictionType } from '../sdk/schedulers/index.js';

// Expected timesteps below are written out from diffusers' DDIMScheduler.set_timesteps formulas
// (T = 1000; see tests/fixtures/schedulers/make-fixture.py), not produced by our code:
//   leading:  np.arange(0, n) * (T // n), reversed, + steps_offset
//   trailing: np.round(np.arange(T, 0, -T / n)) - 1
//   linspace: np.linspace(0, T - 1, n).round(), reversed
const range = (from: number, step: number, n: number) => Array.from({ length: n }, (_, i) => from + i * step);

describe('DDIM timesteps, T = 1000', () => {
  const cases: [string, number, number, number[]][] = [
    ['leading', 0, 50, range(980, -20, 50)], // 980, 960, …, 20, 0
    ['leading', 1, 50, range(981, -20, 50)], // 981, 961, …, 21, 1 (Stable Diffusion's steps_offset = 1)
    ['trailing', 0, 50, range(999, -20, 50)], // 999, 979, …, 39, 19
    ['leading', 0, 10, [900, 800, 700, 600, 500, 400, 300, 200, 100, 0]],
    ['leading', 1, 10, [901, 801, 701, 601, 501, 401, 301, 201, 101, 1]],
    ['trailing', 0, 10, [999, 899, 799, 699, 599, 499, 399, 299, 199, 99]],
    ['linspace', 0, 10, [999, 888, 777, 666, 555, 444, 333, 222, 111, 0]],
    // prettier-ignore
    ['linspace', 0, 50, [
      999, 979, 958, 938, 917, 897, 877, 856, 836, 816, 795, 775, 754, 734, 714, 693, 673, 652, 632, 612, 591, 571, 550,
      530, 510, 489, 469, 449, 428, 408, 387, 367, 347, 326, 306, 285, 265, 245, 224, 204, 183, 163, 143, 122, 102, 82,
      61, 41, 20, 0,
    ]],
  ];
  for (const [spacing, stepsOffset, n, expected] of cases) {
    it(`${spacing}, stepsOffset ${stepsOffset}, ${n} steps`, () => {
      const s = new DDIMScheduler({ timestepSpacing: spacing as 'leading', stepsOffset });
      s.setTimesteps(n);
      expect(s.timesteps).toBeInstanceOf(Int32Array);
      expect(Array.from(s.timesteps)).toEqual(expected);
    });
  }

  it('stepsOffset only shifts the leading spacing (as diffusers)', () => {
    const a = new DDIMScheduler({ timestepSpacing: 'trailing', stepsOffset: 1 });
    a.setTimesteps(10);
    expect(a.timesteps[0]).toBe(999);
  });
});

// A 4-step toy schedule whose ᾱ can be multiplied out by hand:
//   β = [0.1, 0.2, 0.3, 0.4] → α = [0.9, 0.8, 0.7, 0.6] → ᾱ = [0.9, 0.72, 0.504, 0.3024]
// setTimesteps(2) with leading spacing → ⌊4/2⌋ = 2 → timesteps [2, 0]; the step from t = 2 goes to t = 0:
//   ᾱ_t = 0.504, ᾱ_prev = 0.9.
const TOY = { numTrainTimesteps: 4, trainedBetas: [0.1, 0.2, 0.3, 0.4], clipSample: false } as const;
// Inputs exact in float32, so the Python-multiplied literals below hold to float64 precision.
const X_T = Float32Array.of(0.5, -0.25);
const EPS = Float32Array.of(0.25, 0.125);
const Z = Float32Array.of(1, -2);

describe('DDIM step by hand (Song et al. 2021, Eq. 12 and 16)', () => {
  const aT = 0.504;
  const aPrev = 0.9;
  // "predicted x_0" = (x_t − √(1−ᾱ_t) ε) / √ᾱ_t
  const x0 = [0, 1].map((i) => (X_T[i]! - Math.sqrt(1 - aT) * EPS[i]!) / Math.sqrt(aT));

  it('has the toy ᾱ and timesteps', () => {
    const s = new DDIMScheduler(TOY);
    s.setTimesteps(2);
    expect(Array.from(s.timesteps)).toEqual([2, 0]);
    [0.9, 0.72, 0.504, 0.3024].forEach((v, i) => expect(s.alphasCumprod[i]).toBeCloseTo(v, 14));
  });

  it('η = 0: x_{t−1} = √ᾱ_prev x̂_0 + √(1 − ᾱ_prev) ε', () => {
    const s = new DDIMScheduler(TOY);
    s.setTimesteps(2);
    const { prevSample, predOriginalSample } = s.step(EPS, 2, X_T, { eta: 0 });
    const expected = [0, 1].map((i) => Math.sqrt(aPrev) * x0[i]! + Math.sqrt(1 - aPrev) * EPS[i]!);
    // the same numbers, multiplied out separately (Python floats)
    expect(x0[0]).toBeCloseTo(0.45628727589281554, 12);
    expect(x0[1]).toBeCloseTo(-0.4761515743273561, 12);
    expect(expected[0]).toBeCloseTo(0.5119290592566904, 12);
    expect(expected[1]).toBeCloseTo(-0.4121885751527158, 12);
    for (const i of [0, 1]) {
      expect(predOriginalSample[i]).toBeCloseTo(x0[i]!, 6);
      expect(prevSample[i]).toBeCloseTo(expected[i]!, 6);
    }
  });

  it('η = 1: σ_t = √((1 − ᾱ_prev)/(1 − ᾱ_t)) √(1 − ᾱ_t/ᾱ_prev), and σ_t z is added', () => {
    const s = new DDIMScheduler(TOY);
    s.setTimesteps(2);
    const sigma = Math.sqrt((1 - aPrev) / (1 - aT)) * Math.sqrt(1 - aT / aPrev);
    expect(sigma).toBeCloseTo(0.2978416985906353, 12);
    const { prevSample } = s.step(EPS, 2, X_T, { eta: 1, noise: Z });
    const multipliedOut = [0.7572777987495688, -1.0341184518828648];
    for (const i of [0, 1]) {
      const expected = Math.sqrt(aPrev) * x0[i]! + Math.sqrt(1 - aPrev - sigma ** 2) * EPS[i]! + sigma * Z[i]!;
      expect(expected).toBeCloseTo(multipliedOut[i]!, 12);
      expect(prevSample[i]).toBeCloseTo(expected, 6);
    }
  });

  it('η = 0.5 halves σ_t', () => {
    const s = new DDIMScheduler(TOY);
    s.setTimesteps(2);
    const sigma = 0.5 * Math.sqrt((1 - aPrev) / (1 - aT)) * Math.sqrt(1 - aT / aPrev);
    const { prevSample } = s.step(EPS, 2, X_T, { eta: 0.5, noise: Z });
    const expected = Math.sqrt(aPrev) * x0[1]! + Math.sqrt(1 - aPrev - sigma ** 2) * EPS[1]! + sigma * Z[1]!;
    expect(prevSample[1]).toBeCloseTo(expected, 6);
  });

  it('the last step goes to ᾱ = 1 (setAlphaToOne) or ᾱ_0', () => {
    const one = new DDIMScheduler(TOY);
    one.setTimesteps(2);
    const x0At0 = [0, 1].map((i) => (X_T[i]! - Math.sqrt(1 - 0.9) * EPS[i]!) / Math.sqrt(0.9));
    // ᾱ_prev = 1: x_{t−1} = x̂_0 exactly, whatever η (σ = 0, no noise needed)
    const a = one.step(EPS, 0, X_T, { eta: 1 }).prevSample;
    expect(a[0]).toBeCloseTo(x0At0[0]!, 6);
    const zero = new DDIMScheduler({ ...TOY, setAlphaToOne: false });
    zero.setTimesteps(2);
    // ᾱ_prev = ᾱ_0 = 0.9 = ᾱ_t: x_{t−1} = √0.9 x̂_0 + √0.1 ε = x_t
    const b = zero.step(EPS, 0, X_T).prevSample;
    expect(b[0]).toBeCloseTo(X_T[0]!, 6);
    expect(b[1]).toBeCloseTo(X_T[1]!, 6);
  });

  it('clipSample clamps x̂_0, and useClippedModelOutput re-derives ε from it (GLIDE)', () => {
    const s = new DDIMScheduler({ ...TOY, clipSample: true });
    s.setTimesteps(2);
    const big = Float32Array.of(2, -0.25); // x̂_0[0] = (2 − √0.496·0.25)/√0.504 ≈ 2.64 → clipped to 1
    const plain = s.step(EPS, 2, big);
    expect(plain.predOriginalSample[0]).toBe(1);
    expect(plain.prevSample[0]).toBeCloseTo(Math.sqrt(aPrev) * 1 + Math.sqrt(1 - aPrev) * 0.25, 6);
    const glide = s.step(EPS, 2, big, { useClippedModelOutput: true });
    const epsClipped = (2 - Math.sqrt(aT) * 1) / Math.sqrt(1 - aT);
    expect(glide.prevSample[0]).toBeCloseTo(Math.sqrt(aPrev) * 1 + Math.sqrt(1 - aPrev) * epsClipped, 6);
    // the unclipped element is unchanged by the option
    expect(glide.prevSample[1]).toBeCloseTo(plain.prevSample[1]!, 6);
  });
});

describe('DDIM η = 0 with exact outputs stays on the noising trajectory', () => {
  // If x_t = √ᾱ_t x_0 + √(1−ᾱ_t) ε and the network is exact, deterministic DDIM gives
  // x_{t−1} = √ᾱ_prev x_0 + √(1−ᾱ_prev) ε: the same ε, one step less noisy.
  const x0 = Float32Array.from({ length: 16 }, (_, i) => 0.8 * Math.cos(i));
  const eps = Float32Array.from({ length: 16 }, (_, i) => Math.sin(3 * i + 1));
  for (const predictionType of ['epsilon', 'v_prediction', 'sample'] as PredictionType[]) {
    it(predictionType, () => {
      const s = new DDIMScheduler({ predictionType, timestepSpacing: 'trailing' });
      s.setTimesteps(8);
      let x = s.addNoise(x0, eps, s.timesteps[0]!);
      for (const t of s.timesteps) {
        const out = predictionType === 'epsilon' ? eps : predictionType === 'sample' ? x0 : s.getVelocity(x0, eps, t);
        x = s.step(out, t, x).prevSample;
        const prev = s.previousTimestep(t);
        const expected = prev >= 0 ? s.addNoise(x0, eps, prev) : x0;
        for (let i = 0; i < x.length; i++) expect(x[i]).toBeCloseTo(expected[i]!, 4);
      }
    });
  }
});

describe('DDIM rejects a bad η', () => {
  const s = new DDIMScheduler(TOY);
  s.setTimesteps(2);
  for (const eta of [-0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(String(eta), () => {
      expect(() => s.step(EPS, 2, X_T, { eta, noise: Z })).toThrow(InvalidInputError);
      expect(() => s.step(EPS, 2, X_T, { eta, noise: Z })).toThrow(/'eta' must be a number in \[0, 1\]/);
    });
  }
});
