import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { FourierFeatures } from './fourier-features.js';
import { ModulatedLinear } from './modulated-linear.js';
import { Module } from './module.js';
import type { Rng } from '../../sdk/random/rng.js';

/** Sizes of a {@link SirenPatchDecoder}. */
export interface SirenPatchDecoderOptions {
  /** Fourier features per pixel position. Default 32. */
  fourierFeatures?: number;
  /** Width of the hidden SIREN layer. Default 64. */
  hidden?: number;
  /**
   * Spread of the Fourier features' initial frequencies (radians per unit of the [−1, 1] patch coordinate). Default 1,
   * near CIPS' LFF init (uniform ±√(9/2)); π, the earlier default, puts up to a half cycle between two pixels of a 4×4
   * patch (spacing 2/3).
   */
  freqStd?: number;
}

/**
 * ViTGAN's implicit patch decoder (Lee et al. 2021, §4.2, eq. 9): each output token's embedding y
 * becomes a P×P patch by evaluating a small implicit network at every pixel position of the patch,
 *
 *   x_i(p) = f_θ(E_fou(p), y_i),   p over the P×P grid in [−1, 1]²,
 *
 * with E_fou learned Fourier features and f_θ a 2-layer MLP whose weights y_i modulates:
 * a modulated linear layer with demodulation and a sine activation (SIREN, Sitzmann et al. 2020),
 * then a modulated linear layer without demodulation to C channels.
 */
export class SirenPatchDecoder extends Module {
  readonly fourier: FourierFeatures;
  readonly layer1: ModulatedLinear;
  readonly layer2: ModulatedLinear;
  /** Pixel centres of a patch in [−1, 1]², row-major: [P², 2] as (x, y). */
  readonly coords: Float32Array;

  constructor(rng: Rng, readonly tokenDim: number, readonly patch: number, readonly channels: number, opts: SirenPatchDecoderOptions = {}) {
    super();
    const F = opts.fourierFeatures ?? 32;
    const hidden = opts.hidden ?? 64;
    this.fourier = this.addModule('fourier', new FourierFeatures(rng, 2, F, opts.freqStd ?? 1));
    this.layer1 = this.addModule('layer1', new ModulatedLinear(rng, F, hidden, tokenDim, true));
    this.layer2 = this.addModule('layer2', new ModulatedLinear(rng, hidden, channels, tokenDim, false));
    const P = patch;
    const at = (i: number): number => (P === 1 ? 0 : -1 + (2 * i) / (P - 1));
    this.coords = new Float32Array(P * P * 2);
    for (let r = 0; r < P; r++) for (let c = 0; c < P; c++) this.coords.set([at(c), at(r)], 2 * (r * P + c));
  }

  /** y: [B, L, D] → [B, L, P², C]: pixel (r, c) of token i's patch at [:, i, r·P + c, :]. */
  apply(y: tf.Tensor3D): tf.Tensor4D {
    return tf.tidy(() => {
      const P2 = this.patch * this.patch;
      const e = this.fourier.apply(tf.tensor2d(this.coords, [P2, 2])).reshape([1, 1, P2, -1]) as tf.Tensor4D;
      const h = tf.sin(this.layer1.apply(e, y)) as tf.Tensor4D;
      return this.layer2.apply(h, y);
    });
  }

  /** y: [B, L, D] → [B, L, P², C]. */
  toOnnx(g: OnnxGraph, y: string): string {
    const P2 = this.patch * this.patch;
    const coords = g.constFloat(this.coords, [P2, 2], 'patch_coords');
    const e = g.node('Reshape', [this.fourier.toOnnx(g, coords), g.constInt64([1, 1, P2, -1], 'patch_shape')], {}, { name: this.onnxName(g, 'Reshape') })[0]!;
    const h = g.node('Sin', [this.layer1.toOnnx(g, e, y)], {}, { name: this.onnxName(g, 'Sin') })[0]!;
    return this.layer2.toOnnx(g, h, y);
  }
}
