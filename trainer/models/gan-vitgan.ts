/**
 * ViTGAN (Lee et al. 2021): a Vision-Transformer generator and discriminator, with the paper's
 * stabilisers as options so an ablation can switch each off.
 *
 * Generator (§4.2): w = MLP(z); the input tokens are learned position embeddings E_pos [L, D], one
 * per P×P patch; each block is
 *   h' = MSA(SLN(h, w)) + h,   h'' = MLP(SLN(h', w)) + h'
 * and the last SLN's tokens y_i are decoded to pixels by the implicit patch decoder (Fourier
 * features + modulated SIREN). Without self-modulation: plain LayerNorm, and w is added to E_pos.
 *
 * Discriminator (§4.1): overlapping patches (a P+2o conv at stride P), a CLS token, pre-norm blocks
 * with L2-distance attention (W_q = W_k) and every weight ISN-scaled; logit from the CLS token, plus
 * a class projection when conditional. No augmentation or consistency regularisation (bCR) here.
 */
import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { MultiHeadAttention } from '../nn/attention.js';
import { Dense } from '../nn/dense.js';
import { Embedding } from '../nn/embedding.js';
import { GELU } from '../nn/gelu.js';
import { L2Attention } from '../nn/l2-attention.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { LeakyReLU } from '../nn/leaky-relu.js';
import { Mlp } from '../nn/mlp.js';
import { Module, ModuleList } from '../nn/module.js';
import { SelfModulatedLayerNorm } from '../nn/self-modulated-layer-norm.js';
import { SirenPatchDecoder } from '../nn/siren-patch-decoder.js';
import { makeConv, type ConvLayer } from '../nn/sn-conv2d.js';
import { makeLinear, type LinearLayer } from '../nn/sn-dense.js';
import type { SpectralNormMode } from '../nn/spectral-norm.js';
import { Rng } from '../../sdk/random/rng.js';
import { projectionLogits } from './gan-dcgan.js';
import { checkLabels, type GanDiscriminator, type GanGenerator } from './gan-model.js';

export interface VitGeneratorConfig {
  imageSize: number;
  channels: number;
  zDim: number;
  /** Token width D (also the width of w). */
  dim: number;
  depth: number;
  heads: number;
  /** Patch side P; imageSize / P patches per side. */
  patch: number;
  /** MLP hidden width over D. */
  mlpRatio: number;
  numClasses?: number;
  /** Self-modulated LayerNorm (true, ViTGAN) or LayerNorm with w added to the input tokens. */
  selfModulation: boolean;
  /** With SLN: add w to the input tokens as well (the paper's are z-free). Default false. */
  latentTokens?: boolean;
  /**
   * Scale w to unit RMS per image (w / √(mean(w²) + 1e-8)). Our 2-layer mapping gives w of RMS ~0.3 (spread across z
   * ~0.2) against position tokens of RMS 1, so SLN's γ moved only ~±0.1 with z; StyleGAN's mapping (the official
   * ViTGAN code's) outputs w of order 1. Default false.
   */
  latentNorm?: boolean;
  /** Patch decoder sizes. */
  fourierFeatures: number;
  decoderHidden: number;
}

class VitGenBlock extends Module {
  readonly norm1: SelfModulatedLayerNorm | LayerNorm;
  readonly attn: MultiHeadAttention;
  readonly norm2: SelfModulatedLayerNorm | LayerNorm;
  readonly mlp: Mlp;
  constructor(rng: Rng, c: VitGeneratorConfig) {
    super();
    const norm = () => (c.selfModulation ? new SelfModulatedLayerNorm(rng, c.dim, c.dim) : new LayerNorm(rng, c.dim));
    this.norm1 = this.addModule('norm1', norm());
    this.attn = this.addModule('attn', new MultiHeadAttention(rng, c.dim, c.heads));
    this.norm2 = this.addModule('norm2', norm());
    this.mlp = this.addModule('mlp', new Mlp(rng, c.dim, c.mlpRatio * c.dim));
  }
  /** h: [B or 1, L, D], w: [B, D] → [B, L, D]. */
  apply(h: tf.Tensor3D, w: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => {
      const b = w.shape[0];
      const norm = (m: SelfModulatedLayerNorm | LayerNorm, x: tf.Tensor3D) => (m instanceof SelfModulatedLayerNorm ? m.apply(x, w) : m.apply(x));
      // The first block may get the batch-independent E_pos [1, L, D]: SLN broadcasts it to [B, L, D].
      const a = norm(this.norm1, h);
      const full = a.shape[0] === b ? a : (tf.add(a, tf.zeros([b, 1, 1])) as tf.Tensor3D);
      const h1 = tf.add(h, this.attn.apply(full)) as tf.Tensor3D;
      return tf.add(h1, this.mlp.apply(norm(this.norm2, h1))) as tf.Tensor3D;
    });
  }
  toOnnx(g: OnnxGraph, h: string, w: string): string {
    const norm = (m: SelfModulatedLayerNorm | LayerNorm, x: string) => (m instanceof SelfModulatedLayerNorm ? m.toOnnx(g, x, w) : m.toOnnx(g, x));
    const add = (a: string, b: string) => g.node('Add', [a, b], {}, { name: this.onnxName(g, 'Add') })[0]!;
    const h1 = add(h, this.attn.toOnnx(g, norm(this.norm1, h)));
    return add(h1, this.mlp.toOnnx(g, norm(this.norm2, h1)));
  }
}

