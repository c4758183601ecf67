/**
 * Exports a GAN generator: model.onnx (inputs z [batch, zDim] float32 and, conditional,
 * class_labels [batch] int64; output image [batch, C, H, W] in [−1, 1]) and manifest.json of kind
 * 'gan-generator' with its `latent` (how to draw z). Nothing is written unless onnxruntime-node, run on random
 * latents, matches the tfjs forward pass within 1e-4 (float32) or 1e-2 (float16 weights).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../sdk/random/rng.js';
import { exportModel, type ExportFile, type ParityCase } from '../export/export-model.js';
import type { Manifest, ManifestLatent, ManifestTraining } from '../export/manifest.js';
import { OnnxGraph } from '../export/onnx-graph.js';
import type { FeedTensor } from '../export/parity.js';
import type { GanGenerator } from '../models/gan-model.js';
import { StyleGenerator } from '../models/gan-stylegan.js';
import { GAN_TENSOR_NAMES } from '../../sdk/manifest/tensor-names.js';

/** The generator as an ONNX model (current weights: load the EMA weights first). */
export function generatorToOnnx(G: GanGenerator, opts: { weightsFp16?: boolean } = {}): Uint8Array {
  const g = new OnnxGraph('gan-generator');
  const z = g.addInput(GAN_TENSOR_NAMES.latent, 'float32', ['batch', G.zDim]);
  const labels = G.numClasses !== undefined ? g.addInput(GAN_TENSOR_NAMES.classLabels, 'int64', ['batch']) : undefined;
  const image = G.toOnnx(g, z, labels);
  g.aliasOutput(image, GAN_TENSOR_NAMES.image, 'float32', ['batch', G.channels, G.imageSize, G.imageSize]);
  return g.toBytes({ weightsFp16: opts.weightsFp16 ?? false, metadata: { 'webgen.kind': 'gan-generator' } });
}

export interface ExportGeneratorOptions {
  dir: string;
  name: string;
  G: GanGenerator;
  training: ManifestTraining;
  classNames?: string[];
  fp16: boolean;
  metrics?: Record<string, number | string>;
}

export interface ExportGeneratorResult {
  manifest: Manifest;
  maxAbsError: number;
  fp16MaxAbsError?: number;
  checker: string;
}

/**
 * Random latents (batch 3; labels 0, K−1 and one between) and the tfjs images, NCHW. A StyleGAN generator's style
 * inputs are fed too: truncation ψ 1, 0.7 and 0.5, and a second latent taking over from no layer, the middle and the
 * first, so the parity covers truncation and mixing.
 */
export function generatorParityCase(G: GanGenerator): ParityCase {
  const rng = new Rng(2468);
  const B = 3;
  const z = rng.normalArray(B * G.zDim);
  const K = G.numClasses;
  const labels = K !== undefined ? Int32Array.from([0, K - 1, rng.int(K)]) : undefined;
  const style = G instanceof StyleGenerator ? { psi: Float32Array.from([1, 0.7, 0.5]), zMix: rng.normalArray(B * G.zDim), crossover: Int32Array.from([G.numLayers, Math.floor(G.numLayers / 2), 1]) } : undefined;
  const image = tf.tidy(() => {
    const zt = tf.tensor2d(z, [B, G.zDim]);
    const lt = labels ? tf.tensor1d(labels, 'int32') : undefined;
    const y = G instanceof StyleGenerator && style
      ? G.applyStyle(zt, { ...(lt && { labels: lt }), psi: tf.tensor1d(style.psi), zMix: tf.tensor2d(style.zMix, [B, G.zDim]), crossover: tf.tensor1d(style.crossover, 'int32') })
      : G.apply(zt, lt);
    return Float32Array.from(y.transpose([0, 3, 1, 2]).dataSync() as Float32Array);
  });
  const feeds: Record<string, FeedTensor> = { z: { data: z, dims: [B, G.zDim] } };
  if (labels) feeds[GAN_TENSOR_NAMES.classLabels] = { data: BigInt64Array.from(labels, (v) => BigInt(v)), dims: [B] };
  if (style) {
    feeds.truncation_psi = { data: style.psi, dims: [B] };
    feeds.z_mix = { data: style.zMix, dims: [B, G.zDim] };
    feeds.mix_crossover = { data: BigInt64Array.from(style.crossover, (v) => BigInt(v)), dims: [B] };
  }
  return { feeds, expected: { image: { data: image, dims: [B, G.channels, G.imageSize, G.imageSize] } } };
}

export async function exportGenerator(opts: ExportGeneratorOptions): Promise<ExportGeneratorResult> {
  const { G } = opts;
  const K = G.numClasses;
  const latent: ManifestLatent = { dim: G.zDim, distribution: 'normal', ...(G instanceof StyleGenerator && { styleLayers: G.numLayers }) };
  // float16 weights replace the float32 file (one model.onnx), after both are proven.
  const part: ExportFile = { role: 'generator', filename: 'model.onnx', build: (h) => generatorToOnnx(G, { weightsFp16: h }), parity: generatorParityCase(G), ...(opts.fp16 && { fp16: 'only' as const }) };
  const r = await exportModel(opts.dir, [part], {
    name: opts.name,
    kind: 'gan-generator',
    image: { width: G.imageSize, height: G.imageSize, channels: G.channels, range: [-1, 1] },
    ...(K !== undefined && { conditioning: { classes: opts.classNames ?? Array.from({ length: K }, (_, i) => String(i)) } }),
    latent,
    training: opts.training,
    metrics: opts.metrics ?? {},
  });
  return { manifest: r.manifest, maxAbsError: r.maxAbsError, ...(r.fp16MaxAbsError !== undefined && { fp16MaxAbsError: r.fp16MaxAbsError }), checker: r.checker };
}
