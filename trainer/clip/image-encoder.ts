/**
 * CLIP's image towers, pooled to one feature vector per image (the projection W_i is the model's, clip-model.ts):
 *
 * ViT (Dosovitskiy et al. 2021, as CLIP's ViT-B/32 in miniature):
 *   x_p = Conv_{P×P, stride P}(x)                      // patch embedding E: [B, L, D], L = (S/P)²
 *   z_0 = [x_class; x_p] + E_pos                        // class token, learned positions [L + 1, D]
 *   z_ℓ = TransformerBlock(z_{ℓ−1})                    // pre-norm (trainer/nn/transformer-block.ts)
 *   y   = LayerNorm(z_L^0)                              // the class token's state: [B, D]
 *
 * CNN (the comparison at a similar parameter count): a 4×4 stride-4 stem, a residual block per level
 * (trainer/nn/res-block.ts, no time embedding) with a stride-2 downsample between levels, GroupNorm + SiLU, and the
 * mean over positions: [B, width of the last level].
 *
 * apply() is tfjs (NHWC in); toOnnx() writes the same network into a graph (NCHW in).
 */
import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { Conv2d } from '../nn/conv2d.js';
import { Downsample } from '../nn/downsample.js';
import { GroupNorm } from '../nn/group-norm.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Module, ModuleList } from '../nn/module.js';
import { ResBlock } from '../nn/res-block.js';
import { SiLU } from '../nn/silu.js';
import { TransformerBlock } from '../nn/transformer-block.js';
import type { Rng } from '../../sdk/random/rng.js';

/** What the CLIP model needs of an image tower. */
export interface ImageTower extends Module {
  /** Width of the pooled features. */
  readonly width: number;
  /** x: [B, S, S, C] → [B, width]. */
  apply(x: tf.Tensor4D): tf.Tensor2D;
  /** x: [B, C, S, S] → [B, width]. */
  toOnnx(g: OnnxGraph, x: string): string;
}

export interface VitImageConfig {
  imageSize: number;
  channels: number;
  patch: number;
  dim: number;
  depth: number;
  heads: number;
}

export class VitImageEncoder extends Module implements ImageTower {
  readonly patchEmbed: Conv2d;
  readonly cls: tf.Variable; // [1, 1, D]
  readonly pos: tf.Variable; // [L + 1, D]
  readonly blocks: ModuleList<TransformerBlock>;
  readonly norm: LayerNorm;
  readonly tokens: number;
  readonly width: number;

  constructor(readonly config: VitImageConfig, rng: Rng) {
    super();
    const c = config;
    const grid = c.imageSize / c.patch;
    if (!Number.isInteger(grid)) throw new Error(`--patch ${c.patch} must divide --image-size ${c.imageSize}`);
    if (c.dim % c.heads !== 0) throw new Error(`--vit-heads ${c.heads} must divide --vit-dim ${c.dim}`);
    this.tokens = grid * grid;
    this.width = c.dim;
    this.patchEmbed = this.addModule('patch_embed', new Conv2d(rng, c.channels, c.dim, { kernelSize: c.patch, stride: c.patch, padding: 0 }));
    // CLIP's scale: D^-0.5 for both.
    this.cls = this.addParam('cls', [1, 1, c.dim], { kind: 'normal', std: c.dim ** -0.5 }, rng);
    this.pos = this.addParam('pos', [this.tokens + 1, c.dim], { kind: 'normal', std: c.dim ** -0.5 }, rng);
    this.blocks = this.addModule('blocks', new ModuleList<TransformerBlock>());
    for (let i = 0; i < c.depth; i++) this.blocks.push(new TransformerBlock(rng, c.dim, c.heads));
    this.norm = this.addModule('norm', new LayerNorm(rng, c.dim));
  }

