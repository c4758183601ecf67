/**
 * The CLIP model (Radford et al. 2021): two towers into one embedding space.
 *
 *   I_f = image_encoder(I)            // [n, D_i]  ViT class token or CNN mean pool (image-encoder.ts)
 *   T_f = text_encoder(T)             // [n, D_t]  trainer/models/text-encoder.ts, mean over the caption's words
 *   I_e = l2_normalize(I_f · W_i)     // [n, d_e]
 *   T_e = l2_normalize(T_f · W_t)     // [n, d_e]
 *   logits = I_e · T_eᵀ · exp(t)      // the loss: contrastive-loss.ts
 *
 * The text pool is the mean of the final-norm states over the caption's words (padding left out): our word
 * tokenizer has no begin/end token to pool on, and the per-token states stay available for cross-attention.
 */
import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from '../export/onnx-graph.js';
import { TextEncoderModel, type TextEncoderConfig } from '../models/text-encoder.js';
import { Dense } from '../nn/dense.js';
import { Module } from '../nn/module.js';
import { Rng } from '../../sdk/random/rng.js';
import { clipLogits, contrastiveLoss, INITIAL_LOG_SCALE, l2Normalize, MAX_LOGIT_SCALE, type ContrastiveLoss } from './contrastive-loss.js';
import { CnnImageEncoder, VitImageEncoder, type CnnImageConfig, type ImageTower, type VitImageConfig } from './image-encoder.js';

export interface ClipModelConfig {
  image: ({ kind: 'vit' } & VitImageConfig) | ({ kind: 'cnn' } & CnnImageConfig);
  text: TextEncoderConfig;
  /** Width d_e of the joint embedding. */
  embedDim: number;
  /** Token id of padding (left out of the text pool). */
  padId: number;
}

export class ClipModel extends Module {
  readonly image: ImageTower;
  readonly text: TextEncoderModel;
  readonly imageProjection: Dense; // W_i [D_i, d_e]
  readonly textProjection: Dense; // W_t [D_t, d_e]
  readonly logScale: tf.Variable; // t [1]

  constructor(readonly config: ClipModelConfig, seed: number) {
    super();
    const rng = new Rng(seed);
    const c = config.image;
    this.image = this.addModule('image', c.kind === 'vit' ? new VitImageEncoder(c, rng) : new CnnImageEncoder(c, rng));
    this.text = this.addModule('text', new TextEncoderModel(config.text, seed + 1));
    this.imageProjection = this.addModule('image_projection', new Dense(rng, this.image.width, config.embedDim, { bias: false }));
    this.textProjection = this.addModule('text_projection', new Dense(rng, config.text.dim, config.embedDim, { bias: false }));
    this.logScale = this.addParam('log_scale', [1], { kind: 'zeros' }, rng);
    this.logScale.assign(tf.fill([1], INITIAL_LOG_SCALE));
  }

  /** Images [n, S, S, C] in [-1, 1] → I_e [n, d_e], unit rows. */
  embedImages(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => l2Normalize(this.imageProjection.apply(this.image.apply(x))));
  }

  /** Token ids [n, maxLength] → T_e [n, d_e], unit rows. */
  embedTexts(ids: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => l2Normalize(this.textProjection.apply(this.poolText(ids, this.text.apply(ids)))));
  }

  /** Mean of the states [n, L, D] over the positions whose id is not padding → [n, D] (an empty caption: 0). */
  private poolText(ids: tf.Tensor2D, states: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => {
      const mask = tf.notEqual(ids, this.config.padId).toFloat().expandDims(2); // [n, L, 1]
      return tf.div(tf.sum(tf.mul(states, mask), 1), tf.maximum(tf.sum(mask, 1), 1)) as tf.Tensor2D;
    });
  }

  /** logits [n, n] of a batch of pairs, and the symmetric loss (call inside tf.variableGrads). */
  loss(images: tf.Tensor4D, ids: tf.Tensor2D): ContrastiveLoss & { logits: tf.Tensor2D } {
    const logits = clipLogits(this.embedImages(images), this.embedTexts(ids), this.logScale);
    return { ...contrastiveLoss(logits), logits };
  }

  /** The logit scale exp(t). */
  logitScale(): number {
    return Math.exp(this.logScale.dataSync()[0]!);
  }

  /** After an optimiser step: t back into [0, log 100] (CLIP clamps it so the logits are scaled by at most 100). */
  clampLogScale(): void {
    tf.tidy(() => this.logScale.assign(tf.clipByValue(this.logScale, 0, Math.log(MAX_LOGIT_SCALE))));
  }

  /** ONNX: image [B, C, S, S] → I_e [B, d_e]. */
  imageToOnnx(g: OnnxGraph, x: string): string {
    return normalizeOnnx(g, this.imageProjection.toOnnx(g, this.image.toOnnx(g, x)), 'image_embeds');
  }

  /** ONNX: input_ids [B, L] int64 → { embeds: T_e [B, d_e], hidden: the per-token states [B, L, D_t] }. */
  textToOnnx(g: OnnxGraph, ids: string): { embeds: string; hidden: string } {
    const hidden = this.text.statesToOnnx(g, ids);
    // Mean over the positions whose id is not padding.
    const n = (op: string, inputs: string[], attrs = {}) => g.node(op, inputs, attrs, { name: `text_pool/${op}` })[0]!;
    const pad = g.constInt64([this.config.padId], 'pad_id');
    const mask = n('Unsqueeze', [n('Cast', [n('Not', [n('Equal', [ids, pad])])], { to: { int: 1 } }), g.constInt64([2], 'mask_axes')]); // [B, L, 1] float
    const axis = g.constInt64([1], 'pool_axis');
    const sum = n('ReduceSum', [n('Mul', [hidden, mask]), axis], { keepdims: { int: 0 } });
    const count = n('Max', [n('ReduceSum', [mask, axis], { keepdims: { int: 0 } }), g.constFloat([1], [], 'one')]);
    const pooled = n('Div', [sum, count]);
    return { embeds: normalizeOnnx(g, this.textProjection.toOnnx(g, pooled), 'text_embeds'), hidden };
  }
}

/** ONNX of l2Normalize: x · rsqrt(Σx² + 1e-12) over the last axis. */
function normalizeOnnx(g: OnnxGraph, x: string, prefix: string): string {
  const n = (op: string, inputs: string[], attrs = {}) => g.node(op, inputs, attrs, { name: `${prefix}/${op}` })[0]!;
  const ss = n('ReduceSum', [n('Mul', [x, x]), g.constInt64([-1], `${prefix}_axes`)], { keepdims: { int: 1 } });
  return n('Mul', [x, n('Reciprocal', [n('Sqrt', [n('Add', [ss, g.constFloat([1e-12], [], `${prefix}_eps`)])])])]);
}
