/**
 * DCGAN (Radford et al. 2016) generator and discriminator, with the later fixes the literature
 * settled on, each an option: resize + 3×3 conv instead of transposed convolutions (no
 * checkerboard, Odena et al. 2016), GroupNorm instead of BatchNorm in G (a sample does not depend
 * on the rest of its batch, so export and the SDK draw the same image for a seed), no normalisation
 * in D (a gradient penalty is per-sample, Gulrajani et al. 2017 §4), spectral norm in D (and G),
 * a SAGAN self-attention block at one resolution, class conditioning by an embedding concatenated
 * to z in G and a projection discriminator (Miyato & Koyama 2018) in D.
 */
import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Embedding } from '../nn/embedding.js';
import { GroupNorm } from '../nn/group-norm.js';
import { LeakyReLU } from '../nn/leaky-relu.js';
import { Module, ModuleList } from '../nn/module.js';
import { SelfAttention2d } from '../nn/self-attention-2d.js';
import { makeConv, type ConvLayer } from '../nn/sn-conv2d.js';
import { makeLinear, type LinearLayer } from '../nn/sn-dense.js';
import type { SpectralNormMode } from '../nn/spectral-norm.js';
import { upsampleNearest2x, upsampleNearest2xOnnx } from '../nn/upsample.js';
import { Rng } from '../../sdk/random/rng.js';
import { checkLabels, type GanDiscriminator, type GanGenerator } from './gan-model.js';

export interface ConvGanConfig {
  /** Image side; a power of two ≥ 8. */
  imageSize: number;
  channels: number;
  /** G: channels at 4×4, halved at each doubling; D: channels after the first conv, doubled at each halving. */
  width: number;
  /** Latent length (G only). */
  zDim: number;
  /** Classes of a conditional model; undefined = unconditional. */
  numClasses?: number;
  /** Class-embedding length concatenated to z in G. Default 16. */
  classDim?: number;
  /** Normalisation of every conv and linear weight. */
  spectralNorm: SpectralNormMode;
  /** Put a SAGAN self-attention block where the feature map is this size (0 = none). */
  attentionAt: number;
}

/** upsample ×2 → conv 3×3 → GroupNorm → ReLU. */
class UpBlock extends Module {
  readonly conv: ConvLayer;
  readonly norm: GroupNorm;
  readonly act = new LeakyReLU(0);
  constructor(rng: Rng, cin: number, cout: number, sn: SpectralNormMode) {
    super();
    this.conv = this.addModule('conv', makeConv(rng, cin, cout, sn));
    this.norm = this.addModule('norm', new GroupNorm(rng, Math.min(8, cout), cout));
  }
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.act.apply(this.norm.apply(this.conv.apply(upsampleNearest2x(x)))));
  }
  toOnnx(g: OnnxGraph, x: string): string {
    return this.act.toOnnx(g, this.norm.toOnnx(g, this.conv.toOnnx(g, upsampleNearest2xOnnx(g, x, this.onnxName(g, 'Resize')))));
  }
}

export class ConvGenerator extends Module implements GanGenerator {
  readonly zDim: number;
  readonly numClasses: number | undefined;
  readonly imageSize: number;
  readonly channels: number;
  readonly embed: Embedding | null;
  readonly input: LinearLayer;
  readonly inputNorm: GroupNorm;
  readonly act = new LeakyReLU(0);
  readonly blocks: ModuleList<UpBlock>;
  readonly attention: SelfAttention2d | null;
  /** Index of the block after which attention runs (-1: before the first). */
  readonly attentionAfter: number;
  readonly out: ConvLayer;
  readonly width: number;

  constructor(readonly config: ConvGanConfig, seed: number) {
    super();
    const rng = new Rng(seed);
    const { imageSize, channels, width, zDim, numClasses, spectralNorm: sn } = config;
    const doublings = Math.log2(imageSize / 4);
    if (!Number.isInteger(doublings) || doublings < 1) throw new Error(`ConvGenerator: imageSize must be a power of two >= 8, got ${imageSize}`);
    if (width >> doublings < 1) throw new Error(`ConvGenerator: width ${width} is too small to halve ${doublings} times`);
    this.zDim = zDim;
    this.numClasses = numClasses;
    this.imageSize = imageSize;
    this.channels = channels;
    this.width = width;
    const classDim = config.classDim ?? 16;
    this.embed = numClasses !== undefined ? this.addModule('embed', new Embedding(rng, numClasses, classDim)) : null;
    const inDim = zDim + (this.embed ? classDim : 0);
    this.input = this.addModule('input', makeLinear(rng, inDim, 16 * width, sn));
    this.inputNorm = this.addModule('inputNorm', new GroupNorm(rng, Math.min(8, width), width));
    this.blocks = this.addModule('blocks', new ModuleList<UpBlock>());
    let c = width;
    for (let i = 0; i < doublings; i++) {
      this.blocks.push(new UpBlock(rng, c, c / 2, sn));
      c /= 2;
    }
    this.attentionAfter = config.attentionAt > 0 ? Math.log2(config.attentionAt / 4) - 1 : -2;
    if (config.attentionAt > 0 && !(Number.isInteger(this.attentionAfter) && this.attentionAfter >= -1 && this.attentionAfter < doublings)) {
      throw new Error(`ConvGenerator: attentionAt must be a feature-map size between 4 and ${imageSize}, got ${config.attentionAt}`);
    }
    const attnChannels = width >> (this.attentionAfter + 1);
    this.attention = config.attentionAt > 0 ? this.addModule('attention', new SelfAttention2d(rng, attnChannels, sn)) : null;
    this.out = this.addModule('out', makeConv(rng, c, channels, sn));
  }

