/**
 * Differentiable augmentation for GANs (DiffAugment, Zhao et al. 2020): the same random transform T is applied to
 * every image D sees, real and generated, in D's and in G's update, so D cannot memorise the few real images and G's
 * gradient flows through T. The three policies of the paper's code, on images in [-1, 1]:
 *   color        brightness x + (u − 0.5); saturation (x − mean_c)·2u + mean_c; contrast (x − mean)·(u + 0.5) + mean
 *   translation  a shift of up to 1/8 of the side in each direction, zero padding (by 0/1 shift matrices, so the
 *                gradient is exact)
 *   cutout       a zeroed square of half the side at a random place
 * Each image draws its own parameters from the run's Rng (drawAugment), so a run stays reproducible and resumable.
 * The same transform family is the T of balanced consistency regularisation (bCR, Zhao et al. 2021; gan-step.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../sdk/random/rng.js';
import { UsageError } from '../errors/usage-error.js';

export type AugmentOp = 'color' | 'translation' | 'cutout';
export const AUGMENT_OPS: readonly AugmentOp[] = ['color', 'translation', 'cutout'];

/** 'color,translation,cutout' → the ops in the paper's order; '' → none. A bad name is a UsageError naming the flag. */
export function parseAugmentPolicy(policy: string, flag = '--diff-augment'): AugmentOp[] {
  const ops = policy.split(',').map((s) => s.trim()).filter(Boolean);
  for (const op of ops) if (!AUGMENT_OPS.includes(op as AugmentOp)) throw new UsageError(`${flag} takes a comma-separated list of ${AUGMENT_OPS.join(', ')} (or '' for none), got '${op}'`);
  if (new Set(ops).size !== ops.length) throw new UsageError(`${flag} names an op twice: '${policy}'`);
  return AUGMENT_OPS.filter((op) => ops.includes(op));
}

/** One batch's transform parameters, per image. */
export interface AugmentDraw {
  ops: readonly AugmentOp[];
  batch: number;
  height: number;
  width: number;
  brightness?: Float32Array;
  saturation?: Float32Array;
  contrast?: Float32Array;
  /** Shifts in pixels, in [−H/8, H/8] and [−W/8, W/8]. */
  shiftY?: Int32Array;
  shiftX?: Int32Array;
  /** [B, H, W, 1] of 0 (cut) and 1. */
  cutoutMask?: Float32Array;
}

/** Draws the parameters of `ops` for a batch of B images H×W (the paper's ratios: translation 1/8, cutout 1/2). */
export function drawAugment(ops: readonly AugmentOp[], B: number, H: number, W: number, rng: Rng): AugmentDraw {
  const d: AugmentDraw = { ops, batch: B, height: H, width: W };
  const u = () => Float32Array.from({ length: B }, () => rng.uniform());
  if (ops.includes('color')) {
    d.brightness = u();
    d.saturation = u();
    d.contrast = u();
  }
  if (ops.includes('translation')) {
    const sy = Math.floor(H * 0.125 + 0.5);
    const sx = Math.floor(W * 0.125 + 0.5);
    d.shiftY = Int32Array.from({ length: B }, () => rng.int(2 * sy + 1) - sy);
    d.shiftX = Int32Array.from({ length: B }, () => rng.int(2 * sx + 1) - sx);
  }
  if (ops.includes('cutout')) {
    const ch = Math.floor(H * 0.5 + 0.5);
    const cw = Math.floor(W * 0.5 + 0.5);
    const mask = new Float32Array(B * H * W).fill(1);
    for (let b = 0; b < B; b++) {
      // the square's centre anywhere on the image (the paper's offsets), clipped at the borders
      const cy = rng.int(H + (1 - (ch % 2))) - Math.floor(ch / 2);
      const cx = rng.int(W + (1 - (cw % 2))) - Math.floor(cw / 2);
      for (let y = Math.max(0, cy); y < Math.min(H, cy + ch); y++) for (let x = Math.max(0, cx); x < Math.min(W, cx + cw); x++) mask[(b * H + y) * W + x] = 0;
    }
    d.cutoutMask = mask;
  }
  return d;
}

/** [B, n, n] matrices moving row r to r + shift (zeros where nothing arrives). */
function shiftMatrices(shifts: Int32Array, n: number): tf.Tensor3D {
  const m = new Float32Array(shifts.length * n * n);
  shifts.forEach((s, b) => {
    for (let r = 0; r < n; r++) {
      const src = r - s;
      if (src >= 0 && src < n) m[(b * n + r) * n + src] = 1;
    }
  });
  return tf.tensor3d(m, [shifts.length, n, n]);
}

/** T(x) for images x [B, H, W, C] with the parameters `d` (differentiable in x). */
export function applyAugment(x: tf.Tensor4D, d: AugmentDraw): tf.Tensor4D {
  if (d.ops.length === 0) return x.clone();
  const [B, H, W, C] = x.shape;
  if (B !== d.batch || H !== d.height || W !== d.width) throw new Error(`applyAugment: drawn for [${d.batch}, ${d.height}, ${d.width}], got [${x.shape.join(', ')}]`);
  return tf.tidy(() => {
    let y: tf.Tensor4D = x;
    const perImage = (v: Float32Array) => tf.tensor4d(v, [B, 1, 1, 1]);
    if (d.brightness) y = tf.add(y, tf.sub(perImage(d.brightness), 0.5));
    if (d.saturation) {
      const mean = tf.mean(y, 3, true);
      y = tf.add(tf.mul(tf.sub(y, mean), tf.mul(perImage(d.saturation), 2)), mean);
    }
    if (d.contrast) {
      const mean = tf.mean(y, [1, 2, 3], true);
      y = tf.add(tf.mul(tf.sub(y, mean), tf.add(perImage(d.contrast), 0.5)), mean);
    }
    if (d.shiftY && d.shiftX) {
      // rows: Ty [B, H, H] · y as [B, H, W·C]; columns: Tx [B, W, W] · yᵀ as [B, W, H·C]
      const rows = tf.matMul(shiftMatrices(d.shiftY, H), y.reshape([B, H, W * C])).reshape([B, H, W, C]);
      const cols = tf.matMul(shiftMatrices(d.shiftX, W), tf.transpose(rows, [0, 2, 1, 3]).reshape([B, W, H * C]));
      y = tf.transpose(cols.reshape([B, W, H, C]), [0, 2, 1, 3]) as tf.Tensor4D;
    }
    if (d.cutoutMask) y = tf.mul(y, tf.tensor4d(d.cutoutMask, [B, H, W, 1]));
    return y;
  });
}
