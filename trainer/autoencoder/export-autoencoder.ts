/**
 * Exports an autoencoder as two files and a manifest of kind 'autoencoder':
 *   encoder.onnx  image [batch, C, H, W] in [-1, 1] → latent [batch, c, h, w] (or [batch, d]): the posterior mean (KL)
 *                 or the nearest codes (VQ; also codes [batch, h, w] int64, the code indices)
 *   decoder.onnx  latent → image [batch, C, H, W], straight RGBA in [-1, 1] (unclamped)
 * Each is proven against the tfjs forward pass in onnxruntime-node before anything is written (1e-4; 1e-2 for the
 * float16-weight variants), then checked by onnx.checker.
 */
import * as tf from '@tensorflow/tfjs';
import { exportModel, type ExportFile, type ParityCase } from '../export/export-model.js';
import type { Manifest, ManifestTraining } from '../export/manifest.js';
import { OnnxGraph } from '../export/onnx-graph.js';
import type { FeedTensor } from '../export/parity.js';
import type { Autoencoder } from './autoencoder.js';
import { AUTOENCODER_TENSOR_NAMES } from '../../sdk/manifest/tensor-names.js';

export interface ExportAutoencoderOptions {
  dir: string;
  ae: Autoencoder;
  fp16: boolean;
  scalingFactor: number;
  /** A few training images [n, H, W, C] for the parity checks (real images exercise alpha and saturated colours). */
  parityImages: Float32Array;
  training: ManifestTraining;
  metrics?: Record<string, number | string>;
  name?: string;
}

export interface ExportAutoencoderResult {
  manifest: Manifest;
  maxAbsError: number;
  fp16MaxAbsError?: number;
  checker: string;
}

/** The encoder as ONNX (NCHW in, latent out in NCHW order). */
export function encoderToOnnx(ae: Autoencoder, weightsFp16 = false): Uint8Array {
  const c = ae.config;
  const g = new OnnxGraph('autoencoder-encoder');
  const x = g.addInput(AUTOENCODER_TENSOR_NAMES.image, 'float32', ['batch', c.channels, c.imageSize, c.imageSize]);
  let h = ae.encoder.toOnnx(g, x);
  const shape = ae.latentShape();
  if (ae.vq) {
    const [s, , D] = shape as [number, number, number];
    const book = g.addInitializer('vq.codebook', Float32Array.from(ae.vq.codebook.dataSync() as Float32Array), [ae.vq.codes, D]);
    const nhwc = g.node('Transpose', [h], { perm: { ints: [0, 2, 3, 1] } })[0]!;
    const flat = g.node('Reshape', [nhwc, g.constInt64([-1, D], 'flat_shape')])[0]!;
    // argmin over codes of ‖e‖² − 2 z·e (‖z‖² is the same for every code)
    const dots = g.node('MatMul', [flat, g.node('Transpose', [book], { perm: { ints: [1, 0] } })[0]!])[0]!;
    const e2 = g.node('ReduceSum', [g.node('Mul', [book, book])[0]!, g.constInt64([1], 'axes')], { keepdims: { int: 0 } })[0]!;
    const dist = g.node('Sub', [e2, g.node('Mul', [dots, g.constFloat([2], [], 'two')])[0]!])[0]!;
    const idx = g.node('ArgMin', [dist], { axis: { int: 1 }, keepdims: { int: 0 } })[0]!;
    const codes = g.node('Gather', [book, idx], { axis: { int: 0 } })[0]!;
    const zq = g.node('Reshape', [codes, g.constInt64([-1, s, s, D], 'latent_shape')])[0]!;
    h = g.node('Transpose', [zq], { perm: { ints: [0, 3, 1, 2] } })[0]!;
    const indices = g.node('Reshape', [idx, g.constInt64([-1, s, s], 'codes_shape')])[0]!;
    g.aliasOutput(indices, AUTOENCODER_TENSOR_NAMES.codes, 'int64', ['batch', s, s]);
  } else if (ae.config.latentDim === 0) {
    // KL: the first half of the channels is the mean.
    const z = shape[2]!;
    h = g.node('Slice', [h, g.constInt64([0], 'starts'), g.constInt64([z], 'ends'), g.constInt64([1], 'slice_axes')])[0]!;
  } else {
    h = g.node('Slice', [h, g.constInt64([0], 'starts'), g.constInt64([shape[0]!], 'ends'), g.constInt64([1], 'slice_axes')])[0]!;
  }
  g.aliasOutput(h, AUTOENCODER_TENSOR_NAMES.latent, 'float32', ['batch', ...onnxLatentShape(shape)]);
  return g.toBytes({ weightsFp16, metadata: { 'webgen.kind': 'autoencoder-encoder' } });
}

