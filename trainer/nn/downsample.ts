import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Conv2d } from './conv2d.js';
import { Module } from './module.js';
import type { Rng } from '../../sdk/random/rng.js';

/**
 * Halves height and width with a stride-2 3×3 conv, padding 1 on every side (as DDPM/diffusers),
 * so even sizes map exactly to half and odd sizes to ceil(H/2).
 */
export class Downsample extends Module {
  readonly conv: Conv2d;

  constructor(rng: Rng, channels: number, outChannels = channels) {
    super();
    this.conv = this.addModule('conv', new Conv2d(rng, channels, outChannels, { stride: 2, padding: 1 }));
  }

  /** x: [B, H, W, C] → [B, ceil(H/2), ceil(W/2), C'] */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return this.conv.apply(x);
  }

  /** x: [B, C, H, W] → [B, C', ceil(H/2), ceil(W/2)] */
  toOnnx(g: OnnxGraph, x: string): string {
    return this.conv.toOnnx(g, x);
  }
}
