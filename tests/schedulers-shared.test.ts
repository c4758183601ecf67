import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../sdk/errors/invalid-input-error.js';
import {
  DDIMScheduler,
  DDPMScheduler,
  DPMSolverMultistepScheduler,
  type PredictionType,
  type Scheduler,
  type SchedulerConfig,
  type TimestepSpacing,
} from '../sdk/schedulers/index.js';

// The contract every scheduler keeps, run over each of them.
const SCHEDULERS: Record<string, (config?: SchedulerConfig) => Scheduler> = {
  DDIM: (config) => new DDIMScheduler(config),
  DDPM: (config) => new DDPMScheduler(config),
  'DPM-Solver++': (config) => new DPMSolverMultistepScheduler(config),
};
const PREDICTION_TYPES: PredictionType[] = ['epsilon', 'v_prediction', 'sample'];
const SPACINGS: TimestepSpacing[] = ['leading', 'trailing', 'linspace'];

/** Deterministic pseudo-normal values (a fixed LCG + Box–Muller), enough for tests. */
function gaussian(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 1) / 4294967297;
  return Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

/** x_0 in [−0.9, 0.9], so clipping never changes it. [2, 3, 2, 2] */
const X0 = Float32Array.from({ length: 24 }, (_, i) => 0.9 * Math.sin(1.7 * i + 0.3));

/** What an ideal network would output at x_t, given the true x_0 and ε. */
function oracle(s: Scheduler, type: PredictionType, x0: Float32Array, eps: Float32Array, t: number): Float32Array {
  if (type === 'epsilon') return eps;
  if (type === 'sample') return x0;
  return s.getVelocity(x0, eps, t);
}

