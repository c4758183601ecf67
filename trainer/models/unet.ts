/**
 * The denoising U-Net (Ho et al. 2020, DDPM; layout of diffusers' UNet2DModel), predicting the
 * noise ε in x_t, optionally conditioned on a class label (with a "no class" row for
 * classifier-free guidance) and/or a context sequence through cross-attention.
 *
 *   temb = MLP(sinusoidal(t)) (+ ClassEmbedding(label))          // [B, 4·base]
 *   h = ConvIn(x)
 *   down levels: numResBlocks × (ResBlock [+ Attention]) then Downsample (not after the last)
 *   mid: ResBlock, Attention, ResBlock
 *   up levels (deepest first): (numResBlocks+1) × (concat skip, ResBlock [+ Attention]) then Upsample
 *   ε = ConvOut(SiLU(GroupNorm(h)))                               // zero-initialised
 *
 * tfjs forward is NHWC; the ONNX export is NCHW with inputs `sample` [batch, C, H, W],
 * `timestep` [batch], `class_labels` [batch] int64, `encoder_hidden_states` [batch, L, Dctx]
 * and output `model_output` [batch, C, H, W].
 */
import * as tf from '@tensorflow/tfjs';
import { OnnxGraph } from '../export/onnx-graph.js';
import { WebgenError } from '../errors/index.js';
import { AttentionBlock } from '../nn/attention-block.js';
import { Conv2d } from '../nn/conv2d.js';
import { Dense } from '../nn/dense.js';
import { Downsample } from '../nn/downsample.js';
import { Embedding } from '../nn/embedding.js';
import { GroupNorm } from '../nn/group-norm.js';
import { Module, ModuleList } from '../nn/module.js';
import { ResBlock } from '../nn/res-block.js';
import { Rng } from '../../sdk/random/rng.js';
import { SiLU } from '../nn/silu.js';
import { SinusoidalTimestepEmbedding } from '../nn/timestep-embedding.js';
import { Upsample } from '../nn/upsample.js';
import type { UNetConfig } from './unet-config.js';
import { TENSOR_NAMES } from '../../sdk/manifest/tensor-names.js';

export type { UNetConfig } from './unet-config.js';

/** Conditioning inputs of {@link UNet.apply}. */
export interface UNetCond {
  /** [B] int32 labels in [0, numClasses]; numClasses = unconditional. Default: all numClasses. */
  classLabels?: tf.Tensor1D;
  /** [B, L, contextDim] float32; required when the model has contextDim. */
  context?: tf.Tensor3D;
  /** [B] float32 guidance scales; required when the model has guidanceInput. */
  guidanceScale?: tf.Tensor1D;
}

/** w is embedded as sinusoidal(w · GUIDANCE_EMBED_SCALE): scales 1 … 4 span the timesteps' range of phases. */
export const GUIDANCE_EMBED_SCALE = 100;

/** Options of {@link UNet.toOnnx}. */
export interface UNetOnnxOptions {
  /** Store weights as float16 (cast back to float32 in the graph): half the file. Default false. */
  weightsFp16?: boolean;
  /** Key/value strings stored in the model's metadata_props. Default none. */
  metadata?: Record<string, string>;
}

/** One resolution level: res blocks, their attention blocks (if any), and the resampler (if any). */
class UNetLevel<S extends Module> extends Module {
  readonly res: ModuleList<ResBlock>;
  readonly attn: ModuleList<AttentionBlock> | null;
  sample: S | null = null;

  constructor(withAttention: boolean) {
    super();
    this.res = this.addModule('res', new ModuleList<ResBlock>());
    this.attn = withAttention ? this.addModule('attn', new ModuleList<AttentionBlock>()) : null;
  }

  setSample(name: string, s: S): void {
    this.sample = this.addModule(name, s);
  }
}

export class UNet extends Module {
  readonly timeProj: SinusoidalTimestepEmbedding;
  readonly timeMlp1: Dense;
  readonly timeMlp2: Dense;
  readonly classEmbedding: Embedding | null;
  readonly guidanceProj: SinusoidalTimestepEmbedding | null;
  readonly guidanceMlp1: Dense | null;
  readonly guidanceMlp2: Dense | null;
  readonly convIn: Conv2d;
  readonly down: ModuleList<UNetLevel<Downsample>>;
  readonly midRes1: ResBlock;
  readonly midAttn: AttentionBlock;
  readonly midRes2: ResBlock;
  readonly up: ModuleList<UNetLevel<Upsample>>;
  readonly normOut: GroupNorm;
  readonly convOut: Conv2d;
  private readonly act: SiLU;