/** The decoder as ONNX. */
export function decoderToOnnx(ae: Autoencoder, weightsFp16 = false): Uint8Array {
  const c = ae.config;
  const g = new OnnxGraph('autoencoder-decoder');
  const z = g.addInput(AUTOENCODER_TENSOR_NAMES.latent, 'float32', ['batch', ...onnxLatentShape(ae.latentShape())]);
  g.aliasOutput(ae.decoder.toOnnx(g, z), AUTOENCODER_TENSOR_NAMES.image, 'float32', ['batch', c.channels, c.imageSize, c.imageSize]);
  return g.toBytes({ weightsFp16, metadata: { 'webgen.kind': 'autoencoder-decoder' } });
}

/** [h, w, c] (tfjs) → [c, h, w] (ONNX); a flat [d] stays. */
function onnxLatentShape(shape: number[]): number[] {
  return shape.length === 3 ? [shape[2]!, shape[0]!, shape[1]!] : shape;
}

function toNchw(t: tf.Tensor): Float32Array {
  return tf.tidy(() => (t.rank === 4 ? t.transpose([0, 3, 1, 2]) : t).dataSync() as Float32Array);
}

export async function exportAutoencoder(opts: ExportAutoencoderOptions): Promise<ExportAutoencoderResult> {
  const { ae } = opts;
  const c = ae.config;
  const S = c.imageSize;
  const n = opts.parityImages.length / (S * S * c.channels);
  const x = tf.tensor4d(opts.parityImages, [n, S, S, c.channels]);
  const z = ae.encode(x);
  const y = ae.decode(z);
  const latentDims = [n, ...onnxLatentShape(ae.latentShape())];
  const encCase: ParityCase = { feeds: { image: { data: toNchw(x), dims: [n, c.channels, S, S] } as FeedTensor }, expected: { latent: { data: toNchw(z), dims: latentDims } } };
  const decCase: ParityCase = { feeds: { latent: { data: toNchw(z), dims: latentDims } as FeedTensor }, expected: { image: { data: toNchw(y), dims: [n, c.channels, S, S] } } };
  tf.dispose([x, z, y]);

  // VQ's encoder picks codes by argmin: float16 weights could flip a near tie, so it stays float32.
  const parts: ExportFile[] = [
    { role: 'encoder', filename: 'encoder.onnx', build: (h) => encoderToOnnx(ae, h), parity: encCase, ...(opts.fp16 && !ae.vq && { fp16: 'variant' as const }) },
    { role: 'decoder', filename: 'decoder.onnx', build: (h) => decoderToOnnx(ae, h), parity: decCase, ...(opts.fp16 && { fp16: 'variant' as const }) },
  ];
  const shape = onnxLatentShape(ae.latentShape());
  const r = await exportModel(opts.dir, parts, {
    name: opts.name ?? opts.dir.split(/[\\/]/).filter(Boolean).pop()!,
    kind: 'autoencoder',
    image: { width: S, height: S, channels: c.channels, range: [-1, 1] },
    autoencoder: {
      latentShape: shape,
      quantization: c.kind,
      scalingFactor: opts.scalingFactor,
      ...(ae.vq && { codebook: { codes: ae.vq.codes, dim: ae.vq.dim } }),
    },
    training: opts.training,
    metrics: opts.metrics ?? {},
  });
  return { manifest: r.manifest, maxAbsError: r.maxAbsError, ...(r.fp16MaxAbsError !== undefined && { fp16MaxAbsError: r.fp16MaxAbsError }), checker: r.checker };
}