/** ε implied by x_t and the true x_0: (x_t − √ᾱ_t x_0) / √(1 − ᾱ_t). */
function impliedNoise(s: Scheduler, xt: Float32Array, x0: Float32Array, t: number): Float32Array {
  const a = s.alphasCumprod[t]!;
  return xt.map((x, i) => (x - Math.sqrt(a) * x0[i]!) / Math.sqrt(1 - a));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

for (const [name, make] of Object.entries(SCHEDULERS)) {
  describe(`${name}: shared scheduler contract`, () => {
    it('has the same methods and the full chain T−1 … 0 before setTimesteps', () => {
      const s = make();
      for (const m of ['setTimesteps', 'step', 'addNoise', 'getVelocity', 'scaleModelInput', 'previousTimestep']) {
        expect(typeof (s as unknown as Record<string, unknown>)[m]).toBe('function');
      }
      expect(s.timesteps).toBeInstanceOf(Int32Array);
      expect(s.timesteps.length).toBe(1000);
      expect(s.timesteps[0]).toBe(999);
      expect(s.timesteps[999]).toBe(0);
      expect(s.alphasCumprod).toBeInstanceOf(Float64Array);
      expect(s.initNoiseSigma).toBe(1);
      s.setTimesteps(25);
      expect(s.numInferenceSteps).toBe(25);
      expect(s.timesteps.length).toBe(25);
      const x = gaussian(6, 1);
      expect(s.scaleModelInput(x, s.timesteps[0]!)).toEqual(x);
    });

    for (const predictionType of PREDICTION_TYPES) {
      it(`recovers x_0 from addNoise(x_0, ε, t) and the exact ${predictionType} output`, () => {
        const s = make({ predictionType, clipSample: false });
        s.setTimesteps(50);
        const eps = gaussian(X0.length, 7);
        for (const t of [s.timesteps[0]!, s.timesteps[10]!, s.timesteps[49]!]) {
          const xt = s.addNoise(X0, eps, t);
          const { predOriginalSample, prevSample } = s.step(oracle(s, predictionType, X0, eps, t), t, xt, {
            noise: gaussian(X0.length, 3),
          });
          // x_t is float32; at t = 980 recovering x_0 divides its rounding error by √ᾱ_t ≈ 0.007 (measured ≤ 4e-6).
          expect(maxAbsDiff(predOriginalSample, X0)).toBeLessThan(2e-5);
          expect(predOriginalSample.length).toBe(X0.length);
          expect(prevSample.length).toBe(X0.length);
        }
      });
    }

    for (const spacing of SPACINGS) {
      it(`an exact ε-network lands on x_0 after the whole ${spacing} schedule`, () => {
        const s = make({ timestepSpacing: spacing });
        s.setTimesteps(10);
        const eps = gaussian(X0.length, 11);
        let x = s.addNoise(X0, eps, s.timesteps[0]!);
        let k = 0;
        for (const t of s.timesteps) {
          x = s.step(impliedNoise(s, x, X0, t), t, x, { noise: gaussian(X0.length, 100 + k++) }).prevSample;
        }
        expect(maxAbsDiff(x, X0)).toBeLessThan(1e-4);
      });
    }

    it('is deterministic and leaves its inputs untouched', () => {
      const s = make();
      s.setTimesteps(20);
      const t = s.timesteps[5]!;
      const sample = gaussian(12, 21);
      const out = gaussian(12, 22);
      const noise = gaussian(12, 23);
      const [sample0, out0, noise0] = [sample.slice(), out.slice(), noise.slice()];
      const a = s.step(out, t, sample, { noise });
      const b = s.step(out, t, sample, { noise });
      expect(a.prevSample).toEqual(b.prevSample);
      expect(a.predOriginalSample).toEqual(b.predOriginalSample);
      expect(a.prevSample).toBeInstanceOf(Float32Array);
      expect(a.prevSample).not.toBe(sample);
      expect([sample, out, noise]).toEqual([sample0, out0, noise0]);
    });

    it('clips the predicted x_0 to clipSampleRange', () => {
      const s = make({ clipSample: true, clipSampleRange: 0.5 });
      s.setTimesteps(10);
      const t = s.timesteps[0]!;
      const { predOriginalSample } = s.step(gaussian(32, 5), t, gaussian(32, 6).map((v) => 3 * v), {
        noise: gaussian(32, 9),
      });
      expect(Math.max(...predOriginalSample.map(Math.abs))).toBeLessThanOrEqual(0.5);
      expect(predOriginalSample.some((v) => Math.abs(v) === 0.5)).toBe(true);
    });

    it('previousTimestep follows the schedule and ends at −1', () => {
      const s = make({ timestepSpacing: 'linspace' });
      s.setTimesteps(4);
      expect(Array.from(s.timesteps)).toEqual([999, 666, 333, 0]);
      expect([999, 666, 333, 0].map((t) => s.previousTimestep(t))).toEqual([666, 333, 0, -1]);
    });

    it('rejects bad numInferenceSteps, naming it', () => {
      const s = make();
      for (const bad of [0, -3, 1001, 2.5, Number.NaN]) {
        expect(() => s.setTimesteps(bad)).toThrow(InvalidInputError);
        expect(() => s.setTimesteps(bad)).toThrow(/'numInferenceSteps' must be an integer in \[1, 1000\]/);
      }
      expect(() => s.setTimesteps(1000)).not.toThrow();
      expect(() => s.setTimesteps(1)).not.toThrow();
    });

    it('rejects bad configs, naming the field', () => {
      expect(() => make({ timestepSpacing: 'evenly' as TimestepSpacing })).toThrow(/'config\.timestepSpacing' must be one of/);
      expect(() => make({ predictionType: 'noise' as PredictionType })).toThrow(/'config\.predictionType'/);
      expect(() => make({ betaSchedule: 'cosine' as never })).toThrow(/'config\.betaSchedule'/);
      expect(() => make({ numTrainTimesteps: 0 })).toThrow(/'config\.numTrainTimesteps'/);
      expect(() => make({ betaEnd: 1.5 })).toThrow(/'config\.betaEnd' must be in \(0, 1\), got 1\.5/);
      expect(() => make({ trainedBetas: [0.1, 0.2] })).toThrow(/'config\.trainedBetas'/);
      expect(() => make({ stepsOffset: -1 })).toThrow(/'config\.stepsOffset'/);
      // a valid offset that pushes the first leading step past T−1
      const s = make({ stepsOffset: 1 });
      expect(() => s.setTimesteps(1000)).toThrow(/'config\.stepsOffset'/);
    });

    it('rejects a timestep outside the schedule, mismatched lengths and missing noise', () => {
      const s = make();
      s.setTimesteps(10);
      const x = gaussian(8, 1);
      expect(() => s.step(x, 901, x)).toThrow(/'t' must be one of the scheduler's current timesteps/);
      expect(() => s.step(x.subarray(1), 900, x)).toThrow(/'modelOutput' must have the length of 'sample' \(8\)/);
      if (name === 'DPM-Solver++') {
        // a deterministic solver: η > 0 is refused, naming the sampler that takes it
        expect(() => s.step(x, 900, x, { eta: 1 })).toThrow(/'eta' must be 0 \(or left out\) with the DPM-Solver\+\+ scheduler/);
      } else {
        expect(() => s.step(x, 900, x, { noise: new Float32Array(3), eta: 1 })).toThrow(/'noise'/);
        expect(() => s.step(x, 900, x, { eta: 1 })).toThrow(/'noise' is required/);
      }
      expect(() => s.step(Array.from(x) as never, 900, x)).toThrow(/'modelOutput' must be a Float32Array/);
    });

    it('addNoise takes one timestep per batch item', () => {
      const s = make();
      const eps = gaussian(X0.length, 4);
      const perItem = s.addNoise(X0, eps, [10, 700]); // X0 as [2, 12]
      expect(perItem.subarray(0, 12)).toEqual(s.addNoise(X0, eps, 10).subarray(0, 12));
      expect(perItem.subarray(12)).toEqual(s.addNoise(X0, eps, 700).subarray(12));
      expect(() => s.addNoise(X0, eps, [1, 2, 3, 4, 5])).toThrow(/'t' must hold one timestep per batch item/);
      expect(() => s.addNoise(X0, eps, 1000)).toThrow(/'t' must be an integer in \[0, 999\], got 1000/);
      expect(() => s.addNoise(X0, eps, [3, -1])).toThrow(/'t\[1\]'/);
      expect(() => s.addNoise(X0, eps.subarray(1), 3)).toThrow(/'noise' must have the length of 'x0'/);
    });
  });
}