  /** @param seed seeds the weight initialisation; equal seeds give identical weights. Default 0. */
  constructor(
    readonly config: UNetConfig,
    seed = 0,
  ) {
    super();
    validateConfig(config);
    const rng = new Rng(seed);
    const { baseChannels: base, channelMults, numResBlocks, numHeads, groups, contextDim } = config;
    const tembDim = 4 * base;
    const attnOpts = { groups, contextDim };

    this.act = this.addModule('act', new SiLU());
    this.timeProj = this.addModule('time_proj', new SinusoidalTimestepEmbedding(base));
    this.timeMlp1 = this.addModule('time_mlp1', new Dense(rng, base, tembDim));
    this.timeMlp2 = this.addModule('time_mlp2', new Dense(rng, tembDim, tembDim));
    this.classEmbedding = config.numClasses !== undefined
      ? this.addModule('class_embedding', new Embedding(rng, config.numClasses + 1, tembDim))
      : null;
    // Built after the teacher's modules so the shared ones draw the same initial weights for the same seed.
    this.guidanceProj = config.guidanceInput ? this.addModule('guidance_proj', new SinusoidalTimestepEmbedding(base)) : null;
    this.guidanceMlp1 = config.guidanceInput ? this.addModule('guidance_mlp1', new Dense(new Rng(seed + 1), base, tembDim)) : null;
    this.guidanceMlp2 = config.guidanceInput ? this.addModule('guidance_mlp2', new Dense(new Rng(seed + 2), tembDim, tembDim, { zeroInit: true })) : null;
    this.convIn = this.addModule('conv_in', new Conv2d(rng, config.inChannels, base));

    // Way down: remember the channels of every output that the way up concatenates back.
    this.down = this.addModule('down', new ModuleList<UNetLevel<Downsample>>());
    const skipChannels = [base];
    let ch = base;
    let res = config.imageSize;
    channelMults.forEach((mult, i) => {
      const withAttn = config.attentionResolutions.includes(res);
      const level = this.down.push(new UNetLevel<Downsample>(withAttn));
      for (let j = 0; j < numResBlocks; j++) {
        level.res.push(new ResBlock(rng, ch, base * mult, tembDim, groups));
        ch = base * mult;
        level.attn?.push(new AttentionBlock(rng, ch, numHeads, attnOpts));
        skipChannels.push(ch);
      }
      if (i < channelMults.length - 1) {
        level.setSample('downsample', new Downsample(rng, ch));
        skipChannels.push(ch);
        res /= 2;
      }
    });

    this.midRes1 = this.addModule('mid_res1', new ResBlock(rng, ch, ch, tembDim, groups));
    this.midAttn = this.addModule('mid_attn', new AttentionBlock(rng, ch, numHeads, attnOpts));
    this.midRes2 = this.addModule('mid_res2', new ResBlock(rng, ch, ch, tembDim, groups));

    // Way up, deepest level first (up.0 is the lowest resolution).
    this.up = this.addModule('up', new ModuleList<UNetLevel<Upsample>>());
    for (let i = channelMults.length - 1; i >= 0; i--) {
      const withAttn = config.attentionResolutions.includes(res);
      const level = this.up.push(new UNetLevel<Upsample>(withAttn));
      for (let j = 0; j < numResBlocks + 1; j++) {
        level.res.push(new ResBlock(rng, ch + skipChannels.pop()!, base * channelMults[i]!, tembDim, groups));
        ch = base * channelMults[i]!;
        level.attn?.push(new AttentionBlock(rng, ch, numHeads, attnOpts));
      }
      if (i > 0) {
        level.setSample('upsample', new Upsample(rng, ch));
        res *= 2;
      }
    }

    this.normOut = this.addModule('norm_out', new GroupNorm(rng, groups, ch));
    // Zero-initialised (as DDPM implementations): the untrained model predicts ε = 0.
    this.convOut = this.addModule('conv_out', new Conv2d(rng, ch, config.inChannels, { zeroInit: true }));
  }

