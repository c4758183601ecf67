import * as tf from '@tensorflow/tfjs';
import { Module } from './module.js';
import type { Rng } from '../../sdk/random/rng.js';

/**
 * How a weight is normalised:
 * - 'none': used as it is;
 * - 'sn': W / σ(W), spectral normalisation (Miyato et al. 2018);
 * - 'isn': σ(W_init) · W / σ(W), ViTGAN's improved spectral normalisation (Lee et al. 2021, eq. 7):
 *   the layer keeps the scale it was initialised with, which plain SN shrinks to 1 and so slows
 *   transformers down.
 */
export type SpectralNormMode = 'none' | 'sn' | 'isn';
export const SPECTRAL_NORM_MODES: readonly SpectralNormMode[] = ['none', 'sn', 'isn'];

/** Power iterations run at construction to measure σ(W_init) for 'isn' (converged to float32 on every layer we build). */
const INIT_ITERATIONS = 100;

/** A module that owns non-trainable state (checkpointed, never optimised). */
export interface HasBuffers {
  buffers(): Map<string, tf.Variable>;
}

/**
 * Spectral norm σ(W) of a weight by power iteration, with a persistent estimate (Miyato et al.
 * 2018, Algorithm 1). Notation, with the weight viewed as a matrix W̃ [n, m] (all axes but the
 * last flattened: kernels are [..., in, out], so W̃ = Wᵀ of the paper's W [m, n]):
 *
 *   1. v ← W̃ u / ‖W̃ u‖          (paper: ṽ ← Wᵀũ / ‖Wᵀũ‖)
 *   2. u ← W̃ᵀ v / ‖W̃ᵀ v‖        (paper: ũ ← W ṽ / ‖W ṽ‖)
 *   3. σ(W) ≈ vᵀ W̃ u             (paper: ũᵀ W ṽ)
 *
 * `powerIteration()` runs steps 1–2 once (the training loop calls it once per step); `normalize(W)`
 * applies step 3 with u, v held constant (they are not trainable), so the gradient flows through
 * W in both the numerator and σ, as in the paper.
 */
export class SpectralNorm extends Module implements HasBuffers {
  /** [m, 1], m = the weight's last axis. */
  readonly u: tf.Variable;
  /** [n, 1], n = the product of the other axes. */
  readonly v: tf.Variable;
  /** σ(W_init) for 'isn', 1 for 'sn': the factor of W/σ(W). */
  readonly scale: tf.Variable;

  constructor(
    rng: Rng,
    private readonly weight: tf.Variable,
    readonly mode: Exclude<SpectralNormMode, 'none'>,
  ) {
    super();
    const m = weight.shape[weight.shape.length - 1]!;
    const n = weight.size / m;
    const u0 = Float32Array.from({ length: m }, () => rng.normal());
    this.u = tf.variable(tf.tidy(() => l2Normalize(tf.tensor2d(u0, [m, 1]))), false);
    this.v = tf.variable(tf.zeros([n, 1]), false);
    this.scale = tf.variable(tf.scalar(1), false);
    if (mode === 'isn') {
      for (let i = 0; i < INIT_ITERATIONS; i++) this.powerIteration();
      this.scale.assign(this.sigma());
    } else {
      this.powerIteration();
    }
  }

  /** One power-iteration step (1–2 above), outside any gradient. */
  powerIteration(): void {
    tf.tidy(() => {
      const w = this.matrix(this.weight);
      const v = l2Normalize(tf.matMul(w, this.u)); // [n, 1]
      const u = l2Normalize(tf.matMul(w, v, true, false)); // [m, 1]
      this.v.assign(v);
      this.u.assign(u);
    });
  }

  /** The current estimate σ ≈ vᵀ W̃ u of `w` (default the layer's weight), differentiable in w. */
  sigma(w: tf.Tensor = this.weight): tf.Scalar {
    return tf.tidy(() => tf.matMul(tf.matMul(this.v, this.matrix(w), true, false), this.u).reshape([]) as tf.Scalar);
  }

  /** scale · W / σ(W), same shape as the weight. */
  normalize(w: tf.Tensor = this.weight): tf.Tensor {
    return tf.tidy(() => tf.mul(w, tf.div(this.scale, this.sigma(w))));
  }

  buffers(): Map<string, tf.Variable> {
    return new Map([['u', this.u], ['v', this.v], ['scale', this.scale]]);
  }

  override dispose(): void {
    super.dispose();
    for (const b of this.buffers().values()) b.dispose();
  }

  private matrix(w: tf.Tensor): tf.Tensor2D {
    return w.reshape([-1, w.shape[w.shape.length - 1]!]) as tf.Tensor2D;
  }
}

function l2Normalize(x: tf.Tensor): tf.Tensor {
  // ε as in the reference implementations (torch.nn.utils.spectral_norm uses 1e-12 on the norm).
  return tf.div(x, tf.add(tf.norm(x), 1e-12));
}

/** Every buffer of a module tree, keyed by dotted path ('d.blocks.0.attn.q.sn.u'), in a stable order. */
export function namedBuffers(root: Module): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  const walk = (m: Module, prefix: string): void => {
    if (isHasBuffers(m)) for (const [n, b] of m.buffers()) out.set(prefix + n, b);
    for (const [n, c] of m.children()) walk(c, `${prefix}${n}.`);
  };
  walk(root, '');
  return out;
}

/** Every SpectralNorm of a module tree, in a stable order. */
export function spectralNorms(root: Module): SpectralNorm[] {
  const out: SpectralNorm[] = [];
  const walk = (m: Module): void => {
    if (m instanceof SpectralNorm) out.push(m);
    for (const c of m.children().values()) walk(c);
  };
  walk(root);
  return out;
}

function isHasBuffers(m: Module): m is Module & HasBuffers {
  return typeof (m as Partial<HasBuffers>).buffers === 'function';
}
