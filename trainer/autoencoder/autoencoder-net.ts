/**
 * The convolutional encoder and decoder of the autoencoder family (latent diffusion's autoencoder at our scale):
 *
 *   encoder: [premultiply alpha] → Conv3x3 → per level: ResBlock, Downsample (not after the last) → ResBlock (mid)
 *            → GroupNorm, SiLU → Conv3x3 to the latent channels (spatial) or Flatten + Dense (vector latents)
 *   decoder: Conv3x3 (spatial) or Dense + Reshape (vector) → ResBlock (mid) → per level, reversed: ResBlock,
 *            Upsample (not after the first) → GroupNorm, SiLU → Conv3x3 to the image channels
 *
 * Levels are `widths.length`, so the latent is 2^(levels − 1) times smaller than the image on each side (f). The
 * encoder's head has 2·z channels (KL: mean and log-variance) or z (VQ: the vector to quantise). With 4 channels
 * the encoder first premultiplies colour by alpha: a transparent pixel's colour means nothing, and the net should
 * not spend capacity on it. The decoder returns straight RGBA, unclamped, in model space ([-1, 1]).
 */
import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Conv2d } from '../nn/conv2d.js';
import { Dense } from '../nn/dense.js';
import { Downsample } from '../nn/downsample.js';
import { GroupNorm } from '../nn/group-norm.js';
import { Module, ModuleList } from '../nn/module.js';
import { ResBlock } from '../nn/res-block.js';
import { SiLU } from '../nn/silu.js';
import { Upsample } from '../nn/upsample.js';
import type { Rng } from '../../sdk/random/rng.js';

export interface AutoencoderNetConfig {
  imageSize: number;
  /** Image channels: 1 (grey), 3 (RGB) or 4 (RGBA). */
  channels: number;
  /** Channels per level, e.g. [32, 64, 64] (f = 4). */
  widths: number[];
  /** GroupNorm groups (divides every width). */
  groups: number;
  /** Spatial latents: channels per latent position. */
  latentChannels: number;
  /** Vector latents instead (a flat z of this length, through a Dense layer): the β-VAE's small latent. 0 = spatial. */
  latentDim: number;
  /** 'kl': the encoder gives mean and log-variance; 'vq': the vector to quantise. */
  kind: 'kl' | 'vq';
}

/** Latent shape of one image: [h, w, c] for spatial latents, [d] for vector ones. */
export function latentShape(c: AutoencoderNetConfig): number[] {
  const s = c.imageSize / 2 ** (c.widths.length - 1);
  return c.latentDim > 0 ? [c.latentDim] : [s, s, c.latentChannels];
}

/** Checks the config: sizes that divide, widths GroupNorm can split. */
export function checkAutoencoderNet(c: AutoencoderNetConfig): void {
  const f = 2 ** (c.widths.length - 1);
  if (!Number.isInteger(c.imageSize / f)) throw new Error(`autoencoder: image size ${c.imageSize} does not divide by f = ${f} (${c.widths.length} levels)`);
  for (const w of c.widths) if (w % c.groups !== 0) throw new Error(`autoencoder: width ${w} does not divide into ${c.groups} groups`);
  if (c.latentDim <= 0 && c.latentChannels <= 0) throw new Error('autoencoder: latentChannels or latentDim must be positive');
}

export class Encoder extends Module {
  private readonly convIn: Conv2d;
  private readonly blocks: ModuleList<ResBlock>;
  private readonly downs: ModuleList<Downsample>;
  private readonly mid: ResBlock;
  private readonly normOut: GroupNorm;
  private readonly act: SiLU;
  private readonly convOut: Conv2d | null;
  private readonly dense: Dense | null;
  /** Channels (or features) of the head's output: 2·z for KL, z for VQ. */
  readonly outFeatures: number;