  apply(z: tf.Tensor2D, labels?: tf.Tensor1D): tf.Tensor4D {
    checkLabels('ConvGenerator', this.numClasses, labels);
    return tf.tidy(() => {
      const b = z.shape[0];
      const input = this.embed && labels ? tf.concat([z, this.embed.apply(labels) as tf.Tensor2D], 1) : z;
      let h = this.act.apply(this.inputNorm.apply(this.input.apply(input).reshape([b, 4, 4, this.width]) as tf.Tensor4D));
      if (this.attention && this.attentionAfter === -1) h = this.attention.apply(h);
      this.blocks.items.forEach((block, i) => {
        h = block.apply(h);
        if (this.attention && this.attentionAfter === i) h = this.attention.apply(h);
      });
      return tf.tanh(this.out.apply(h)) as tf.Tensor4D;
    });
  }

  toOnnx(g: OnnxGraph, z: string, labels?: string): string {
    const n = (op: string, inputs: string[], attrs = {}): string => g.node(op, inputs, attrs, { name: this.onnxName(g, op) })[0]!;
    const input = this.embed && labels ? n('Concat', [z, this.embed.toOnnx(g, labels)], { axis: { int: 1 } }) : z;
    // [B, 16·C] is [B, 4, 4, C] in tfjs' row-major NHWC: reshape so, then to NCHW.
    const nhwc = n('Reshape', [this.input.toOnnx(g, input), g.constInt64([-1, 4, 4, this.width], 'g_input_shape')]);
    let h = this.act.toOnnx(g, this.inputNorm.toOnnx(g, n('Transpose', [nhwc], { perm: { ints: [0, 3, 1, 2] } })));
    if (this.attention && this.attentionAfter === -1) h = this.attention.toOnnx(g, h);
    this.blocks.items.forEach((block, i) => {
      h = block.toOnnx(g, h);
      if (this.attention && this.attentionAfter === i) h = this.attention.toOnnx(g, h);
    });
    return n('Tanh', [this.out.toOnnx(g, h)]);
  }
}

/** conv 4×4 stride 2 → leaky ReLU 0.2. */
class DownBlock extends Module {
  readonly conv: ConvLayer;
  readonly act = new LeakyReLU(0.2);
  constructor(rng: Rng, cin: number, cout: number, sn: SpectralNormMode) {
    super();
    this.conv = this.addModule('conv', makeConv(rng, cin, cout, sn, { kernelSize: 4, stride: 2, padding: 1 }));
  }
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.act.apply(this.conv.apply(x)));
  }
}

export class ConvDiscriminator extends Module implements GanDiscriminator {
  readonly numClasses: number | undefined;
  readonly blocks: ModuleList<DownBlock>;
  readonly attention: SelfAttention2d | null;
  readonly attentionAfter: number;
  readonly head: LinearLayer;
  /** Projection discriminator's class embedding [K, features]. */
  readonly embed: Embedding | null;

  constructor(readonly config: Omit<ConvGanConfig, 'zDim' | 'classDim'>, seed: number) {
    super();
    const rng = new Rng(seed);
    const { imageSize, channels, width, numClasses, spectralNorm: sn } = config;
    const halvings = Math.log2(imageSize / 4);
    if (!Number.isInteger(halvings) || halvings < 1) throw new Error(`ConvDiscriminator: imageSize must be a power of two >= 8, got ${imageSize}`);
    this.numClasses = numClasses;
    this.blocks = this.addModule('blocks', new ModuleList<DownBlock>());
    let c = channels;
    for (let i = 0; i < halvings; i++) {
      const cout = width << i;
      this.blocks.push(new DownBlock(rng, c, cout, sn));
      c = cout;
    }
    this.attentionAfter = config.attentionAt > 0 ? Math.log2(imageSize / config.attentionAt) - 1 : -2;
    if (config.attentionAt > 0 && !(Number.isInteger(this.attentionAfter) && this.attentionAfter >= 0 && this.attentionAfter < halvings)) {
      throw new Error(`ConvDiscriminator: attentionAt must be a feature-map size between 4 and ${imageSize / 2}, got ${config.attentionAt}`);
    }
    this.attention = config.attentionAt > 0 ? this.addModule('attention', new SelfAttention2d(rng, width << this.attentionAfter, sn)) : null;
    this.head = this.addModule('head', makeLinear(rng, c, 1, sn));
    this.embed = numClasses !== undefined ? this.addModule('embed', new Embedding(rng, numClasses, c)) : null;
    // Projection embeddings start small (as the linear head), not N(0, 1).
    if (this.embed) tf.tidy(() => this.embed!.table.assign(tf.mul(this.embed!.table, 1 / Math.sqrt(c))));
  }

  apply(x: tf.Tensor4D, labels?: tf.Tensor1D): tf.Tensor1D {
    checkLabels('ConvDiscriminator', this.numClasses, labels);
    return tf.tidy(() => {
      let h = x;
      this.blocks.items.forEach((block, i) => {
        h = block.apply(h);
        if (this.attention && this.attentionAfter === i) h = this.attention.apply(h);
      });
      const pooled = tf.sum(h, [1, 2]) as tf.Tensor2D; // [B, C]: global sum pooling (SNGAN / BigGAN)
      return projectionLogits(this.head, this.embed, pooled, labels);
    });
  }
}

/**
 * Projection discriminator (Miyato & Koyama 2018, eq. 3): logit = ψ(φ(x)) + ⟨embed(y), φ(x)⟩.
 * features: [B, F] → [B].
 */
export function projectionLogits(head: LinearLayer, embed: Embedding | null, features: tf.Tensor2D, labels?: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    let logits = head.apply(features).reshape([-1]) as tf.Tensor1D;
    if (embed && labels) logits = tf.add(logits, tf.sum(tf.mul(embed.apply(labels), features), 1));
    return logits;
  });
}
