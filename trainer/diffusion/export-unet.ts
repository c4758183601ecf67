import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../sdk/random/rng.js';
import { assertParity, DEFAULT_PARITY_TOLERANCE } from '../export/parity.js';
import { writeModelFolder } from '../export/model-folder.js';
import { checkOnnxWithPython } from '../export/onnx-check.js';
import type { Manifest, ManifestTraining } from '../export/manifest.js';
import type { UNet } from '../models/unet.js';
import type { GaussianDiffusion } from './gaussian-diffusion.js';

/** float16 weights move each output by a few 1e-3 (see trainer/export/parity.ts); this is the bound we enforce. */
export const FP16_PARITY_TOLERANCE = 1e-2;

export interface ExportUNetOptions {
  /** Model folder to write (model.onnx + manifest.json). */
  dir: string;
  /** Model name in the manifest; default the folder's base name. */
  name: string;
  diffusion: GaussianDiffusion;
  training: ManifestTraining;
  classNames?: string[];
  /** Also store weights as float16 (replaces model.onnx's float32 weights). */
  fp16: boolean;
  metrics?: Record<string, number | string>;
}

export interface ExportResult {
  manifest: Manifest;
  maxAbsError: number;
  fp16MaxAbsError?: number;
  /** onnx.checker's verdict ('passed', or why it was skipped). */
  checker: string;
}

/**
 * Exports the U-Net with its current weights (the caller loads the EMA weights first) and proves it:
 * the ONNX file, run by onnxruntime-node on random inputs, must match the tfjs forward pass within
 * 1e-4 (float32) or FP16_PARITY_TOLERANCE (float16 weights), or nothing is written.
 */
export async function exportUNet(opts: ExportUNetOptions): Promise<ExportResult> {
  const unet = opts.diffusion.unet;
  const fp32 = unet.toOnnx();
  const { feeds, expected } = parityCase(unet, opts.diffusion.opts.trainTimesteps);
  const parity = await assertParity(fp32, feeds, expected, { tolerance: DEFAULT_PARITY_TOLERANCE });
  const maxAbsError = parity.maxAbsError.model_output!;
  let bytes = fp32;
  let fp16MaxAbsError: number | undefined;
  if (opts.fp16) {
    bytes = unet.toOnnx({ weightsFp16: true });
    fp16MaxAbsError = (await assertParity(bytes, feeds, expected, { tolerance: FP16_PARITY_TOLERANCE })).maxAbsError.model_output!;
  }
  const cfg = opts.diffusion.opts;
  const numClasses = unet.config.numClasses;
  const manifest = await writeModelFolder(opts.dir, {
    name: opts.name,
    kind: 'diffusion-unet',
    files: { unet: { bytes, filename: 'model.onnx' } },
    image: { width: unet.config.imageSize, height: unet.config.imageSize, channels: unet.config.inChannels, range: [-1, 1] },
    schedule: {
      kind: cfg.betaSchedule,
      betaStart: 0.0001,
      betaEnd: cfg.betaSchedule === 'cosine' ? 0.999 : 0.02,
      trainSteps: cfg.trainTimesteps,
      predictionType: cfg.prediction,
    },
    ...(numClasses !== undefined && {
      conditioning: { classes: opts.classNames ?? Array.from({ length: numClasses }, (_, i) => String(i)), nullClass: numClasses },
    }),
    training: opts.training,
    metrics: opts.metrics ?? {},
    parity: { maxAbsError, tolerance: DEFAULT_PARITY_TOLERANCE, ...(fp16MaxAbsError !== undefined && { fp16MaxAbsError }) },
  });
  const check = checkOnnxWithPython(join(opts.dir, 'model.onnx'));
  if (!check.ok && !check.skipped) throw new Error(`onnx.checker rejected ${join(opts.dir, 'model.onnx')}: ${check.message}`);
  return { manifest, maxAbsError, ...(fp16MaxAbsError !== undefined && { fp16MaxAbsError }), checker: check.ok ? 'passed' : `skipped (${check.skipped})` };
}

/** Random inputs (batch 2) and the tfjs forward's outputs, NCHW for ONNX. */
function parityCase(unet: UNet, T: number) {
  const rng = new Rng(1234);
  const { imageSize: S, inChannels: C, numClasses } = unet.config;
  const B = 2;
  const x = rng.normalArray(B * S * S * C); // [B, H, W, C]
  const t = Float32Array.from({ length: B }, () => rng.int(T));
  const labels = numClasses !== undefined ? Int32Array.from({ length: B }, (_, i) => (i === 0 ? rng.int(numClasses) : numClasses)) : undefined;
  const out = tf.tidy(() => {
    const y = unet.apply(tf.tensor4d(x, [B, S, S, C]), tf.tensor1d(t), labels ? { classLabels: tf.tensor1d(labels, 'int32') } : undefined);
    return y.transpose([0, 3, 1, 2]); // NHWC → NCHW
  });
  const expected = { model_output: { data: out.dataSync() as Float32Array, dims: [B, C, S, S] } };
  out.dispose();
  const xNchw = tf.tidy(() => tf.tensor4d(x, [B, S, S, C]).transpose([0, 3, 1, 2]).dataSync() as Float32Array);
  const feeds: Record<string, { data: Float32Array | BigInt64Array; dims: number[] }> = {
    sample: { data: xNchw, dims: [B, C, S, S] },
    timestep: { data: t, dims: [B] },
  };
  if (labels) feeds.class_labels = { data: BigInt64Array.from(labels, (v) => BigInt(v)), dims: [B] };
  return { feeds, expected };
}
