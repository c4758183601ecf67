import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Fused group normalisation for the wasm backend, forward and backward, as two kernels that loop
 * over the backend's heap in JS (trainer/nn/group-norm.ts pairs them with tf.customGrad).
 * Written as tfjs ops, one GroupNorm is ~10 kernels forward and ~20 backward, each a pass over
 * the activation with its own allocation; these are two passes each way.
 *
 * SiLU is not fused in: a JS loop pays ~15 ns per Math.exp against ~1.5 ns per element for wasm's
 * vectorised Sigmoid + Multiply (measured on [32, 32, 32, 64]), so the layer after stays as it is.
 *
 * Notation, x [B, H, W, C] (NHWC) with C = G·Cg, a group g = channels [g·Cg, (g+1)·Cg), N = H·W·Cg:
 *
 *   μ_bg = mean of x over the group's N values     σ⁻¹_bg = 1/√(var_bg + ε)   (biased variance)
 *   x̂ = (x − μ)·σ⁻¹     y = γ_c·x̂ + β_c
 *
 * Backward from dy:
 *
 *   dβ_c = Σ_{b,pos} dy     dγ_c = Σ_{b,pos} dy·x̂
 *   dx   = σ⁻¹·(γ_c·dy − (A_bg + x̂·B_bg)/N),   A_bg = Σ_{c∈g,pos} γ_c·dy,   B_bg = Σ_{c∈g,pos} γ_c·dy·x̂
 *
 * Sums are taken in float64 (JS numbers), so the statistics are at least as exact as the composite's
 * float32 moments. The loops run on one thread, as wasm's own element-wise kernels do; JS has no SIMD, so a
 * pass costs ~3 ns per element against ~0.7 for a wasm Multiply: the gain is in doing 2 passes instead of ~10.
 */

/** Kernel names (not tfjs ones: only trainer/nn/group-norm.ts calls them, through engine.runKernel). */
export const GROUP_NORM = 'WebgenGroupNorm';
export const GROUP_NORM_GRAD = 'WebgenGroupNormGrad';

/** Attributes of both kernels. */
export interface GroupNormAttrs {
  groups: number;
  eps: number;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: {}; attrs?: tf.NamedAttrMap };

function heap(backend: BackendWasm, t: tf.TensorInfo): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`webgen GroupNorm kernels take float32 tensors, got ${t.dtype}`);
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** The attributes and sizes both kernels loop over: x [B, H, W, C], P = H·W positions, Cg channels a group, N = P·Cg. */
function layout(args: KernelArgs, x: tf.TensorInfo) {
  const { groups, eps } = args.attrs as unknown as GroupNormAttrs;
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const cg = C / groups;
  return { backend: args.backend as BackendWasm, groups, eps, B, C, cg, P: H * W, n: H * W * cg };
}

/** Σ over the channels of group g of v[c] (times w[c] when given). */
function groupSum(v: Float64Array, g: number, cg: number, w?: Float32Array): number {
  let s = 0;
  for (let c = g * cg; c < (g + 1) * cg; c++) s += w ? w[c]! * v[c]! : v[c]!;
  return s;
}

/** inputs x [B, H, W, C], gamma [C], beta [C] → [y [B, H, W, C], mean [B, G], rstd [B, G]]. */
function groupNorm(args: KernelArgs): tf.TensorInfo[] {
  const { x, gamma, beta } = args.inputs as { x: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo };
  const { backend, groups, eps, B, C, cg, P, n } = layout(args, x);
  // Allocate first: a malloc may grow the heap and detach earlier views.
  const out = backend.makeOutput(x.shape, 'float32');
  const meanOut = backend.makeOutput([B, groups], 'float32');
  const rstdOut = backend.makeOutput([B, groups], 'float32');
  const [xs, gs, bs, ys, ms, rs] = [x, gamma, beta, out, meanOut, rstdOut].map((t) => heap(backend, t)) as Float32Array[];
  const s1 = new Float64Array(C);
  const s2 = new Float64Array(C);
  const scale = new Float64Array(C);
  const shift = new Float64Array(C);
  for (let b = 0; b < B; b++) {
    const base = b * P * C;
    // 1. per-channel Σx, Σx² over positions, then per group
    s1.fill(0);
    s2.fill(0);
    for (let p = 0, i = base; p < P; p++) {
      for (let c = 0; c < C; c++, i++) {
        const v = xs[i]!;
        s1[c] += v;
        s2[c] += v * v;
      }
    }
    for (let g = 0; g < groups; g++) {
      const mean = groupSum(s1, g, cg) / n;
      const rstd = 1 / Math.sqrt(Math.max(groupSum(s2, g, cg) / n - mean * mean, 0) + eps);
      ms[b * groups + g] = mean;
      rs[b * groups + g] = rstd;
      for (let c = g * cg; c < (g + 1) * cg; c++) {
        scale[c] = gs[c]! * rstd;
        shift[c] = bs[c]! - mean * rstd * gs[c]!;
      }
    }
    // 2. y = x·(γσ⁻¹) + (β − μγσ⁻¹)
    for (let p = 0, i = base; p < P; p++) {
      for (let c = 0; c < C; c++, i++) ys[i] = xs[i]! * scale[c]! + shift[c]!;
    }
  }
  return [out, meanOut, rstdOut];
}

