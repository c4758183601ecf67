/**
 * The target of progressive distillation (Salimans & Ho 2022, Algorithm 2), in the discrete-time DDIM of our schedules.
 * A student with N steps runs on the 'trailing' grid τ⁽ᴺ⁾ (first timestep T − 1 at any N); the teacher's 2N-step grid
 * contains it (τ⁽ᴺ⁾_i = τ⁽²ᴺ⁾_2i), so one student step t → t'' spans two teacher steps t → t' → t''. With α_t = √ᾱ_t,
 * σ_t = √(1 − ᾱ_t), a deterministic DDIM step from the model's x̂ is
 *   z_s = α_s x̂ + (σ_s / σ_t)(z_t − α_t x̂)
 * and the student's one step must land where the teacher's two did; solving the same step for x̃:
 *   x̃ = (z_t'' − (σ_t''/σ_t) z_t) / (α_t'' − (σ_t''/σ_t) α_t)     (x̃ = z_t'' into t'' = −1, ᾱ = 1)
 * The student predicts v; its loss is ‖v − ṽ‖² with ṽ = (α_t z_t − x̃) / σ_t, which is the paper's x-space loss
 * weighted by SNR + 1 ("SNR+1" weighting, their Section 4).
 */
import { spacedTimesteps } from '../../sdk/schedulers/timesteps.js';
import { WebgenError } from '../errors/webgen-error.js';

/** The student's and the teacher's timesteps, and each student step's three timesteps (−1 = the clean end). */
export interface DistillGrid {
  student: Int32Array;
  teacher: Int32Array;
  /** For student step i: [t, t', t''] with t = student[i], t' = teacher[2i + 1], t'' = student[i + 1] or −1. */
  triple(i: number): [number, number, number];
}

/** The grids of an N-step student of a 2N-step teacher over T training timesteps. */
export function distillGrid(studentSteps: number, trainSteps: number): DistillGrid {
  const spacing = { numTrainTimesteps: trainSteps, timestepSpacing: 'trailing' as const, stepsOffset: 0 };
  const student = spacedTimesteps(studentSteps, spacing);
  const teacher = spacedTimesteps(2 * studentSteps, spacing);
  student.forEach((t, i) => {
    if (teacher[2 * i] !== t) throw new WebgenError(`distillGrid: the ${2 * studentSteps}-step grid does not contain the ${studentSteps}-step one (${teacher[2 * i]} vs ${t} at step ${i}); pick a power-of-two step count`);
  });
  return {
    student,
    teacher,
    triple: (i) => [student[i]!, teacher[2 * i + 1]!, i + 1 < student.length ? student[i + 1]! : -1],
  };
}

/** √ᾱ and √(1 − ᾱ) at timestep t (t = −1: the clean end, ᾱ = 1). */
export function alphaSigma(alphasCumprod: Float64Array, t: number): [number, number] {
  const a = t < 0 ? 1 : alphasCumprod[t]!;
  return [Math.sqrt(a), Math.sqrt(1 - a)];
}

/**
 * x̂ of a v-prediction, x̂ = α z − σ v (per-row timesteps), clipped to [−1, 1] as the SDK's DDIM does when the teacher's
 * schedule says clipSample (pixels; the default) and left as it is when it does not (a latent teacher's unit-variance
 * latents, which clipping would flatten).
 */
export function predictX0(z: Float32Array, v: Float32Array, ab: [number, number][], per: number, clipSample = true): Float32Array {
  const x = new Float32Array(z.length);
  for (let i = 0; i < z.length; i++) {
    const [a, s] = ab[Math.floor(i / per)]!;
    const x0 = a * z[i]! - s * v[i]!;
    x[i] = clipSample ? Math.min(1, Math.max(-1, x0)) : x0;
  }
  return x;
}

/** One deterministic DDIM step per row from timestep (α_t, σ_t) to (α_s, σ_s), given x̂. */
export function ddimStep(z: Float32Array, x0: Float32Array, from: [number, number][], to: [number, number][], per: number): Float32Array {
  const out = new Float32Array(z.length);
  for (let i = 0; i < z.length; i++) {
    const r = Math.floor(i / per);
    const [at, st] = from[r]!;
    const [as, ss] = to[r]!;
    out[i] = as * x0[i]! + (ss / st) * (z[i]! - at * x0[i]!);
  }
  return out;
}

/** The student's v target ṽ (module comment) for rows at t with teacher end point z_t'' at t''. */
export function studentVTarget(zt: Float32Array, ztt: Float32Array, at: [number, number][], att: [number, number][], per: number): Float32Array {
  const out = new Float32Array(zt.length);
  for (let i = 0; i < zt.length; i++) {
    const r = Math.floor(i / per);
    const [a, s] = at[r]!;
    const [a2, s2] = att[r]!;
    const k = s2 / s;
    const x = s2 === 0 ? ztt[i]! : (ztt[i]! - k * zt[i]!) / (a2 - k * a);
    out[i] = (a * zt[i]! - x) / s;
  }
  return out;
}