  /**
   * Predicts the noise. x: [B, H, W, C] (NHWC), t: [B] float32 timesteps → ε̂ [B, H, W, C].
   * Differentiable with respect to the variables (use inside tf.variableGrads).
   */
  apply(x: tf.Tensor4D, t: tf.Tensor1D, cond: UNetCond = {}): tf.Tensor4D {
    const c = this.config;
    const [, h, w, chans] = x.shape;
    if (h !== c.imageSize || w !== c.imageSize || chans !== c.inChannels) {
      throw new WebgenError(`UNet.apply: x must be [B, ${c.imageSize}, ${c.imageSize}, ${c.inChannels}], got [${x.shape.join(', ')}]`);
    }
    if (c.contextDim !== undefined && !cond.context) {
      throw new WebgenError(`UNet.apply: this model has contextDim ${c.contextDim}; pass cond.context [B, L, ${c.contextDim}]`);
    }
    if (c.contextDim === undefined && cond.context) {
      throw new WebgenError('UNet.apply: cond.context given but the model was built without contextDim');
    }
    if (c.guidanceInput && !cond.guidanceScale) {
      throw new WebgenError('UNet.apply: this model has a guidance-scale input; pass cond.guidanceScale [B]');
    }
    if (!c.guidanceInput && cond.guidanceScale) {
      throw new WebgenError('UNet.apply: cond.guidanceScale given but the model was built without guidanceInput');
    }
    if (c.numClasses === undefined && cond.classLabels) {
      throw new WebgenError('UNet.apply: cond.classLabels given but the model was built without numClasses');
    }
    return tf.tidy(() => {
      const ctx = cond.context;
      // 1. time (and class) embedding  [B, 4·base]
      let temb = this.timeMlp2.apply(this.act.apply(this.timeMlp1.apply(this.timeProj.apply(t))));
      if (this.classEmbedding) {
        const labels = cond.classLabels ?? tf.fill([x.shape[0]], c.numClasses!, 'int32') as tf.Tensor1D;
        temb = tf.add(temb, this.classEmbedding.apply(labels) as tf.Tensor2D);
      }
      if (this.guidanceProj && cond.guidanceScale) {
        const w = this.guidanceProj.apply(tf.mul(cond.guidanceScale, GUIDANCE_EMBED_SCALE) as tf.Tensor1D);
        temb = tf.add(temb, this.guidanceMlp2!.apply(this.act.apply(this.guidanceMlp1!.apply(w))));
      }
      // 2. way down, keeping skips
      let hid = this.convIn.apply(x);
      const skips: tf.Tensor4D[] = [hid];
      for (const level of this.down.items) {
        level.res.items.forEach((block, j) => {
          hid = block.apply(hid, temb);
          if (level.attn) hid = level.attn.items[j]!.apply(hid, ctx);
          skips.push(hid);
        });
        if (level.sample) {
          hid = level.sample.apply(hid);
          skips.push(hid);
        }
      }
      // 3. middle
      hid = this.midRes2.apply(this.midAttn.apply(this.midRes1.apply(hid, temb), ctx), temb);
      // 4. way up, concatenating skips on channels
      for (const level of this.up.items) {
        level.res.items.forEach((block, j) => {
          hid = block.apply(tf.concat([hid, skips.pop()!], -1), temb);
          if (level.attn) hid = level.attn.items[j]!.apply(hid, ctx);
        });
        if (level.sample) hid = level.sample.apply(hid);
      }
      // 5. output
      return this.convOut.apply(this.act.apply(this.normOut.apply(hid)));
    });
  }

