/**
 * A small text encoder for caption conditioning (CLIP text tower in miniature, bidirectional):
 *   h = TokenEmbedding(ids) + PositionEmbedding          // [B, L, D]
 *   h = TransformerBlock × layers
 *   out = LayerNorm(h)                                   // [B, L, D] → the U-Net's context
 * Sequences are always padded to `maxLength` by the tokenizer, so the ONNX input is
 * `input_ids` [batch, maxLength] int64 and the output `last_hidden_state` [batch, maxLength, D].
 */
import * as tf from '@tensorflow/tfjs';
import { OnnxGraph } from '../export/onnx-graph.js';
import { WebgenError } from '../errors/index.js';
import { Embedding } from '../nn/embedding.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Module, ModuleList } from '../nn/module.js';
import { Rng } from '../../sdk/random/rng.js';
import { TransformerBlock } from '../nn/transformer-block.js';
import { TENSOR_NAMES } from '../../sdk/manifest/tensor-names.js';

export interface TextEncoderConfig {
  /** Number of token ids (ids are in [0, vocabSize)). */
  vocabSize: number;
  /** Sequence length every input is padded/truncated to. */
  maxLength: number;
  /** Width D of the token features (the U-Net's contextDim). */
  dim: number;
  /** Transformer blocks. */
  layers: number;
  /** Attention heads (must divide dim). */
  heads: number;
}

/** Named TextEncoderModel so it does not shadow the global (UTF-8) TextEncoder. */
export class TextEncoderModel extends Module {
  readonly tokenEmbedding: Embedding;
  readonly positionEmbedding: tf.Variable; // [maxLength, D]
  readonly blocks: ModuleList<TransformerBlock>;
  readonly finalNorm: LayerNorm;

  /** @param seed seeds the initial weights; default 0. */
  constructor(readonly config: TextEncoderConfig, seed = 0) {
    super();
    if (config.dim % config.heads !== 0) {
      throw new WebgenError(`TextEncoderConfig: 'heads' (${config.heads}) must divide 'dim' (${config.dim})`);
    }
    const rng = new Rng(seed);
    this.tokenEmbedding = this.addModule('token_embedding', new Embedding(rng, config.vocabSize, config.dim));
    // Small init (as CLIP's 0.01): positions start as a gentle perturbation of the tokens.
    this.positionEmbedding = this.addParam('position_embedding', [config.maxLength, config.dim], { kind: 'normal', std: 0.01 }, rng);
    this.blocks = this.addModule('blocks', new ModuleList<TransformerBlock>());
    for (let i = 0; i < config.layers; i++) this.blocks.push(new TransformerBlock(rng, config.dim, config.heads));
    this.finalNorm = this.addModule('final_norm', new LayerNorm(rng, config.dim));
  }

  /** ids: [B, maxLength] int32 → [B, maxLength, D]. */
  apply(ids: tf.Tensor2D): tf.Tensor3D {
    if (ids.shape[1] !== this.config.maxLength) {
      throw new WebgenError(`TextEncoderModel.apply: ids must be [B, ${this.config.maxLength}] (pad with the tokenizer), got [${ids.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      let h = tf.add(this.tokenEmbedding.apply(ids), this.positionEmbedding) as tf.Tensor3D;
      for (const block of this.blocks.items) h = block.apply(h);
      return this.finalNorm.apply(h);
    });
  }

  /** ONNX graph: input_ids [batch, maxLength] int64 → last_hidden_state [batch, maxLength, D]. */
  onnxGraph(): OnnxGraph {
    const { maxLength, dim } = this.config;
    const g = new OnnxGraph('text_encoder');
    const ids = g.addInput(TENSOR_NAMES.inputIds, 'int64', ['batch', maxLength]);
    g.aliasOutput(this.statesToOnnx(g, ids), TENSOR_NAMES.hidden, 'float32', ['batch', maxLength, dim]);
    return g;
  }

  /** Appends the encoder to `g` (also inside a larger model, as CLIP's text tower): ids int64 [B, maxLength] → [B, maxLength, D]. */
  statesToOnnx(g: OnnxGraph, ids: string): string {
    const pos = this.exportParam(g, 'position_embedding');
    let h = g.node('Add', [this.tokenEmbedding.toOnnx(g, ids), pos], {}, { name: this.onnxName(g, 'position_embedding/Add') })[0]!;
    for (const block of this.blocks.items) h = block.toOnnx(g, h);
    return this.finalNorm.toOnnx(g, h);
  }

  /** Serialised ONNX model (opset 17) of the current weights. */
  toOnnx(opts: { weightsFp16?: boolean; metadata?: Record<string, string> } = {}): Uint8Array {
    return this.onnxGraph().toBytes({ weightsFp16: opts.weightsFp16, metadata: opts.metadata, producer: 'webgen' });
  }
}
