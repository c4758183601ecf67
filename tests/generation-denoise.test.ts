import { describe, expect, it } from 'vitest';
import { applyGuidance } from '../sdk/generation/guidance.js';
import { denoise, type DenoiseModel } from '../sdk/generation/denoise.js';
import { Rng } from '../sdk/random/rng.js';
import { DDIMScheduler } from '../sdk/schedulers/ddim.js';
import { DDPMScheduler } from '../sdk/schedulers/ddpm.js';

// An oracle ε-model for a single known image x0: ε = (x_t − √ᾱ_t x0) / √(1 − ᾱ_t).
function oracle(x0: Float32Array, alphasCumprod: Float64Array): DenoiseModel {
  return async (x, t) => {
    const a = alphasCumprod[t]!;
    return { conditional: x.map((v, i) => (v - Math.sqrt(a) * x0[i]!) / Math.sqrt(1 - a)) };
  };
}

describe('the shared denoising loop', () => {
  const x0 = new Float32Array([0.5, -0.25, 0.9, -1, 0, 0.3]);

  it('DDIM (η = 0) with an exact model lands on x0', async () => {
    const scheduler = new DDIMScheduler();
    const out = await denoise({ scheduler, model: oracle(x0, scheduler.alphasCumprod), size: x0.length, steps: 20, rng: new Rng(1) });
    for (let i = 0; i < x0.length; i++) expect(out[i]).toBeCloseTo(x0[i]!, 4);
  });

  it('DDPM (ancestral, 1000 steps) with an exact model lands on x0 too', async () => {
    const scheduler = new DDPMScheduler();
    const out = await denoise({ scheduler, model: oracle(x0, scheduler.alphasCumprod), size: x0.length, steps: 1000, rng: new Rng(2) });
    for (let i = 0; i < x0.length; i++) expect(out[i]).toBeCloseTo(x0[i]!, 3);
  });

  it('the same seed gives the same result; onStep reports every step with a preview', async () => {
    const scheduler = new DDIMScheduler();
    const model: DenoiseModel = async (x) => ({ conditional: x.map((v) => 0.5 * v) });
    const seen: number[] = [];
    const a = await denoise({ scheduler, model, size: 8, steps: 5, eta: 1, rng: new Rng(3), onStep: (s) => seen.push(s.step) });
    const b = await denoise({ scheduler: new DDIMScheduler(), model, size: 8, steps: 5, eta: 1, rng: new Rng(3) });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('guidance combines conditional and unconditional outputs as ε_u + s(ε_c − ε_u)', async () => {
    expect(Array.from(applyGuidance(new Float32Array([1, 2]), new Float32Array([0, 4]), 3))).toEqual([3, -2]);
    let calls = 0;
    const model: DenoiseModel = async (x, _t, withUncond) => {
      calls++;
      expect(withUncond).toBe(true);
      return { conditional: x.map(() => 1), unconditional: x.map(() => 0) };
    };
    await denoise({ scheduler: new DDIMScheduler(), model, size: 4, steps: 3, guidanceScale: 2, rng: new Rng(4) });
    expect(calls).toBe(3);
  });

  it('guidanceInterval guides only the steps whose timestep lies in [lo·T, hi·T]; the others run the conditional model alone', async () => {
    // 10 DDIM steps over T = 1000 ('leading'): timesteps 900, 800, …, 0.
    const seen: [number, boolean][] = [];
    const model: DenoiseModel = async (x, t, withUncond) => {
      seen.push([t, withUncond]);
      return { conditional: x.map(() => 1), ...(withUncond && { unconditional: x.map(() => 0) }) };
    };
    const guidedAt = async (interval?: readonly [number, number]) => {
      seen.length = 0;
      await denoise({ scheduler: new DDIMScheduler(), model, size: 4, steps: 10, guidanceScale: 3, rng: new Rng(6), ...(interval && { guidanceInterval: interval }) });
      return seen.filter(([, g]) => g).map(([t]) => t);
    };
    expect(await guidedAt()).toEqual([900, 800, 700, 600, 500, 400, 300, 200, 100, 0]);
    expect(await guidedAt([0.3, 1])).toEqual([900, 800, 700, 600, 500, 400, 300]);
    expect(await guidedAt([0.2, 0.55])).toEqual([500, 400, 300, 200]);
    expect(await guidedAt([1, 1])).toEqual([]);
    // Unguided steps use the conditional output as it is: with ε_c = 1 everywhere, the result is the same as scale 1.
    const ones: DenoiseModel = async (x, _t, withUncond) => ({ conditional: x.map(() => 1), ...(withUncond && { unconditional: x.map(() => 1) }) });
    const a = await denoise({ scheduler: new DDIMScheduler(), model: ones, size: 4, steps: 10, guidanceScale: 3, guidanceInterval: [0.5, 1], rng: new Rng(7) });
    const b = await denoise({ scheduler: new DDIMScheduler(), model: ones, size: 4, steps: 10, rng: new Rng(7) });
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it.each([[[0.5, 0.2]], [[-0.1, 1]], [[0, 1.5]], [[0, Number.NaN]], [[0.3]], ['0.3,1']])('rejects guidanceInterval %j by name', async (interval) => {
    const model: DenoiseModel = async (x) => ({ conditional: x });
    await expect(
      denoise({ model, size: 4, rng: new Rng(5), scheduler: new DDIMScheduler(), steps: 5, guidanceScale: 2, guidanceInterval: interval as unknown as [number, number] }),
    ).rejects.toThrow(/'guidanceInterval' must be \[lo, hi\] with 0 ≤ lo ≤ hi ≤ 1/);
  });

  it('rejects bad steps and guidance by name, and stops when aborted', async () => {
    const model: DenoiseModel = async (x) => ({ conditional: x });
    const base = { model, size: 4, rng: new Rng(5) };
    await expect(denoise({ ...base, scheduler: new DDIMScheduler(), steps: 0 })).rejects.toThrow(/'steps' must be an integer in \[1, 1000\]/);
    await expect(denoise({ ...base, scheduler: new DDIMScheduler(), steps: 1001 })).rejects.toThrow(/'steps'/);
    await expect(denoise({ ...base, scheduler: new DDIMScheduler(), steps: 5, guidanceScale: Number.NaN })).rejects.toThrow(/'guidanceScale' must be a finite number/);
    const ctrl = new AbortController();
    ctrl.abort(new Error('stop here'));
    await expect(denoise({ ...base, scheduler: new DDIMScheduler(), steps: 5, signal: ctrl.signal })).rejects.toThrow(/stop here/);
  });
});