  apply(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const b = x.shape[0];
      const D = this.width;
      const patches = this.patchEmbed.apply(x).reshape([b, this.tokens, D]); // [B, L, D], row-major patches
      const cls = tf.add(tf.zeros([b, 1, D]), this.cls);
      let h = tf.add(tf.concat([cls, patches], 1), this.pos) as tf.Tensor3D; // [B, L + 1, D]
      for (const block of this.blocks.items) h = block.apply(h);
      return this.norm.apply(h.slice([0, 0, 0], [b, 1, D]).reshape([b, D])) as tf.Tensor2D;
    });
  }

  /**
   * What the class token attends to: for each block, the attention weights of the class token's query over the patch
   * tokens (its weight on itself left out), [depth, B, heads, L] (L = patches, row-major), for pictures.
   */
  classAttention(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const b = x.shape[0];
      const D = this.width;
      const patches = this.patchEmbed.apply(x).reshape([b, this.tokens, D]);
      let h = tf.add(tf.concat([tf.add(tf.zeros([b, 1, D]), this.cls), patches], 1), this.pos) as tf.Tensor3D;
      const maps: tf.Tensor[] = [];
      for (const block of this.blocks.items) {
        const w = block.attn.attentionWeights(block.norm1.apply(h) as tf.Tensor3D); // [B, H, L + 1, L + 1]
        maps.push(w.slice([0, 0, 0, 1], [b, this.config.heads, 1, this.tokens]).reshape([b, this.config.heads, this.tokens]));
        h = block.apply(h);
      }
      return tf.stack(maps) as tf.Tensor4D;
    });
  }

  toOnnx(g: OnnxGraph, x: string): string {
    const n = (op: string, inputs: string[], attrs = {}): string => g.node(op, inputs, attrs, { name: this.onnxName(g, op) })[0]!;
    const D = this.width;
    // [B, D, g, g] → [B, D, L] → [B, L, D]: the same row-major patch order as tfjs' NHWC reshape.
    const conv = this.patchEmbed.toOnnx(g, x);
    const patches = n('Transpose', [n('Reshape', [conv, g.constInt64([0, D, -1], 'patch_tokens')])], { perm: { ints: [0, 2, 1] } });
    // The class token broadcast to [B, 1, D]: B from the input's shape.
    const batch = n('Slice', [n('Shape', [x]), g.constInt64([0], 'batch_start'), g.constInt64([1], 'batch_end')]);
    const clsShape = n('Concat', [batch, g.constInt64([1, D], 'cls_tail')], { axis: { int: 0 } });
    const cls = n('Expand', [this.exportParam(g, 'cls'), clsShape]);
    let h = n('Add', [n('Concat', [cls, patches], { axis: { int: 1 } }), this.exportParam(g, 'pos')]);
    for (const block of this.blocks.items) h = block.toOnnx(g, h);
    const first = n('Gather', [h, g.constInt64([0], 'cls_index')], { axis: { int: 1 } }); // [B, 1, D]
    return this.norm.toOnnx(g, n('Reshape', [first, g.constInt64([-1, D], 'cls_flat')]));
  }
}

export interface CnnImageConfig {
  imageSize: number;
  channels: number;
  /** Channels per level. */
  widths: number[];
  groups: number;
}

/** The stem's kernel and stride: 4×4 patches, as ConvNeXt's "patchify" stem. */
const STEM = 4;

export class CnnImageEncoder extends Module implements ImageTower {
  readonly stem: Conv2d;
  readonly levels: ModuleList<Module>;
  readonly norm: GroupNorm;
  readonly act: SiLU;
  readonly width: number;

  constructor(readonly config: CnnImageConfig, rng: Rng) {
    super();
    const { widths, groups } = config;
    if (config.imageSize % STEM !== 0) throw new Error(`--image-size ${config.imageSize} must be a multiple of ${STEM} for the CNN's stem`);
    for (const w of widths) if (w % groups !== 0) throw new Error(`--cnn-groups ${groups} must divide every --cnn-widths entry (${w} does not)`);
    this.width = widths[widths.length - 1]!;
    this.stem = this.addModule('stem', new Conv2d(rng, config.channels, widths[0]!, { kernelSize: STEM, stride: STEM, padding: 0 }));
    this.levels = this.addModule('levels', new ModuleList<Module>());
    widths.forEach((w, i) => {
      this.levels.push(new ResBlock(rng, i === 0 ? w : widths[i - 1]!, w, 0, groups));
      if (i < widths.length - 1) this.levels.push(new Downsample(rng, w));
    });
    this.norm = this.addModule('norm', new GroupNorm(rng, groups, this.width));
    this.act = this.addModule('act', new SiLU());
  }

  apply(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      let h = this.stem.apply(x);
      for (const m of this.levels.items) h = m instanceof ResBlock ? m.apply(h) : (m as Downsample).apply(h);
      return tf.mean(this.act.apply(this.norm.apply(h)), [1, 2]) as tf.Tensor2D;
    });
  }

  toOnnx(g: OnnxGraph, x: string): string {
    let h = this.stem.toOnnx(g, x);
    for (const m of this.levels.items) h = m instanceof ResBlock ? m.toOnnx(g, h) : (m as Downsample).toOnnx(g, h);
    h = this.act.toOnnx(g, this.norm.toOnnx(g, h));
    return g.node('ReduceMean', [h], { axes: { ints: [2, 3] }, keepdims: { int: 0 } }, { name: this.onnxName(g, 'ReduceMean') })[0]!;
  }
}