export class VitGenerator extends Module implements GanGenerator {
  readonly zDim: number;
  readonly numClasses: number | undefined;
  readonly imageSize: number;
  readonly channels: number;
  readonly embed: Embedding | null;
  readonly map1: Dense;
  readonly mapAct = new LeakyReLU(0.2);
  readonly map2: Dense;
  readonly pos: tf.Variable; // [L, D]
  readonly blocks: ModuleList<VitGenBlock>;
  readonly norm: SelfModulatedLayerNorm | LayerNorm;
  readonly decoder: SirenPatchDecoder;
  /** Patches per side. */
  readonly grid: number;

  constructor(readonly config: VitGeneratorConfig, seed: number) {
    super();
    const rng = new Rng(seed);
    const c = config;
    this.grid = c.imageSize / c.patch;
    if (!Number.isInteger(this.grid)) throw new Error(`VitGenerator: patch ${c.patch} must divide imageSize ${c.imageSize}`);
    if (c.dim % c.heads !== 0) throw new Error(`VitGenerator: heads ${c.heads} must divide dim ${c.dim}`);
    this.zDim = c.zDim;
    this.numClasses = c.numClasses;
    this.imageSize = c.imageSize;
    this.channels = c.channels;
    this.embed = c.numClasses !== undefined ? this.addModule('embed', new Embedding(rng, c.numClasses, c.dim)) : null;
    this.map1 = this.addModule('map1', new Dense(rng, c.zDim, c.dim));
    this.map2 = this.addModule('map2', new Dense(rng, c.dim, c.dim));
    this.pos = this.addParam('pos', [this.grid * this.grid, c.dim], { kind: 'normal', std: 1 }, rng);
    this.blocks = this.addModule('blocks', new ModuleList<VitGenBlock>());
    for (let i = 0; i < c.depth; i++) this.blocks.push(new VitGenBlock(rng, c));
    this.norm = this.addModule('norm', c.selfModulation ? new SelfModulatedLayerNorm(rng, c.dim, c.dim) : new LayerNorm(rng, c.dim));
    this.decoder = this.addModule('decoder', new SirenPatchDecoder(rng, c.dim, c.patch, c.channels, { fourierFeatures: c.fourierFeatures, hidden: c.decoderHidden }));
  }

  /** Whether w is added to the input tokens: without SLN always, with it when config.latentTokens. */
  private get tokensGetW(): boolean {
    return !this.config.selfModulation || this.config.latentTokens === true;
  }

