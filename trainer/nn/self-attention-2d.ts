import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Module } from './module.js';
import { makeLinear, type LinearLayer } from './sn-dense.js';
import type { SpectralNormMode } from './spectral-norm.js';
import type { Rng } from '../../sdk/random/rng.js';

/**
 * SAGAN's self-attention over the positions of a feature map (Zhang et al. 2019, §3):
 *
 *   f = W_f x, g = W_g x  (C/8 channels),  h = W_h x  (C/2),
 *   β_{j,i} = softmax_i(f_iᵀ g_j),   o_j = W_o Σ_i β_{j,i} h_i,   y = x + γ·o,
 *
 * 1×1 convolutions written as linear maps over the channel axis; γ starts at 0 so the block starts
 * as the identity and attention is blended in as it learns. All four maps spectrally normalised in
 * SAGAN (spectralNorm 'sn').
 */
export class SelfAttention2d extends Module {
  readonly f: LinearLayer;
  readonly g: LinearLayer;
  readonly h: LinearLayer;
  readonly o: LinearLayer;
  readonly gamma: tf.Variable; // scalar, as [1]

  constructor(rng: Rng, readonly channels: number, spectralNorm: SpectralNormMode = 'none') {
    super();
    const c8 = Math.max(1, Math.floor(channels / 8));
    const c2 = Math.max(1, Math.floor(channels / 2));
    this.f = this.addModule('f', makeLinear(rng, channels, c8, spectralNorm, { bias: false }));
    this.g = this.addModule('g', makeLinear(rng, channels, c8, spectralNorm, { bias: false }));
    this.h = this.addModule('h', makeLinear(rng, channels, c2, spectralNorm, { bias: false }));
    this.o = this.addModule('o', makeLinear(rng, c2, channels, spectralNorm, { bias: false }));
    this.gamma = this.addParam('gamma', [1], { kind: 'zeros' }, rng);
  }

  /** x: [B, H, W, C] → same shape. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const [b, hh, ww, c] = x.shape;
      const tokens = x.reshape([b, hh * ww, c]); // [B, N, C]
      const f = this.f.apply(tokens);
      const gk = this.g.apply(tokens);
      const beta = tf.softmax(tf.matMul(f, gk, false, true), -1); // [B, N, N]: row j attends over i
      const o = this.o.apply(tf.matMul(beta, this.h.apply(tokens))); // [B, N, C]
      return tf.add(x, tf.mul(o, this.gamma).reshape([b, hh, ww, c])) as tf.Tensor4D;
    });
  }

  /** x: [B, C, H, W] → same shape. */
  toOnnx(g: OnnxGraph, x: string): string {
    const n = (op: string, inputs: string[], attrs = {}): string => g.node(op, inputs, attrs, { name: this.onnxName(g, op) })[0]!;
    const shape = n('Shape', [x]);
    const tokens = n('Transpose', [n('Reshape', [x, g.constInt64([0, this.channels, -1], 'sa_flat')])], { perm: { ints: [0, 2, 1] } }); // [B, N, C]
    const f = this.f.toOnnx(g, tokens);
    const gT = n('Transpose', [this.g.toOnnx(g, tokens)], { perm: { ints: [0, 2, 1] } });
    const beta = n('Softmax', [n('MatMul', [f, gT])], { axis: { int: -1 } });
    const o = this.o.toOnnx(g, n('MatMul', [beta, this.h.toOnnx(g, tokens)])); // [B, N, C]
    const back = n('Reshape', [n('Transpose', [o], { perm: { ints: [0, 2, 1] } }), shape]); // [B, C, H, W]
    const gamma = g.addInitializer(`${this.path}.gamma`, Float32Array.from(this.gamma.dataSync() as Float32Array), []);
    return n('Add', [x, n('Mul', [back, gamma])]);
  }
}
