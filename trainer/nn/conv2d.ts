import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Module } from './module.js';
import type { Rng } from '../../sdk/random/rng.js';

/** Options of {@link Conv2d}. */
export interface Conv2dOptions {
  /** Square kernel size. Default 3. */
  kernelSize?: number;
  /** Stride in both directions. Default 1. */
  stride?: number;
  /**
   * Zero padding on every side. Default (kernelSize - 1) / 2 ("same" for odd kernels at stride 1;
   * at stride 2 with a 3×3 kernel it is PyTorch's padding=1, which is symmetric, unlike TF 'same').
   */
  padding?: number;
  /** Start with all-zero weights and bias (DDPM's last conv). Default false. */
  zeroInit?: boolean;
}

/**
 * 2-D convolution with bias. tfjs: input [B, H, W, Cin], kernel HWIO [k, k, Cin, Cout].
 * ONNX: input [B, Cin, H, W], weight OIHW [Cout, Cin, k, k].
 */
export class Conv2d extends Module {
  readonly kernel: tf.Variable; // [k, k, Cin, Cout]
  readonly bias: tf.Variable; // [Cout]
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;

  constructor(
    rng: Rng,
    readonly inChannels: number,
    readonly outChannels: number,
    opts: Conv2dOptions = {},
  ) {
    super();
    this.kernelSize = opts.kernelSize ?? 3;
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? Math.floor((this.kernelSize - 1) / 2);
    const k = this.kernelSize;
    const bound = 1 / Math.sqrt(inChannels * k * k);
    const init = opts.zeroInit ? { kind: 'zeros' as const } : { kind: 'uniform' as const, bound };
    this.kernel = this.addParam('kernel', [k, k, inChannels, outChannels], init, rng);
    this.bias = this.addParam('bias', [outChannels], init, rng);
  }

  /** x: [B, H, W, Cin] → [B, H', W', Cout]. `kernel` replaces the own kernel (spectral norm passes W/σ). */
  apply(x: tf.Tensor4D, kernel: tf.Tensor = this.kernel): tf.Tensor4D {
    return conv2dForward(x, kernel as tf.Tensor4D, this.bias, this.stride, this.padding);
  }

  /** x: [B, Cin, H, W] → [B, Cout, H', W']. `kernel` (HWIO) replaces the own kernel's values, under the same name. */
  toOnnx(g: OnnxGraph, x: string, kernel?: tf.Tensor): string {
    const w = kernel
      ? g.addInitializer(`${this.path ? `${this.path}.` : ''}kernel`, ...hwioToOihw(kernel))
      : this.exportParam(g, 'kernel', [3, 2, 0, 1]); // HWIO → OIHW
    const b = this.exportParam(g, 'bias');
    const k = this.kernelSize;
    const p = this.padding;
    const [y] = g.node('Conv', [x, w, b], {
      kernel_shape: { ints: [k, k] },
      strides: { ints: [this.stride, this.stride] },
      pads: { ints: [p, p, p, p] },
      dilations: { ints: [1, 1] },
      group: { int: 1 },
    }, { name: this.onnxName(g, 'Conv') });
    return y;
  }
}

/** Convolution with bias and symmetric zero padding `padding`, NHWC in and out. */
export function conv2dForward(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor, stride: number, padding: number): tf.Tensor4D {
  return tf.tidy(() => {
    const p = padding;
    const isSame = stride === 1 && 2 * p === kernel.shape[0] - 1;
    // Explicit padding via tf.pad + 'valid' keeps to kernels every backend (and its gradients) has.
    const input = isSame || p === 0 ? x : tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]);
    const y = tf.conv2d(input, kernel, stride, isSame ? 'same' : 'valid');
    return tf.add(y, bias) as tf.Tensor4D;
  });
}

/** A kernel's values HWIO → OIHW, as ONNX Conv wants them. */
function hwioToOihw(kernel: tf.Tensor): [Float32Array, number[]] {
  return tf.tidy(() => {
    const t = tf.transpose(kernel, [3, 2, 0, 1]);
    return [Float32Array.from(t.dataSync() as Float32Array), t.shape];
  });
}
