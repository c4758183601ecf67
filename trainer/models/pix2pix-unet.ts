/**
 * The pix2pix generator (Isola et al. 2017, §3.2.1 and appendix 6.1.1): a U-Net encoder–decoder whose decoder at each
 * resolution also sees the encoder's features of that resolution (skip connections), so that the low-level layout a
 * translation keeps (an emoji's outline and position) need not squeeze through the bottleneck.
 *
 * Encoder C_k: 4×4 conv, stride 2 → instance norm → LeakyReLU 0.2; no norm on the first layer (as the paper) nor on
 * the innermost one (at 2×2 or 1×1 an instance norm has almost nothing to average over).
 * Decoder: nearest ×2 + 3×3 conv (nn/upsample.ts) → instance norm → ReLU, then concatenated with the skip; the last
 * layer maps to the image's channels with tanh. Two departures from the paper, on purpose: resize + conv instead of
 * transposed convolutions (no checkerboard artefacts, Odena et al. 2016; the DCGAN here does the same), and no dropout
 * (the paper uses it as G's only noise and reports the outputs barely vary with it; without it the exported model is
 * a deterministic function, which the SDK and the parity check need).
 *
 * Instance norm is GroupNorm with one channel per group (nn/group-norm.ts): each image normalised on its own, so a
 * translation never depends on the rest of its batch (the paper's batch of 1 gives the same statistics).
 */
import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Conv2d } from '../nn/conv2d.js';
import { GroupNorm } from '../nn/group-norm.js';
import { LeakyReLU } from '../nn/leaky-relu.js';
import { Module, ModuleList } from '../nn/module.js';
import { Upsample } from '../nn/upsample.js';
import { Rng } from '../../sdk/random/rng.js';

export interface UnetTranslatorConfig {
  /** Image side; divisible by 2^widths.length. */
  imageSize: number;
  /** Channels of the input and of the output image (4: RGBA). */
  channels: number;
  /** Channels of each encoder level, outermost first: `widths.length` halvings ([32, 64, 128] at 64 px: 8×8 inside). */
  widths: readonly number[];
}

/** Instance norm: GroupNorm with as many groups as channels. */
export const instanceNorm = (rng: Rng, channels: number): GroupNorm => new GroupNorm(rng, channels, channels);

/** 4×4 conv, stride 2, padding 1 (halves the side) → optional instance norm → LeakyReLU 0.2. */
class DownBlock extends Module {
  readonly conv: Conv2d;
  readonly norm: GroupNorm | null;
  readonly act = new LeakyReLU(0.2);
  constructor(rng: Rng, cin: number, cout: number, norm: boolean) {
    super();
    this.conv = this.addModule('conv', new Conv2d(rng, cin, cout, { kernelSize: 4, stride: 2, padding: 1 }));
    this.norm = norm ? this.addModule('norm', instanceNorm(rng, cout)) : null;
  }
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const y = this.conv.apply(x);
      return this.act.apply(this.norm ? this.norm.apply(y) : y);
    });
  }
  toOnnx(g: OnnxGraph, x: string): string {
    const y = this.conv.toOnnx(g, x);
    return this.act.toOnnx(g, this.norm ? this.norm.toOnnx(g, y) : y);
  }
}

/** Nearest ×2 + 3×3 conv → instance norm → ReLU. */
class UpBlock extends Module {
  readonly up: Upsample;
  readonly norm: GroupNorm;
  readonly act = new LeakyReLU(0);
  constructor(rng: Rng, cin: number, cout: number) {
    super();
    this.up = this.addModule('up', new Upsample(rng, cin, cout));
    this.norm = this.addModule('norm', instanceNorm(rng, cout));
  }
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.act.apply(this.norm.apply(this.up.apply(x))));
  }
  toOnnx(g: OnnxGraph, x: string): string {
    return this.act.toOnnx(g, this.norm.toOnnx(g, this.up.toOnnx(g, x)));
  }
}

export class UnetTranslator extends Module {
  readonly down: ModuleList<DownBlock>;
  /** up.i brings level i + 1 to the size of level i (up.0: the last, before `out`, is not an UpBlock). */
  readonly up: ModuleList<UpBlock>;
  readonly out: Upsample;

  constructor(readonly config: UnetTranslatorConfig, seed: number) {
    super();
    const { imageSize, channels, widths } = config;
    const n = widths.length;
    if (n < 1) throw new Error('UnetTranslator: widths needs at least one level');
    if (imageSize % 2 ** n !== 0) throw new Error(`UnetTranslator: image side ${imageSize} must be divisible by 2^${n} (one halving per width)`);
    const rng = new Rng(seed);
    this.down = this.addModule('down', new ModuleList<DownBlock>());
    widths.forEach((w, i) => this.down.push(new DownBlock(rng, i === 0 ? channels : widths[i - 1]!, w, i > 0 && i < n - 1)));
    this.up = this.addModule('up', new ModuleList<UpBlock>());
    // up.i: from level i + 1 (the innermost alone, else its output joined with its skip) to widths[i] channels.
    for (let i = 0; i < n - 1; i++) this.up.push(new UpBlock(rng, i === n - 2 ? widths[n - 1]! : 2 * widths[i + 1]!, widths[i]!));
    this.out = this.addModule('out', new Upsample(rng, n === 1 ? widths[0]! : 2 * widths[0]!, channels));
  }

  get imageSize(): number {
    return this.config.imageSize;
  }
  get channels(): number {
    return this.config.channels;
  }

  /** x: [B, S, S, C] in [-1, 1] → [B, S, S, C] in (-1, 1). */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const skips: tf.Tensor4D[] = [];
      let h = x;
      for (const d of this.down.items) {
        h = d.apply(h);
        skips.push(h);
      }
      // skips[i]: level i's features [B, S/2^(i+1), …, widths[i]]
      for (let i = this.up.items.length - 1; i >= 0; i--) h = tf.concat([this.up.items[i]!.apply(h), skips[i]!], 3);
      return tf.tanh(this.out.apply(h));
    });
  }

  /** x: [B, C, S, S] → [B, C, S, S]. */
  toOnnx(g: OnnxGraph, x: string): string {
    const skips: string[] = [];
    let h = x;
    for (const d of this.down.items) {
      h = d.toOnnx(g, h);
      skips.push(h);
    }
    for (let i = this.up.items.length - 1; i >= 0; i--) {
      h = g.node('Concat', [this.up.items[i]!.toOnnx(g, h), skips[i]!], { axis: { int: 1 } }, { name: `up.${i}/Concat` })[0]!;
    }
    return g.node('Tanh', [this.out.toOnnx(g, h)], {}, { name: 'out/Tanh' })[0]!;
  }
}
