import { describe, expect, it } from 'vitest';
import { DDIMScheduler, DPMSolverMultistepScheduler, type Scheduler } from '../sdk/schedulers/index.js';

// The toy schedule of the DDIM tests: β = [0.1, 0.2, 0.3, 0.4] → ᾱ = [0.9, 0.72, 0.504, 0.3024].
// setTimesteps(4) with leading spacing visits [3, 2, 1, 0].
const TOY = { numTrainTimesteps: 4, trainedBetas: [0.1, 0.2, 0.3, 0.4], clipSample: false } as const;
const ABAR = [0.9, 0.72, 0.504, 0.3024];
const alpha = (t: number) => Math.sqrt(ABAR[t]!);
const sigma = (t: number) => Math.sqrt(1 - ABAR[t]!);
const lambda = (t: number) => Math.log(alpha(t) / sigma(t));
const X = Float32Array.of(0.5, -0.25);
const EPS1 = Float32Array.of(0.25, 0.125);
const EPS2 = Float32Array.of(-0.5, 0.375);

describe('DPM-Solver++(2M) timesteps', () => {
  it('visits the schedule of the model config (as DDIM does)', () => {
    const s = new DPMSolverMultistepScheduler();
    s.setTimesteps(10);
    expect(Array.from(s.timesteps)).toEqual([900, 800, 700, 600, 500, 400, 300, 200, 100, 0]);
    const t = new DPMSolverMultistepScheduler({ timestepSpacing: 'trailing' });
    t.setTimesteps(5);
    expect(Array.from(t.timesteps)).toEqual([999, 799, 599, 399, 199]);
  });
});

describe('DPM-Solver++(2M) steps by hand (Lu et al. 2022, Algorithm 2)', () => {
  const x0At = (t: number, x: ArrayLike<number>, eps: ArrayLike<number>) => [0, 1].map((i) => (x[i]! - sigma(t) * eps[i]!) / alpha(t));

  it('takes a first-order step first, then a second-order one with r = h₁ / h', () => {
    const s = new DPMSolverMultistepScheduler(TOY);
    s.setTimesteps(4);
    expect(Array.from(s.timesteps)).toEqual([3, 2, 1, 0]);

    // step 1, 3 → 2: x_2 = (σ_2/σ_3) x_3 − α_2 (e^(−h) − 1) x̂_0(3), h = λ_2 − λ_3
    const m3 = x0At(3, X, EPS1);
    const h = lambda(2) - lambda(3);
    const x2 = [0, 1].map((i) => (sigma(2) / sigma(3)) * X[i]! - alpha(2) * (Math.exp(-h) - 1) * m3[i]!);
    const r1 = s.step(EPS1, 3, X);
    [0, 1].forEach((i) => expect(r1.prevSample[i]).toBeCloseTo(x2[i]!, 6));
    [0, 1].forEach((i) => expect(r1.predOriginalSample[i]).toBeCloseTo(m3[i]!, 6));

    // step 2, 2 → 1, written as diffusers' multistep_dpm_solver_second_order_update:
    //   D0 = m0, D1 = (m0 − m1) / r0, x = (σ_1/σ_2) x − α_1 (e^(−h) − 1) D0 − ½ α_1 (e^(−h) − 1) D1
    const x2f = Float32Array.from(r1.prevSample);
    const m2 = x0At(2, x2f, EPS2);
    const hh = lambda(1) - lambda(2);
    const r0 = (lambda(2) - lambda(3)) / hh;
    const x1 = [0, 1].map((i) => {
      const D0 = m2[i]!;
      const D1 = (m2[i]! - m3[i]!) / r0;
      return (sigma(1) / sigma(2)) * x2f[i]! - alpha(1) * (Math.exp(-hh) - 1) * D0 - 0.5 * alpha(1) * (Math.exp(-hh) - 1) * D1;
    });
    const r2 = s.step(EPS2, 2, x2f);
    [0, 1].forEach((i) => expect(r2.prevSample[i]).toBeCloseTo(x1[i]!, 6));
    // and a first-order step from the same point differs: the second-order term is used
    const fresh = new DPMSolverMultistepScheduler(TOY);
    fresh.setTimesteps(4);
    expect(Math.abs(fresh.step(EPS2, 2, x2f).prevSample[0]! - r2.prevSample[0]!)).toBeGreaterThan(1e-3);
  });

  it('lands on x̂_0 in the last step (into ᾱ = 1) and forgets its history on setTimesteps', () => {
    const s = new DPMSolverMultistepScheduler(TOY);
    s.setTimesteps(4);
    s.step(EPS1, 3, X);
    s.step(EPS1, 2, X);
    s.step(EPS1, 1, X);
    const last = s.step(EPS2, 0, X);
    [0, 1].forEach((i) => expect(last.prevSample[i]).toBeCloseTo(x0At(0, X, EPS2)[i]!, 6));
    s.setTimesteps(4);
    const again = new DPMSolverMultistepScheduler(TOY);
    again.setTimesteps(4);
    s.step(EPS1, 3, X);
    again.step(EPS1, 3, X);
    expect(s.step(EPS2, 2, X).prevSample).toEqual(again.step(EPS2, 2, X).prevSample);
  });
});

/**
 * 1-d data N(μ, s²): the exact denoiser is E[x_0 | x_t] = μ + α s² (x_t − α μ) / (α² s² + σ²), so the probability-flow
 * ODE can be solved to any accuracy (DDIM with 1000 steps) and a sampler's error at few steps measured against it.
 */
function solve(make: () => Scheduler, steps: number, xT: Float32Array): Float32Array {
  const mu = 0.6;
  const s2 = 1; // data of unit variance, as normalised pixels roughly are
  const sch = make();
  sch.setTimesteps(steps);
  let x = xT;
  for (const t of sch.timesteps) {
    const a = Math.sqrt(sch.alphasCumprod[t]!);
    const sg2 = 1 - sch.alphasCumprod[t]!;
    const eps = x.map((v) => {
      const x0 = mu + (a * s2 * (v - a * mu)) / (a * a * s2 + sg2);
      return (v - a * x0) / Math.sqrt(sg2);
    });
    x = sch.step(Float32Array.from(eps), t, x).prevSample;
  }
  return x;
}

describe('DPM-Solver++(2M) against the exact ODE solution', () => {
  it('is closer at 10 steps than DDIM at 10 and, at 20, closer than DDIM at 50', () => {
    const xT = Float32Array.of(-1.5, -0.3, 0.4, 1.2, 2.1);
    // linspace: starts at t = 999 as the 1000-step reference does (leading starts at 900: another ODE start)
    const cfg = { betaSchedule: 'linear' as const, clipSample: false, timestepSpacing: 'linspace' as const };
    const exact = solve(() => new DDIMScheduler(cfg), 1000, xT);
    const err = (x: Float32Array) => Math.max(...x.map((v, i) => Math.abs(v - exact[i]!)));
    const ddim = (n: number) => err(solve(() => new DDIMScheduler(cfg), n, xT));
    const dpm = (n: number) => err(solve(() => new DPMSolverMultistepScheduler(cfg), n, xT));
    // measured: DDIM 0.385 / 0.189 / 0.073 at 10 / 20 / 50 steps; DPM-Solver++ 0.141 / 0.005 at 10 / 20
    expect(dpm(10)).toBeLessThan(ddim(10) / 2);
    expect(dpm(20)).toBeLessThan(ddim(50) / 5);
  });
});
