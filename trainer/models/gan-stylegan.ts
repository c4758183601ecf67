/**
 * A StyleGAN generator at our scale (Karras et al. 2019; the weight (de)modulation of StyleGAN2, Karras et al. 2020):
 *
 *   z ─ pixel norm ─(+ class embedding)─ mapping MLP (LeakyReLU 0.2, 1/100 learning rate) ─ w          [B, wDim]
 *   learned constant 4×4 ─ modconv 3×3 ─ [upsample ×2 ─ modconv ─ modconv] per doubling ─ toRGB 1×1 ─ tanh
 *
 * Each modconv takes its own copy of w (so styles can be mixed between layers): an affine map of w gives one scale per
 * input channel s; the kernel is modulated by s and demodulated by d = 1/√(Σ (W·s)²) per output channel, here in the
 * non-fused form x·s → conv(W) → ·d, which is the same arithmetic and exports as plain Mul/Conv ops with a dynamic
 * batch (the fused form needs a grouped convolution with one group per image). Why modulation and not AdaIN:
 * AdaIN normalises each feature map's mean away, and StyleGAN's generator learned to smuggle signal past it in
 * "droplet" artefacts; demodulation normalises the expected statistics instead (StyleGAN2, §2). After each modconv:
 * per-pixel noise times a learned per-channel strength, a bias, LeakyReLU(0.2).
 *
 * Training (the `rng` of applyStyle): fresh noise per image, style mixing regularisation (with probability 0.9 a
 * second latent's w takes over from a random layer on), and the running mean of w (w_avg, decay 0.995) for the
 * truncation trick: w' = w_avg + ψ(w − w_avg). Without `rng` (sampling, export) the noise is a fixed buffer per layer
 * ("const" noise, as StyleGAN2's exporters), so a seed draws one image.
 *
 * The mapping weights are stored ×100 and used ×0.01 (StyleGAN's lr_mul = 0.01: Adam's step on the used weights is
 * a hundredth of the synthesis network's).
 */
import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Dense } from '../nn/dense.js';
import { Embedding } from '../nn/embedding.js';
import { LeakyReLU } from '../nn/leaky-relu.js';
import { Module, ModuleList } from '../nn/module.js';
import { upsampleNearest2x, upsampleNearest2xOnnx } from '../nn/upsample.js';
import { Rng } from '../../sdk/random/rng.js';
import { checkLabels, type GanGenerator } from './gan-model.js';

export interface StyleGanConfig {
  imageSize: number;
  channels: number;
  zDim: number;
  /** Channels at 4×4, halved at each doubling (at least 16). */
  width: number;
  /** Mapping MLP layers (StyleGAN: 8; ours: 4 by default). */
  mappingLayers?: number;
  numClasses?: number;
  /** Class-embedding length concatenated to the normalised z. Default 16. */
  classDim?: number;
}

/** What applyStyle takes besides z. */
export interface StyleOptions {
  labels?: tf.Tensor1D;
  /** Truncation ψ in w-space (1 = none), one per image or one for all. */
  psi?: number | tf.Tensor1D;
  /** A second latent [B, zDim] whose w takes over from layer `crossover` on (style mixing). */
  zMix?: tf.Tensor2D;
  /** [B] int32: the first layer drawn with zMix's w (numLayers = none). */
  crossover?: tf.Tensor1D;
  /** Training: fresh noise and mixing regularisation from this Rng, and w_avg updated. */
  rng?: Rng;
}

const LR_MUL = 0.01;
const W_AVG_DECAY = 0.995;
const MIXING_PROB = 0.9;

/** The modulated 3×3 (or 1×1) convolution of one layer, with noise and bias (see the module comment). */
class ModConv extends Module {
  readonly kernel: tf.Variable; // [k, k, cin, cout]
  readonly bias: tf.Variable; // [cout]
  readonly affine: Dense; // w → s (+1: StyleGAN2's bias initialisation of 1)
  readonly noiseStrength: tf.Variable | null; // [cout]
  /** Const noise [H·W] of this layer for sampling and export. */
  readonly constNoise: Float32Array | null;

  constructor(rng: Rng, wDim: number, readonly cin: number, readonly cout: number, readonly k: number, readonly demodulate: boolean, readonly size: number) {
    super();
    this.kernel = this.addParam('kernel', [k, k, cin, cout], { kind: 'normal', std: 1 / Math.sqrt(cin * k * k) }, rng);
    this.bias = this.addParam('bias', [cout], { kind: 'zeros' }, rng);
    this.affine = this.addModule('affine', new Dense(rng, wDim, cin, { zeroBias: true }));
    this.noiseStrength = demodulate ? this.addParam('noise_strength', [cout], { kind: 'zeros' }, rng) : null;
    this.constNoise = demodulate ? new Rng(rng.int(2 ** 31)).normalArray(size * size) : null;
  }

