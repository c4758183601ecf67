/**
 * Exports a GAN generator: model.onnx (inputs z [batch, zDim] float32 and, conditional,
 * class_labels [batch] int64; output image [batch, C, H, W] in [−1, 1]) and manifest.json of kind
 * 'gan-generator' with its `latent` (how to draw z). Nothing is written unless onnxruntime-node, run on random
 * latents, matches the tfjs forward pass within 1e-4 (float32) or 1e-2 (float16 weights).
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../sdk/random/rng.js';
import { FP16_PARITY_TOLERANCE } from '../diffusion/export-unet.js';
import type { Manifest, ManifestLatent, ManifestTraining } from '../export/manifest.js';
import { writeModelFolder, type ModelFolderSpec } from '../export/model-folder.js';
import { checkOnnxWithPython } from '../export/onnx-check.js';
import { OnnxGraph } from '../export/onnx-graph.js';
import { assertParity, DEFAULT_PARITY_TOLERANCE, type FeedTensor } from '../export/parity.js';
import type { GanGenerator } from '../models/gan-model.js';

/** The generator as an ONNX model (current weights: load the EMA weights first). */
export function generatorToOnnx(G: GanGenerator, opts: { weightsFp16?: boolean } = {}): Uint8Array {
  const g = new OnnxGraph('gan-generator');
  const z = g.addInput('z', 'float32', ['batch', G.zDim]);
  const labels = G.numClasses !== undefined ? g.addInput('class_labels', 'int64', ['batch']) : undefined;
  const image = G.toOnnx(g, z, labels);
  g.aliasOutput(image, 'image', 'float32', ['batch', G.channels, G.imageSize, G.imageSize]);
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

/** Random latents (batch 3; labels 0, K−1 and one between) and the tfjs images, NCHW. */
export function generatorParityCase(G: GanGenerator): { feeds: Record<string, FeedTensor>; expected: { image: { data: Float32Array; dims: number[] } } } {
  const rng = new Rng(2468);
  const B = 3;
  const z = rng.normalArray(B * G.zDim);
  const K = G.numClasses;
  const labels = K !== undefined ? Int32Array.from([0, K - 1, rng.int(K)]) : undefined;
  const image = tf.tidy(() => {
    const y = G.apply(tf.tensor2d(z, [B, G.zDim]), labels ? tf.tensor1d(labels, 'int32') : undefined);
    return Float32Array.from(y.transpose([0, 3, 1, 2]).dataSync() as Float32Array);
  });
  const feeds: Record<string, FeedTensor> = { z: { data: z, dims: [B, G.zDim] } };
  if (labels) feeds.class_labels = { data: BigInt64Array.from(labels, (v) => BigInt(v)), dims: [B] };
  return { feeds, expected: { image: { data: image, dims: [B, G.channels, G.imageSize, G.imageSize] } } };
}

export async function exportGenerator(opts: ExportGeneratorOptions): Promise<ExportGeneratorResult> {
  const { G } = opts;
  const c = generatorParityCase(G);
  const fp32 = generatorToOnnx(G);
  const maxAbsError = (await assertParity(fp32, c.feeds, c.expected, { tolerance: DEFAULT_PARITY_TOLERANCE })).maxAbsError.image!;
  let bytes = fp32;
  let fp16MaxAbsError: number | undefined;
  if (opts.fp16) {
    bytes = generatorToOnnx(G, { weightsFp16: true });
    fp16MaxAbsError = (await assertParity(bytes, c.feeds, c.expected, { tolerance: FP16_PARITY_TOLERANCE })).maxAbsError.image!;
  }
  const K = G.numClasses;
  const latent: ManifestLatent = { dim: G.zDim, distribution: 'normal' };
  const spec: ModelFolderSpec = {
    name: opts.name,
    kind: 'gan-generator',
    files: { generator: { bytes, filename: 'model.onnx' } },
    image: { width: G.imageSize, height: G.imageSize, channels: G.channels, range: [-1, 1] },
    ...(K !== undefined && { conditioning: { classes: opts.classNames ?? Array.from({ length: K }, (_, i) => String(i)) } }),
    latent,
    training: opts.training,
    metrics: opts.metrics ?? {},
    parity: { maxAbsError, tolerance: DEFAULT_PARITY_TOLERANCE, ...(fp16MaxAbsError !== undefined && { fp16MaxAbsError }), byFile: { generator: maxAbsError } },
  };
  const manifest = await writeModelFolder(opts.dir, spec);
  const check = checkOnnxWithPython(join(opts.dir, 'model.onnx'));
  if (!check.ok && !check.skipped) throw new Error(`onnx.checker rejected ${join(opts.dir, 'model.onnx')}: ${check.message}`);
  return { manifest, maxAbsError, ...(fp16MaxAbsError !== undefined && { fp16MaxAbsError }), checker: check.ok ? 'passed' : `skipped (${check.skipped})` };
}