  /** The ONNX graph of the current weights (NCHW); see the file comment for inputs and outputs. */
  onnxGraph(): OnnxGraph {
    const c = this.config;
    const g = new OnnxGraph('unet');
    const x = g.addInput(TENSOR_NAMES.sample, 'float32', ['batch', c.inChannels, c.imageSize, c.imageSize]);
    const t = g.addInput(TENSOR_NAMES.timestep, 'float32', ['batch']);
    const labels = c.numClasses !== undefined ? g.addInput(TENSOR_NAMES.classLabels, 'int64', ['batch']) : undefined;
    const ctx = c.contextDim !== undefined
      ? g.addInput(TENSOR_NAMES.context, 'float32', ['batch', 'sequence', c.contextDim])
      : undefined;
    const guidance = c.guidanceInput ? g.addInput(TENSOR_NAMES.guidanceScale, 'float32', ['batch']) : undefined;
    const cat = (a: string, b: string): string => g.node('Concat', [a, b], { axis: { int: 1 } }, { name: 'Concat' })[0]!;

    let temb = this.timeMlp2.toOnnx(g, this.act.toOnnx(g, this.timeMlp1.toOnnx(g, this.timeProj.toOnnx(g, t))));
    if (this.classEmbedding && labels) {
      temb = g.node('Add', [temb, this.classEmbedding.toOnnx(g, labels)], {}, { name: 'class_embedding/Add' })[0]!;
    }
    if (this.guidanceProj && guidance) {
      const scaled = g.node('Mul', [guidance, g.constFloat([GUIDANCE_EMBED_SCALE], [1], 'guidance_embed_scale')], {}, { name: 'guidance_proj/Scale' })[0]!;
      const w = this.guidanceMlp2!.toOnnx(g, this.act.toOnnx(g, this.guidanceMlp1!.toOnnx(g, this.guidanceProj.toOnnx(g, scaled))));
      temb = g.node('Add', [temb, w], {}, { name: 'guidance_embedding/Add' })[0]!;
    }
    let h = this.convIn.toOnnx(g, x);
    const skips = [h];
    for (const level of this.down.items) {
      level.res.items.forEach((block, j) => {
        h = block.toOnnx(g, h, temb);
        if (level.attn) h = level.attn.items[j]!.toOnnx(g, h, ctx);
        skips.push(h);
      });
      if (level.sample) {
        h = level.sample.toOnnx(g, h);
        skips.push(h);
      }
    }
    h = this.midRes2.toOnnx(g, this.midAttn.toOnnx(g, this.midRes1.toOnnx(g, h, temb), ctx), temb);
    for (const level of this.up.items) {
      level.res.items.forEach((block, j) => {
        h = block.toOnnx(g, cat(h, skips.pop()!), temb);
        if (level.attn) h = level.attn.items[j]!.toOnnx(g, h, ctx);
      });
      if (level.sample) h = level.sample.toOnnx(g, h);
    }
    const out = this.convOut.toOnnx(g, this.act.toOnnx(g, this.normOut.toOnnx(g, h)));
    g.aliasOutput(out, TENSOR_NAMES.output, 'float32', ['batch', c.inChannels, c.imageSize, c.imageSize]);
    return g;
  }

  /** Serialised ONNX model (opset 17) of the current weights. */
  toOnnx(opts: UNetOnnxOptions = {}): Uint8Array {
    return this.onnxGraph().toBytes({ weightsFp16: opts.weightsFp16, metadata: opts.metadata, producer: 'webgen' });
  }
}

function validateConfig(c: UNetConfig): void {
  const bad = (what: string): never => {
    throw new WebgenError(`UNetConfig: ${what}`);
  };
  const levels = c.channelMults.length;
  if (levels < 1) bad("'channelMults' must list at least one level, e.g. [1, 2, 2]");
  if (c.imageSize % 2 ** (levels - 1) !== 0) {
    bad(`'imageSize' (${c.imageSize}) must divide by 2^${levels - 1} for ${levels} levels`);
  }
  if (c.numResBlocks < 1) bad(`'numResBlocks' must be at least 1, got ${c.numResBlocks}`);
  for (const m of c.channelMults) {
    const ch = c.baseChannels * m;
    if (ch % c.groups !== 0) bad(`'groups' (${c.groups}) must divide every level's channels; ${ch} does not`);
    if (ch % c.numHeads !== 0) bad(`'numHeads' (${c.numHeads}) must divide every level's channels; ${ch} does not`);
  }
  if (c.baseChannels % 2 !== 0) bad(`'baseChannels' must be even (timestep embedding size), got ${c.baseChannels}`);
  if (c.numClasses !== undefined && !(c.numClasses >= 1)) bad(`'numClasses' must be at least 1, got ${c.numClasses}`);
}

export { UNET_PRESETS, type UNetPresetName } from './unet-presets.js';
