/**
 * Exports a pix2pix generator as one file and a manifest of kind 'translator':
 *   model.onnx  image [batch, C, H, W] in [-1, 1] (the source style) → translated [batch, C, H, W] in [-1, 1] (the target)
 * with `translator: { source, target }` naming the styles. Nothing is written unless onnxruntime-node, run on real
 * images, matches the tfjs forward pass within 1e-4 (export-model.ts), and onnx.checker accepts the file.
 */
import * as tf from '@tensorflow/tfjs';
import { exportModel, type ParityCase } from '../export/export-model.js';
import type { Manifest, ManifestTraining } from '../export/manifest.js';
import { OnnxGraph } from '../export/onnx-graph.js';
import type { UnetTranslator } from '../models/pix2pix-unet.js';
import { TRANSLATOR_TENSOR_NAMES } from '../../sdk/manifest/tensor-names.js';

export interface ExportTranslatorOptions {
  dir: string;
  name: string;
  G: UnetTranslator;
  /** Style names for the manifest ('noto', 'twemoji'). */
  source: string;
  target: string;
  /** A few source images [n, S, S, C] for the parity check (real images exercise alpha and saturated colours). */
  parityImages: Float32Array;
  training: ManifestTraining;
  metrics?: Record<string, number | string>;
}

export interface ExportTranslatorResult {
  manifest: Manifest;
  maxAbsError: number;
  checker: string;
}

/** The generator as ONNX, NCHW in and out. */
export function translatorToOnnx(G: UnetTranslator, weightsFp16 = false): Uint8Array {
  const S = G.imageSize;
  const g = new OnnxGraph('translator');
  const x = g.addInput(TRANSLATOR_TENSOR_NAMES.image, 'float32', ['batch', G.channels, S, S]);
  g.aliasOutput(G.toOnnx(g, x), TRANSLATOR_TENSOR_NAMES.output, 'float32', ['batch', G.channels, S, S]);
  return g.toBytes({ weightsFp16, metadata: { 'webgen.kind': 'translator' } });
}

/** The images NHWC → the ONNX feed and the tfjs outputs, NCHW. */
export function translatorParityCase(G: UnetTranslator, images: Float32Array): ParityCase {
  const S = G.imageSize;
  const C = G.channels;
  const n = images.length / (S * S * C);
  const { input, output } = tf.tidy(() => {
    const x = tf.tensor4d(images, [n, S, S, C]);
    return {
      input: Float32Array.from(x.transpose([0, 3, 1, 2]).dataSync() as Float32Array),
      output: Float32Array.from(G.apply(x).transpose([0, 3, 1, 2]).dataSync() as Float32Array),
    };
  });
  const dims = [n, C, S, S];
  return { feeds: { [TRANSLATOR_TENSOR_NAMES.image]: { data: input, dims } }, expected: { [TRANSLATOR_TENSOR_NAMES.output]: { data: output, dims } } };
}

export async function exportTranslator(opts: ExportTranslatorOptions): Promise<ExportTranslatorResult> {
  const { G } = opts;
  const r = await exportModel(opts.dir, [{ role: 'translator', filename: 'model.onnx', build: (h) => translatorToOnnx(G, h), parity: translatorParityCase(G, opts.parityImages) }], {
    name: opts.name,
    kind: 'translator',
    image: { width: G.imageSize, height: G.imageSize, channels: G.channels, range: [-1, 1] },
    translator: { source: opts.source, target: opts.target },
    training: opts.training,
    metrics: opts.metrics ?? {},
  });
  return { manifest: r.manifest, maxAbsError: r.maxAbsError, checker: r.checker };
}
