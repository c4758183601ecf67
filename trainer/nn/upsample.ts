import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Conv2d } from './conv2d.js';
import { Module } from './module.js';
import type { Rng } from '../../sdk/random/rng.js';

/**
 * Doubles height and width with nearest-neighbour (each pixel copied into a 2×2 block), then a
 * 3×3 conv. The copy equals tf.image.resizeNearestNeighbor(alignCorners=false,
 * halfPixelCenters=false) at factor 2 and ONNX Resize(nearest, 'asymmetric', 'floor'); it is
 * written with broadcasting so its gradient needs no resize-gradient kernel on any backend.
 */
export class Upsample extends Module {
  readonly conv: Conv2d;

  constructor(rng: Rng, channels: number, outChannels = channels) {
    super();
    this.conv = this.addModule('conv', new Conv2d(rng, channels, outChannels));
  }

  /** x: [B, H, W, C] → [B, 2H, 2W, C'] */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.conv.apply(upsampleNearest2x(x)));
  }

  /** x: [B, C, H, W] → [B, C', 2H, 2W] */
  toOnnx(g: OnnxGraph, x: string): string {
    return this.conv.toOnnx(g, upsampleNearest2xOnnx(g, x, this.onnxName(g, 'Resize')));
  }
}

/** Nearest-neighbour ×2 in NHWC: [B, H, W, C] → [B, 2H, 2W, C]. */
export function upsampleNearest2x(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape;
    const x6 = x.reshape([b, h, 1, w, 1, c]);
    // Multiplying by ones broadcasts each pixel over a 2×2 block; its gradient is a plain sum.
    const tiled = tf.mul(x6, tf.ones([1, 1, 2, 1, 2, 1]));
    return tiled.reshape([b, 2 * h, 2 * w, c]) as tf.Tensor4D;
  });
}

/** ONNX of {@link upsampleNearest2x}, NCHW: [B, C, H, W] → [B, C, 2H, 2W]. */
export function upsampleNearest2xOnnx(g: OnnxGraph, x: string, name: string): string {
  const scales = g.constFloat([1, 1, 2, 2], [4], 'upsample_scales');
  return g.node('Resize', [x, '', scales], {
    mode: { string: 'nearest' },
    coordinate_transformation_mode: { string: 'asymmetric' },
    nearest_mode: { string: 'floor' },
  }, { name })[0]!;
}