  /** w = MLP(z) (+ class embedding): [B, D]. */
  private latent(z: tf.Tensor2D, labels?: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => {
      let w = this.map2.apply(this.mapAct.apply(this.map1.apply(z)));
      if (this.config.latentNorm) w = tf.mul(w, tf.rsqrt(tf.add(tf.mean(tf.square(w), -1, true), 1e-8))) as tf.Tensor2D;
      if (this.embed && labels) w = tf.add(w, this.embed.apply(labels)) as tf.Tensor2D;
      return w;
    });
  }

  apply(z: tf.Tensor2D, labels?: tf.Tensor1D): tf.Tensor4D {
    checkLabels('VitGenerator', this.numClasses, labels);
    return tf.tidy(() => {
      const b = z.shape[0];
      const { dim: D, patch: P, channels: C } = this.config;
      const L = this.grid * this.grid;
      const w = this.latent(z, labels);
      const pos = this.pos.reshape([1, L, D]) as tf.Tensor3D;
      let h = this.tokensGetW ? (tf.add(pos, w.reshape([b, 1, D])) as tf.Tensor3D) : pos;
      for (const block of this.blocks.items) h = block.apply(h, w);
      const y = this.norm instanceof SelfModulatedLayerNorm ? this.norm.apply(h, w) : this.norm.apply(h);
      const patches = this.decoder.apply(y); // [B, L, P², C]
      // [B·gh, gw, P, P·C] → [B·gh, P, gw, P·C] → [B, H, W, C]
      const grid = patches.reshape([b * this.grid, this.grid, P, P * C]).transpose([0, 2, 1, 3]);
      return tf.tanh(grid.reshape([b, this.imageSize, this.imageSize, C])) as tf.Tensor4D;
    });
  }

  toOnnx(g: OnnxGraph, z: string, labels?: string): string {
    const n = (op: string, inputs: string[], attrs = {}): string => g.node(op, inputs, attrs, { name: this.onnxName(g, op) })[0]!;
    const { dim: D, patch: P, channels: C } = this.config;
    const L = this.grid * this.grid;
    let w = this.map2.toOnnx(g, this.mapAct.toOnnx(g, this.map1.toOnnx(g, z)));
    if (this.config.latentNorm) {
      const ms = n('ReduceMean', [n('Mul', [w, w])], { axes: { ints: [-1] }, keepdims: { int: 1 } });
      w = n('Mul', [w, n('Reciprocal', [n('Sqrt', [n('Add', [ms, g.constFloat([1e-8], [], 'w_norm_eps')])])])]);
    }
    if (this.embed && labels) w = n('Add', [w, this.embed.toOnnx(g, labels)]);
    const pos = g.addInitializer('pos', tf.tidy(() => Float32Array.from(this.pos.dataSync() as Float32Array)), [1, L, D]);
    let h = this.tokensGetW ? n('Add', [pos, n('Reshape', [w, g.constInt64([-1, 1, D], 'w_tokens')])]) : pos;
    for (const block of this.blocks.items) h = block.toOnnx(g, h, w);
    const y = this.norm instanceof SelfModulatedLayerNorm ? this.norm.toOnnx(g, h, w) : this.norm.toOnnx(g, h);
    const patches = this.decoder.toOnnx(g, y); // [B, L, P², C]
    const grid = n('Transpose', [n('Reshape', [patches, g.constInt64([-1, this.grid, P, P * C], 'patch_rows')])], { perm: { ints: [0, 2, 1, 3] } });
    const nhwc = n('Reshape', [grid, g.constInt64([-1, this.imageSize, this.imageSize, C], 'image_nhwc')]);
    return n('Tanh', [n('Transpose', [nhwc], { perm: { ints: [0, 3, 1, 2] } })]);
  }
}

export interface VitDiscriminatorConfig {
  imageSize: number;
  channels: number;
  dim: number;
  depth: number;
  heads: number;
  patch: number;
  /** Pixels each patch overlaps its neighbours by, on each side. */
  overlap: number;
  mlpRatio: number;
  numClasses?: number;
  /** 'isn' (ViTGAN), 'sn' or 'none' on every weight. */
  spectralNorm: SpectralNormMode;
  /** 'l2' (ViTGAN, tied W_q = W_k) or 'dot' attention. */
  attention: 'l2' | 'dot';
  /**
   * Minibatch standard deviation (Karras et al. 2018, PGGAN §3): the logit gets v · s, s the mean over features of the
   * batch's standard deviation of the final CLS features, v learned. A batch of one image repeated has s = 0, so D can
   * tell a collapsed generator's batch from a real one. Default false.
   */
  minibatchStd?: boolean;
}