  /** x [B, H, W, cin], w [B, wDim] → [B, H, W, cout]; `noise` [B, H, W, 1] replaces the const noise. */
  apply(x: tf.Tensor4D, w: tf.Tensor2D, noise?: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const B = x.shape[0];
      const s = tf.add(this.affine.apply(w), 1); // [B, cin]
      let y = tf.conv2d(tf.mul(x, s.reshape([B, 1, 1, this.cin])) as tf.Tensor4D, this.kernel as tf.Tensor4D, 1, 'same') as tf.Tensor4D;
      if (this.demodulate) {
        const wsq = tf.sum(tf.square(this.kernel), [0, 1]); // [cin, cout]
        const d = tf.rsqrt(tf.add(tf.matMul(tf.square(s), wsq), 1e-8)); // [B, cout]
        y = tf.mul(y, d.reshape([B, 1, 1, this.cout]));
        const n = noise ?? tf.tensor4d(this.constNoise!, [1, this.size, this.size, 1]);
        y = tf.add(y, tf.mul(n, this.noiseStrength!));
      }
      return tf.add(y, this.bias) as tf.Tensor4D;
    });
  }

  /** x [B, cin, H, W], w [B, wDim] → [B, cout, H, W] (const noise). */
  toOnnx(g: OnnxGraph, x: string, w: string): string {
    const n = (op: string, inputs: string[], attrs = {}): string => g.node(op, inputs, attrs, { name: this.onnxName(g, op) })[0]!;
    const s = n('Add', [this.affine.toOnnx(g, w), g.constFloat([1], [1], 'one')]); // [B, cin]
    const s4 = n('Unsqueeze', [s, g.constInt64([2, 3], 'axes_hw')]); // [B, cin, 1, 1]
    const p = (this.k - 1) / 2;
    let y = n('Conv', [n('Mul', [x, s4]), this.exportParam(g, 'kernel', [3, 2, 0, 1])], {
      kernel_shape: { ints: [this.k, this.k] }, strides: { ints: [1, 1] }, pads: { ints: [p, p, p, p] }, dilations: { ints: [1, 1] }, group: { int: 1 },
    });
    if (this.demodulate) {
      const wsq = tf.tidy(() => tf.sum(tf.square(this.kernel), [0, 1]).dataSync() as Float32Array);
      const sq = n('MatMul', [n('Mul', [s, s]), g.addInitializer(`${this.path}.kernel_sq`, Float32Array.from(wsq), [this.cin, this.cout])]);
      const d = n('Reciprocal', [n('Sqrt', [n('Add', [sq, g.constFloat([1e-8], [1], 'demod_eps')])])]);
      y = n('Mul', [y, n('Unsqueeze', [d, g.constInt64([2, 3], 'axes_hw')])]);
      const noise = g.addInitializer(`${this.path}.const_noise`, this.constNoise!, [1, 1, this.size, this.size]);
      y = n('Add', [y, n('Mul', [noise, this.exportParam(g, 'noise_strength', undefined, [1, this.cout, 1, 1])])]);
    }
    return n('Add', [y, this.exportParam(g, 'bias', undefined, [1, this.cout, 1, 1])]);
  }
}

export class StyleGenerator extends Module implements GanGenerator {
  readonly zDim: number;
  readonly wDim: number;
  readonly numClasses: number | undefined;
  readonly imageSize: number;
  readonly channels: number;
  readonly embed: Embedding | null;
  readonly mapping: ModuleList<Dense>;
  readonly constInput: tf.Variable; // [1, 4, 4, width]
  readonly convs: ModuleList<ModConv>;
  readonly toRgb: ModConv;
  /** Running mean of w (a buffer: checkpointed, not trained). */
  readonly wAvg: tf.Variable;
  readonly act = new LeakyReLU(0.2);
  /** Style inputs: one per modconv, and toRGB takes the last. */
  readonly numLayers: number;

