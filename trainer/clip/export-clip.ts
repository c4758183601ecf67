/**
 * Exports a CLIP model as two files and a manifest of kind 'clip':
 *   image-encoder.onnx  image [batch, 3, S, S] in [-1, 1] (RGB, alpha over white) → image_embeds [batch, d_e]
 *   text-encoder.onnx   input_ids [batch, maxLength] int64 → text_embeds [batch, d_e], last_hidden_state [batch, L, D]
 * Both embeddings are L2-normalised; the manifest carries the tokenizer, d_e and the logit scale exp(t). Each file is
 * proven against the tfjs forward pass in onnxruntime-node before anything is written (1e-4; 1e-2 for the float16
 * variants), then checked by onnx.checker (trainer/export/export-model.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { CLIP_TENSOR_NAMES } from '../../sdk/manifest/tensor-names.js';
import type { WordTokenizer } from '../../sdk/text/tokenizer.js';
import { exportModel, type ExportFile, type ParityCase } from '../export/export-model.js';
import type { Manifest, ManifestTraining } from '../export/manifest.js';
import { OnnxGraph } from '../export/onnx-graph.js';
import type { ClipModel } from './clip-model.js';

export interface ExportClipOptions {
  dir: string;
  model: ClipModel;
  tokenizer: WordTokenizer;
  imageEncoder: 'vit' | 'cnn';
  fp16: boolean;
  /** A few training images [n, S, S, 3] for the image encoder's parity check. */
  parityImages: Float32Array;
  /** A few captions (each at most maxLength words; '' is all padding) for the text encoder's. */
  parityCaptions: string[];
  training: ManifestTraining;
  metrics?: Record<string, number | string>;
  name?: string;
}

export interface ExportClipResult {
  manifest: Manifest;
  maxAbsError: number;
  fp16MaxAbsError?: number;
  checker: string;
}

/** The image encoder as ONNX (NCHW in). */
export function imageEncoderToOnnx(model: ClipModel, weightsFp16 = false): Uint8Array {
  const { imageSize: S, channels: C } = model.config.image;
  const g = new OnnxGraph('clip-image-encoder');
  const x = g.addInput(CLIP_TENSOR_NAMES.image, 'float32', ['batch', C, S, S]);
  g.aliasOutput(model.imageToOnnx(g, x), CLIP_TENSOR_NAMES.imageEmbeds, 'float32', ['batch', model.config.embedDim]);
  return g.toBytes({ weightsFp16, metadata: { 'webgen.kind': 'clip-image-encoder' } });
}

/** The text encoder as ONNX. */
export function textEncoderToOnnx(model: ClipModel, weightsFp16 = false): Uint8Array {
  const { maxLength: L, dim } = model.config.text;
  const g = new OnnxGraph('clip-text-encoder');
  const ids = g.addInput(CLIP_TENSOR_NAMES.inputIds, 'int64', ['batch', L]);
  const out = model.textToOnnx(g, ids);
  g.aliasOutput(out.embeds, CLIP_TENSOR_NAMES.textEmbeds, 'float32', ['batch', model.config.embedDim]);
  g.aliasOutput(out.hidden, CLIP_TENSOR_NAMES.hidden, 'float32', ['batch', L, dim]);
  return g.toBytes({ weightsFp16, metadata: { 'webgen.kind': 'clip-text-encoder' } });
}

export async function exportClip(opts: ExportClipOptions): Promise<ExportClipResult> {
  const { model, tokenizer } = opts;
  const { imageSize: S, channels: C } = model.config.image;
  const L = model.config.text.maxLength;
  const d = model.config.embedDim;
  const n = opts.parityImages.length / (S * S * C);
  const m = opts.parityCaptions.length;
  const ids = tokenizer.encodeBatch(opts.parityCaptions);
  const [nchw, imageEmbeds, textEmbeds, hidden] = tf.tidy(() => {
    const x = tf.tensor4d(opts.parityImages, [n, S, S, C]);
    const t = tf.tensor2d(ids, [m, L], 'int32');
    return [x.transpose([0, 3, 1, 2]), model.embedImages(x), model.embedTexts(t), model.text.apply(t)].map((v) => v.dataSync() as Float32Array);
  });
  const imageCase: ParityCase = {
    feeds: { [CLIP_TENSOR_NAMES.image]: { data: nchw!, dims: [n, C, S, S] } },
    expected: { [CLIP_TENSOR_NAMES.imageEmbeds]: { data: imageEmbeds!, dims: [n, d] } },
  };
  const textCase: ParityCase = {
    feeds: { [CLIP_TENSOR_NAMES.inputIds]: { data: BigInt64Array.from(ids, (v) => BigInt(v)), dims: [m, L] } },
    expected: { [CLIP_TENSOR_NAMES.textEmbeds]: { data: textEmbeds!, dims: [m, d] }, [CLIP_TENSOR_NAMES.hidden]: { data: hidden!, dims: [m, L, model.config.text.dim] } },
  };
  const fp16 = opts.fp16 ? { fp16: 'variant' as const } : {};
  const parts: ExportFile[] = [
    { role: 'imageEncoder', filename: 'image-encoder.onnx', build: (h) => imageEncoderToOnnx(model, h), parity: imageCase, ...fp16 },
    { role: 'textEncoder', filename: 'text-encoder.onnx', build: (h) => textEncoderToOnnx(model, h), parity: textCase, ...fp16 },
  ];
  const r = await exportModel(opts.dir, parts, {
    name: opts.name ?? opts.dir.split(/[\\/]/).filter(Boolean).pop()!,
    kind: 'clip',
    image: { width: S, height: S, channels: C, range: [-1, 1] },
    clip: { embedDim: d, logitScale: model.logitScale(), imageEncoder: opts.imageEncoder },
    conditioning: { tokenizer: tokenizer.toManifest() },
    training: opts.training,
    metrics: opts.metrics ?? {},
  });
  return { manifest: r.manifest, maxAbsError: r.maxAbsError, ...(r.fp16MaxAbsError !== undefined && { fp16MaxAbsError: r.fp16MaxAbsError }), checker: r.checker };
}