/** inputs dy [B, H, W, C] (the gradient of the forward's first output), x, gamma, mean [B, G], rstd [B, G]
 * → [dx [B, H, W, C], dgamma [C], dbeta [C]]. */
function groupNormGrad(args: KernelArgs): tf.TensorInfo[] {
  const { dy, x, gamma, mean, rstd } = args.inputs as Record<'dy' | 'x' | 'gamma' | 'mean' | 'rstd', tf.TensorInfo>;
  const { backend, groups, B, C, cg, P, n } = layout(args, x);
  const dxOut = backend.makeOutput(x.shape, 'float32');
  const dgOut = backend.makeOutput([C], 'float32');
  const dbOut = backend.makeOutput([C], 'float32');
  const [dys, xs, gs, ms, rs, dxs] = [dy, x, gamma, mean, rstd, dxOut].map((t) => heap(backend, t)) as Float32Array[];
  const dgamma = new Float64Array(C);
  const dbeta = new Float64Array(C);
  const sd = new Float64Array(C); // Σ dy over positions
  const sdx = new Float64Array(C); // Σ dy·x̂
  const mu = new Float64Array(C); // μ, σ⁻¹ of each channel's group
  const rc = new Float64Array(C);
  const k1 = new Float64Array(C); // dx = k1·dy + k2·x + k3
  const k2 = new Float64Array(C);
  const k3 = new Float64Array(C);
  for (let b = 0; b < B; b++) {
    const base = b * P * C;
    for (let c = 0; c < C; c++) {
      const g = (c / cg) | 0;
      mu[c] = ms[b * groups + g]!;
      rc[c] = rs[b * groups + g]!;
    }
    // 1. Σ dy, Σ dy·x̂ per channel
    sd.fill(0);
    sdx.fill(0);
    for (let p = 0, i = base; p < P; p++) {
      for (let c = 0; c < C; c++, i++) {
        const xh = (xs[i]! - mu[c]!) * rc[c]!;
        const d = dys[i]!;
        sd[c] += d;
        sdx[c] += d * xh;
      }
    }
    // 2. per group A, B; the per-channel coefficients of dx
    for (let g = 0; g < groups; g++) {
      const A = groupSum(sd, g, cg, gs);
      const Bg = groupSum(sdx, g, cg, gs);
      for (let c = g * cg; c < (g + 1) * cg; c++) {
        const r = rc[c]!;
        k1[c] = r * gs[c]!;
        k2[c] = (-r * r * Bg) / n; // −σ⁻¹·x̂·B/N, x̂ = (x − μ)σ⁻¹
        k3[c] = (-r * A) / n + (mu[c]! * r * r * Bg) / n;
      }
    }
    for (let c = 0; c < C; c++) {
      dbeta[c] += sd[c]!;
      dgamma[c] += sdx[c]!;
    }
    // 3. dx
    for (let p = 0, i = base; p < P; p++) {
      for (let c = 0; c < C; c++, i++) dxs[i] = k1[c]! * dys[i]! + k2[c]! * xs[i]! + k3[c]!;
    }
  }
  heap(backend, dgOut).set(dgamma);
  heap(backend, dbOut).set(dbeta);
  return [dxOut, dgOut, dbOut];
}

export const groupNormConfig: tf.KernelConfig = { kernelName: GROUP_NORM, backendName: 'wasm', kernelFunc: groupNorm as unknown as tf.KernelFunc };
export const groupNormGradConfig: tf.KernelConfig = { kernelName: GROUP_NORM_GRAD, backendName: 'wasm', kernelFunc: groupNormGrad as unknown as tf.KernelFunc };