  constructor(readonly config: StyleGanConfig, seed: number) {
    super();
    const rng = new Rng(seed);
    const { imageSize, channels, zDim, width, numClasses } = config;
    const doublings = Math.log2(imageSize / 4);
    if (!Number.isInteger(doublings) || doublings < 1) throw new Error(`StyleGenerator: imageSize must be a power of two >= 8, got ${imageSize}`);
    if (width >> doublings < 16) throw new Error(`StyleGenerator: width ${width} halved ${doublings} times must stay >= 16`);
    this.zDim = zDim;
    this.wDim = zDim;
    this.numClasses = numClasses;
    this.imageSize = imageSize;
    this.channels = channels;
    const classDim = config.classDim ?? 16;
    this.embed = numClasses !== undefined ? this.addModule('embed', new Embedding(rng, numClasses, classDim)) : null;
    this.mapping = this.addModule('mapping', new ModuleList<Dense>());
    const layers = config.mappingLayers ?? 4;
    for (let i = 0; i < layers; i++) {
      const fanIn = i === 0 ? zDim + (this.embed ? classDim : 0) : this.wDim;
      const dense = new Dense(rng, fanIn, this.wDim, { zeroBias: true });
      // He initialisation for the LeakyReLU (gain √2), as StyleGAN's equalised mapping: with the uniform ±1/√fan_in
      // default every layer kept ~1/6 of the variance, w came out at RMS 0.03 after 4 layers, s = 1 + affine(w) was
      // ~1 for every z, and both training runs drew one picture for every z and class (docs/gans.md).
      // Stored ×1/LR_MUL, used ×LR_MUL (module comment).
      const std = Math.SQRT2 / Math.sqrt(fanIn) / LR_MUL;
      dense.kernel.assign(tf.tensor2d(Float32Array.from(rng.normalArray(fanIn * this.wDim), (v) => v * std), [fanIn, this.wDim]));
      this.mapping.push(dense);
    }
    this.constInput = this.addParam('const', [1, 4, 4, width], { kind: 'normal', std: 1 }, rng);
    this.convs = this.addModule('convs', new ModuleList<ModConv>());
    let c = width;
    this.convs.push(new ModConv(rng, this.wDim, c, c, 3, true, 4));
    for (let i = 0, size = 8; i < doublings; i++, size *= 2) {
      this.convs.push(new ModConv(rng, this.wDim, c, c / 2, 3, true, size));
      this.convs.push(new ModConv(rng, this.wDim, c / 2, c / 2, 3, true, size));
      c /= 2;
    }
    this.toRgb = this.addModule('to_rgb', new ModConv(rng, this.wDim, c, channels, 1, false, imageSize));
    this.numLayers = this.convs.items.length + 1;
    this.wAvg = tf.variable(tf.zeros([this.wDim]), false);
  }

  /** The checkpointed running mean of w. */
  buffers(): Map<string, tf.Variable> {
    return new Map([['w_avg', this.wAvg]]);
  }

  /** z [B, zDim] (+ labels) → w [B, wDim]. */
  map(z: tf.Tensor2D, labels?: tf.Tensor1D): tf.Tensor2D {
    checkLabels('StyleGenerator', this.numClasses, labels);
    return tf.tidy(() => {
      let h: tf.Tensor2D = tf.mul(z, tf.rsqrt(tf.add(tf.mean(tf.square(z), 1, true), 1e-8)));
      if (this.embed && labels) h = tf.concat([h, this.embed.apply(labels) as tf.Tensor2D], 1);
      for (const d of this.mapping.items) h = this.act.apply(d.apply(h, tf.mul(d.kernel, LR_MUL)));
      return h;
    });
  }

  apply(z: tf.Tensor2D, labels?: tf.Tensor1D, train?: { rng: Rng }): tf.Tensor4D {
    return this.applyStyle(z, { ...(labels && { labels }), ...(train && { rng: train.rng }) });
  }

  /** Images [B, H, W, C] in [−1, 1] from z with truncation, style mixing and (training) noise (see StyleOptions). */
  applyStyle(z: tf.Tensor2D, o: StyleOptions = {}): tf.Tensor4D {
    const B = z.shape[0];
    const L = this.numLayers;
    // Training: mixing regularisation's second latent and crossover, drawn before the tidy (the Rng is the run's).
    let zMix = o.zMix;
    let crossover = o.crossover;
    const drawn: tf.Tensor[] = [];
    if (o.rng && !zMix) {
      zMix = tf.tensor2d(o.rng.normalArray(B * this.zDim), [B, this.zDim]);
      crossover = tf.tensor1d(Int32Array.from({ length: B }, () => (o.rng!.uniform() < MIXING_PROB ? 1 + o.rng!.int(L - 1) : L)), 'int32');
      drawn.push(zMix, crossover);
    }
    const noises = o.rng ? this.convs.items.map((m) => tf.tensor4d(o.rng!.normalArray(B * m.size * m.size), [B, m.size, m.size, 1])) : undefined;
    const out = tf.tidy(() => {
      let w = this.map(z, o.labels);
      if (o.rng) this.wAvg.assign(tf.add(tf.mul(this.wAvg, W_AVG_DECAY), tf.mul(tf.mean(w, 0), 1 - W_AVG_DECAY)));
      const truncate = (x: tf.Tensor2D) => {
        if (o.psi === undefined || o.psi === 1) return x;
        const psi = typeof o.psi === 'number' ? tf.scalar(o.psi) : o.psi.reshape([B, 1]);
        return tf.add(this.wAvg, tf.mul(tf.sub(x, this.wAvg), psi)) as tf.Tensor2D;
      };
      w = truncate(w);
      const w2 = zMix ? truncate(this.map(zMix, o.labels)) : undefined;
      const wAt = (layer: number): tf.Tensor2D => {
        if (!w2 || !crossover) return w;
        const useSecond = tf.lessEqual(crossover, layer).reshape([B, 1]); // layer ≥ crossover
        return tf.where(tf.tile(useSecond, [1, this.wDim]), w2, w) as tf.Tensor2D;
      };
      let h = tf.tile(this.constInput, [B, 1, 1, 1]) as tf.Tensor4D;
      this.convs.items.forEach((conv, i) => {
        if (i > 0 && i % 2 === 1) h = upsampleNearest2x(h);
        h = this.act.apply(conv.apply(h, wAt(i), noises?.[i]));
      });
      return tf.tanh(this.toRgb.apply(h, wAt(L - 1))) as tf.Tensor4D;
    });
    tf.dispose([...drawn, ...(noises ?? [])]);
    return out;
  }

