import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Conv2d } from './conv2d.js';
import { Dense } from './dense.js';
import { GroupNorm } from './group-norm.js';
import { Module } from './module.js';
import type { Rng } from '../../sdk/random/rng.js';
import { SiLU } from './silu.js';

/**
 * DDPM residual block conditioned on a time embedding:
 *   h = Conv3x3(SiLU(GroupNorm(x)))
 *   h = h + Dense(SiLU(temb))            // broadcast over positions; absent when tembDim is 0 (autoencoders)
 *   h = Conv3x3(SiLU(GroupNorm(h)))
 *   y = skip(x) + h                      // skip = 1×1 conv when channels change, else identity
 */
export class ResBlock extends Module {
  readonly norm1: GroupNorm;
  readonly conv1: Conv2d;
  readonly tembProj: Dense | null;
  readonly norm2: GroupNorm;
  readonly conv2: Conv2d;
  readonly skip: Conv2d | null;
  private readonly act: SiLU;

  constructor(
    rng: Rng,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly tembDim: number,
    /** Groups of both GroupNorms (must divide in and out channels). */
    readonly groups: number,
  ) {
    super();
    this.act = this.addModule('act', new SiLU());
    this.norm1 = this.addModule('norm1', new GroupNorm(rng, groups, inChannels));
    this.conv1 = this.addModule('conv1', new Conv2d(rng, inChannels, outChannels));
    this.tembProj = tembDim > 0 ? this.addModule('temb_proj', new Dense(rng, tembDim, outChannels)) : null;
    this.norm2 = this.addModule('norm2', new GroupNorm(rng, groups, outChannels));
    this.conv2 = this.addModule('conv2', new Conv2d(rng, outChannels, outChannels));
    this.skip = inChannels !== outChannels
      ? this.addModule('skip', new Conv2d(rng, inChannels, outChannels, { kernelSize: 1 }))
      : null;
  }

  /** x: [B, H, W, Cin], temb: [B, T] (none when tembDim is 0) → [B, H, W, Cout]. */
  apply(x: tf.Tensor4D, temb?: tf.Tensor2D): tf.Tensor4D {
    return tf.tidy(() => {
      let h = this.conv1.apply(this.act.apply(this.norm1.apply(x)));
      if (this.tembProj) {
        const t = this.tembProj.apply(this.act.apply(temb!)); // [B, Cout]
        h = tf.add(h, t.reshape([t.shape[0], 1, 1, this.outChannels]));
      }
      h = this.conv2.apply(this.act.apply(this.norm2.apply(h)));
      const skip = this.skip ? this.skip.apply(x) : x;
      return tf.add(skip, h) as tf.Tensor4D;
    });
  }

  /** x: [B, Cin, H, W], temb: [B, T] (none when tembDim is 0) → [B, Cout, H, W]. */
  toOnnx(g: OnnxGraph, x: string, temb?: string): string {
    const n = (op: string, inputs: string[]): string => g.node(op, inputs, {}, { name: this.onnxName(g, op) })[0];
    let h = this.conv1.toOnnx(g, this.act.toOnnx(g, this.norm1.toOnnx(g, x)));
    if (this.tembProj) {
      const t = this.tembProj.toOnnx(g, this.act.toOnnx(g, temb!)); // [B, Cout]
      h = n('Add', [h, n('Unsqueeze', [t, g.constInt64([2, 3], 'axes')])]); // + [B, Cout, 1, 1]
    }
    h = this.conv2.toOnnx(g, this.act.toOnnx(g, this.norm2.toOnnx(g, h)));
    const skip = this.skip ? this.skip.toOnnx(g, x) : x;
    return n('Add', [skip, h]);
  }
}