  constructor(readonly config: AutoencoderNetConfig, rng: Rng) {
    super();
    const { widths: w, groups, channels } = config;
    const last = w[w.length - 1]!;
    const z = config.latentDim > 0 ? config.latentDim : config.latentChannels;
    this.outFeatures = config.kind === 'kl' ? 2 * z : z;
    this.act = this.addModule('act', new SiLU());
    this.convIn = this.addModule('conv_in', new Conv2d(rng, channels, w[0]!));
    this.blocks = this.addModule('blocks', new ModuleList<ResBlock>());
    this.downs = this.addModule('downs', new ModuleList<Downsample>());
    w.forEach((width, i) => {
      this.blocks.push(new ResBlock(rng, i === 0 ? w[0]! : w[i - 1]!, width, 0, groups));
      if (i < w.length - 1) this.downs.push(new Downsample(rng, width));
    });
    this.mid = this.addModule('mid', new ResBlock(rng, last, last, 0, groups));
    this.normOut = this.addModule('norm_out', new GroupNorm(rng, groups, last));
    const side = config.imageSize / 2 ** (w.length - 1);
    this.convOut = config.latentDim > 0 ? null : this.addModule('conv_out', new Conv2d(rng, last, this.outFeatures));
    this.dense = config.latentDim > 0 ? this.addModule('dense', new Dense(rng, side * side * last, this.outFeatures)) : null;
  }

  /** x: [B, H, W, C] in [-1, 1] → [B, h, w, out] (spatial) or [B, out] (vector). */
  apply(x: tf.Tensor4D): tf.Tensor {
    return tf.tidy(() => {
      let h = this.convIn.apply(this.config.channels === 4 ? premultiply(x) : x);
      this.blocks.items.forEach((b, i) => {
        h = b.apply(h);
        if (i < this.downs.length) h = this.downs.items[i]!.apply(h);
      });
      h = this.act.apply(this.normOut.apply(this.mid.apply(h)));
      return this.convOut ? this.convOut.apply(h) : this.dense!.apply(h.reshape([h.shape[0], -1]));
    });
  }

  /** x: [B, C, H, W] → [B, out, h, w] (spatial) or [B, out] (vector). */
  toOnnx(g: OnnxGraph, x: string): string {
    let h = this.convIn.toOnnx(g, this.config.channels === 4 ? premultiplyOnnx(g, x) : x);
    this.blocks.items.forEach((b, i) => {
      h = b.toOnnx(g, h);
      if (i < this.downs.length) h = this.downs.items[i]!.toOnnx(g, h);
    });
    h = this.act.toOnnx(g, this.normOut.toOnnx(g, this.mid.toOnnx(g, h)));
    if (this.convOut) return this.convOut.toOnnx(g, h);
    // tfjs flattens NHWC: transpose first so the Dense sees the same order.
    const nhwc = g.node('Transpose', [h], { perm: { ints: [0, 2, 3, 1] } })[0]!;
    const flat = g.node('Flatten', [nhwc], { axis: { int: 1 } })[0]!;
    return this.dense!.toOnnx(g, flat);
  }
}

export class Decoder extends Module {
  private readonly convIn: Conv2d | null;
  private readonly dense: Dense | null;
  private readonly mid: ResBlock;
  private readonly blocks: ModuleList<ResBlock>;
  private readonly ups: ModuleList<Upsample>;
  private readonly normOut: GroupNorm;
  private readonly act: SiLU;
  private readonly convOut: Conv2d;
  private readonly side: number;