class VitDiscBlock extends Module {
  readonly norm1: LayerNorm;
  readonly attn: L2Attention;
  readonly norm2: LayerNorm;
  readonly fc1: LinearLayer;
  readonly act = new GELU();
  readonly fc2: LinearLayer;
  constructor(rng: Rng, c: VitDiscriminatorConfig) {
    super();
    this.norm1 = this.addModule('norm1', new LayerNorm(rng, c.dim));
    this.attn = this.addModule('attn', new L2Attention(rng, c.dim, c.heads, { distance: c.attention, spectralNorm: c.spectralNorm }));
    this.norm2 = this.addModule('norm2', new LayerNorm(rng, c.dim));
    this.fc1 = this.addModule('fc1', makeLinear(rng, c.dim, c.mlpRatio * c.dim, c.spectralNorm));
    this.fc2 = this.addModule('fc2', makeLinear(rng, c.mlpRatio * c.dim, c.dim, c.spectralNorm));
  }
  apply(h: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const h1 = tf.add(h, this.attn.apply(this.norm1.apply(h))) as tf.Tensor3D;
      return tf.add(h1, this.fc2.apply(this.act.apply(this.fc1.apply(this.norm2.apply(h1))))) as tf.Tensor3D;
    });
  }
}

/** Mean over features of the batch's standard deviation of x [B, D] (0 for a batch of identical rows): a scalar. */
export function minibatchStd(x: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const centred = tf.sub(x, tf.mean(x, 0, true));
    return tf.mean(tf.sqrt(tf.add(tf.mean(tf.square(centred), 0), 1e-8))) as tf.Scalar;
  });
}

export class VitDiscriminator extends Module implements GanDiscriminator {
  readonly numClasses: number | undefined;
  readonly patchEmbed: ConvLayer;
  readonly cls: tf.Variable; // [1, 1, D]
  readonly pos: tf.Variable; // [L + 1, D]
  readonly blocks: ModuleList<VitDiscBlock>;
  readonly norm: LayerNorm;
  readonly head: LinearLayer;
  readonly embed: Embedding | null;
  readonly tokens: number;
  /** Weight v of the minibatch-std feature (config.minibatchStd), else null. */
  readonly stdWeight: tf.Variable | null;

  constructor(readonly config: VitDiscriminatorConfig, seed: number) {
    super();
    const rng = new Rng(seed);
    const c = config;
    const grid = c.imageSize / c.patch;
    if (!Number.isInteger(grid)) throw new Error(`VitDiscriminator: patch ${c.patch} must divide imageSize ${c.imageSize}`);
    this.numClasses = c.numClasses;
    this.tokens = grid * grid;
    this.patchEmbed = this.addModule('patchEmbed', makeConv(rng, c.channels, c.dim, c.spectralNorm, { kernelSize: c.patch + 2 * c.overlap, stride: c.patch, padding: c.overlap }));
    this.cls = this.addParam('cls', [1, 1, c.dim], { kind: 'normal', std: 0.02 }, rng);
    this.pos = this.addParam('pos', [this.tokens + 1, c.dim], { kind: 'normal', std: 0.02 }, rng);
    this.blocks = this.addModule('blocks', new ModuleList<VitDiscBlock>());
    for (let i = 0; i < c.depth; i++) this.blocks.push(new VitDiscBlock(rng, c));
    this.norm = this.addModule('norm', new LayerNorm(rng, c.dim));
    this.head = this.addModule('head', makeLinear(rng, c.dim, 1, c.spectralNorm));
    this.embed = c.numClasses !== undefined ? this.addModule('embed', new Embedding(rng, c.numClasses, c.dim)) : null;
    if (this.embed) tf.tidy(() => this.embed!.table.assign(tf.mul(this.embed!.table, 1 / Math.sqrt(c.dim))));
    this.stdWeight = c.minibatchStd ? this.addParam('stdWeight', [1], { kind: 'zeros' }, rng) : null;
  }

  apply(x: tf.Tensor4D, labels?: tf.Tensor1D): tf.Tensor1D {
    checkLabels('VitDiscriminator', this.numClasses, labels);
    return tf.tidy(() => {
      const b = x.shape[0];
      const D = this.config.dim;
      const patches = this.patchEmbed.apply(x).reshape([b, this.tokens, D]);
      const cls = tf.add(tf.zeros([b, 1, D]), this.cls); // [B, 1, D]
      let h = tf.add(tf.concat([cls, patches], 1), this.pos) as tf.Tensor3D; // [B, L + 1, D]
      for (const block of this.blocks.items) h = block.apply(h);
      const feat = this.norm.apply(h.slice([0, 0, 0], [b, 1, D]).reshape([b, D])) as tf.Tensor2D;
      const logits = projectionLogits(this.head, this.embed, feat, labels);
      if (!this.stdWeight) return logits;
      return tf.add(logits, tf.mul(this.stdWeight, minibatchStd(feat))) as tf.Tensor1D;
    });
  }
}