  /**
   * ONNX (NCHW): z [B, zDim] (+ class_labels [B] int64) and the style inputs truncation_psi [B], z_mix [B, zDim] and
   * mix_crossover [B] int64 (the first layer drawn from z_mix; numLayers = no mixing) → image [B, C, H, W].
   * GanGenerator.toOnnx's signature carries z and labels; the style inputs are added to the graph here.
   */
  toOnnx(g: OnnxGraph, z: string, labels?: string): string {
    const n = (op: string, inputs: string[], attrs = {}): string => g.node(op, inputs, attrs, { name: this.onnxName(g, op) })[0]!;
    const psi = g.addInput('truncation_psi', 'float32', ['batch']);
    const zMix = g.addInput('z_mix', 'float32', ['batch', this.zDim]);
    const crossover = g.addInput('mix_crossover', 'int64', ['batch']);
    const wAvg = g.addInitializer('w_avg', tf.tidy(() => Float32Array.from(this.wAvg.dataSync() as Float32Array)), [1, this.wDim]);
    const psi2 = n('Unsqueeze', [psi, g.constInt64([1], 'axis_1')]); // [B, 1]
    const mapped = (zz: string): string => {
      let h = n('Mul', [zz, n('Reciprocal', [n('Sqrt', [n('Add', [n('ReduceMean', [n('Mul', [zz, zz])], { axes: { ints: [1] }, keepdims: { int: 1 } }), g.constFloat([1e-8], [1], 'pn_eps')])])])]);
      if (this.embed && labels) h = n('Concat', [h, this.embed.toOnnx(g, labels)], { axis: { int: 1 } });
      for (const d of this.mapping.items) h = this.act.toOnnx(g, d.toOnnx(g, h, tf.tidy(() => tf.mul(d.kernel, LR_MUL))));
      // truncation: w_avg + ψ (w − w_avg)
      return n('Add', [wAvg, n('Mul', [n('Sub', [h, wAvg]), psi2])]);
    };
    const w = mapped(z);
    const w2 = mapped(zMix);
    const cross2 = n('Unsqueeze', [crossover, g.constInt64([1], 'axis_1')]); // [B, 1]
    const wAt = (layer: number): string => n('Where', [n('LessOrEqual', [cross2, g.constInt64([layer], `layer_${layer}`)]), w2, w]);
    const B = n('Slice', [n('Shape', [z]), g.constInt64([0], 'start0'), g.constInt64([1], 'end1')]);
    const constIn = g.addInitializer('const', tf.tidy(() => Float32Array.from(tf.transpose(this.constInput, [0, 3, 1, 2]).dataSync() as Float32Array)), [1, this.constInput.shape[3]!, 4, 4]);
    let h = n('Tile', [constIn, n('Concat', [B, g.constInt64([1, 1, 1], 'ones3')], { axis: { int: 0 } })]);
    this.convs.items.forEach((conv, i) => {
      if (i > 0 && i % 2 === 1) h = upsampleNearest2xOnnx(g, h, this.onnxName(g, 'Resize'));
      h = this.act.toOnnx(g, conv.toOnnx(g, h, wAt(i)));
    });
    return n('Tanh', [this.toRgb.toOnnx(g, h, wAt(this.numLayers - 1))]);
  }

  override dispose(): void {
    super.dispose();
    this.wAvg.dispose();
  }
}