  constructor(readonly config: AutoencoderNetConfig, rng: Rng) {
    super();
    const { widths: w, groups, channels } = config;
    const last = w[w.length - 1]!;
    this.side = config.imageSize / 2 ** (w.length - 1);
    this.act = this.addModule('act', new SiLU());
    this.convIn = config.latentDim > 0 ? null : this.addModule('conv_in', new Conv2d(rng, config.latentChannels, last));
    this.dense = config.latentDim > 0 ? this.addModule('dense', new Dense(rng, config.latentDim, this.side * this.side * last)) : null;
    this.mid = this.addModule('mid', new ResBlock(rng, last, last, 0, groups));
    this.blocks = this.addModule('blocks', new ModuleList<ResBlock>());
    this.ups = this.addModule('ups', new ModuleList<Upsample>());
    // Levels from the deepest up: level i goes from w[i] to w[i-1] channels, then doubles its size.
    for (let i = w.length - 1; i >= 0; i--) {
      this.blocks.push(new ResBlock(rng, w[i]!, i === 0 ? w[0]! : w[i - 1]!, 0, groups));
      if (i > 0) this.ups.push(new Upsample(rng, w[i - 1]!));
    }
    this.normOut = this.addModule('norm_out', new GroupNorm(rng, groups, w[0]!));
    this.convOut = this.addModule('conv_out', new Conv2d(rng, w[0]!, channels));
  }

  /** z: [B, h, w, c] or [B, d] → [B, H, W, C], straight RGBA in model space (unclamped). */
  apply(z: tf.Tensor): tf.Tensor4D {
    return tf.tidy(() => {
      const last = this.config.widths[this.config.widths.length - 1]!;
      let h = this.convIn
        ? this.convIn.apply(z as tf.Tensor4D)
        : (this.dense!.apply(z as tf.Tensor2D).reshape([z.shape[0]!, this.side, this.side, last]) as tf.Tensor4D);
      h = this.mid.apply(h);
      this.blocks.items.forEach((b, i) => {
        h = b.apply(h);
        if (i < this.ups.length) h = this.ups.items[i]!.apply(h);
      });
      return this.convOut.apply(this.act.apply(this.normOut.apply(h)));
    });
  }

  /** z: [B, c, h, w] or [B, d] → [B, C, H, W]. */
  toOnnx(g: OnnxGraph, z: string): string {
    const last = this.config.widths[this.config.widths.length - 1]!;
    let h: string;
    if (this.convIn) h = this.convIn.toOnnx(g, z);
    else {
      const flat = this.dense!.toOnnx(g, z);
      const nhwc = g.node('Reshape', [flat, g.constInt64([-1, this.side, this.side, last], 'shape')])[0]!;
      h = g.node('Transpose', [nhwc], { perm: { ints: [0, 3, 1, 2] } })[0]!;
    }
    h = this.mid.toOnnx(g, h);
    this.blocks.items.forEach((b, i) => {
      h = b.toOnnx(g, h);
      if (i < this.ups.length) h = this.ups.items[i]!.toOnnx(g, h);
    });
    return this.convOut.toOnnx(g, this.act.toOnnx(g, this.normOut.toOnnx(g, h)));
  }
}

/** RGBA in [-1, 1] with colour premultiplied by alpha (in [0, 1] terms): p = 2·((c+1)/2)·((a+1)/2) − 1. NHWC. */
export function premultiply(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [rgb, a] = tf.split(x, [3, 1], 3);
    const p = tf.sub(tf.mul(tf.mul(tf.add(rgb!, 1), tf.add(a!, 1)), 0.5), 1);
    return tf.concat([p, a!], 3) as tf.Tensor4D;
  });
}

/** {@link premultiply} in ONNX, NCHW. */
function premultiplyOnnx(g: OnnxGraph, x: string): string {
  const [rgb, a] = g.node('Split', [x, g.constInt64([3, 1], 'split')], { axis: { int: 1 } }, { outputs: 2 });
  const one = g.constFloat([1], [], 'one');
  const half = g.constFloat([0.5], [], 'half');
  const prod = g.node('Mul', [g.node('Add', [rgb!, one])[0]!, g.node('Add', [a!, one])[0]!])[0]!;
  const p = g.node('Sub', [g.node('Mul', [prod, half])[0]!, one])[0]!;
  return g.node('Concat', [p, a!], { axis: { int: 1 } })[0]!;
}
