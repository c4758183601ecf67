/**
 * Exports a trained ClassifierNet as a model folder (model.onnx + manifest.json, kind 'classifier')
 * after proving the ONNX file (onnx.checker when python3-onnx is installed, and onnxruntime-node must reproduce the tfjs logits and features within
 * 1e-4 on real images), or nothing is written.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { WebgenError } from '../errors/webgen-error.js';
import { assertParity, DEFAULT_PARITY_TOLERANCE } from '../export/parity.js';
import { writeModelFolder } from '../export/model-folder.js';
import { checkOnnxWithPython, type OnnxCheckResult } from '../export/onnx-check.js';
import type { Manifest, ManifestTraining } from '../export/manifest.js';
import type { ClassifierNet } from '../models/classifier-net.js';

/** Options of {@link exportClassifier}. */
export interface ExportClassifierOptions {
  /** Folder to write. */
  dir: string;
  /** Model name in the manifest. */
  name: string;
  /** Class names, index = class (stored as conditioning.classes). */
  classNames: string[];
  /** [B, H, W, C] images for the parity check (a few real ones beat random noise). */
  parityImages: Float32Array;
  training: ManifestTraining;
  metrics: Record<string, number | string>;
}

/** What was written, with the parity figures. */
export interface ExportClassifierResult {
  manifest: Manifest;
  /** Largest |onnx − tfjs| over logits and features. */
  maxAbsError: number;
  /** onnx.checker's verdict ('passed', or why it was skipped). */
  checker: string;
}

export async function exportClassifier(net: ClassifierNet, opts: ExportClassifierOptions): Promise<ExportClassifierResult> {
  const { imageSize: S, inChannels: C, numClasses: K, featureDim: F } = net.config;
  const B = opts.parityImages.length / (S * S * C);
  const bytes = net.toOnnx();
  const { logits, features, nchw } = tf.tidy(() => {
    const x = tf.tensor4d(opts.parityImages, [B, S, S, C]);
    const out = net.apply(x);
    return {
      logits: Float32Array.from(out.logits.dataSync()),
      features: Float32Array.from(out.features.dataSync()),
      nchw: Float32Array.from(x.transpose([0, 3, 1, 2]).dataSync()),
    };
  });
  const parity = await assertParity(
    bytes,
    { images: { data: nchw, dims: [B, C, S, S] } },
    { logits: { data: logits, dims: [B, K] }, features: { data: features, dims: [B, F] } },
    { tolerance: DEFAULT_PARITY_TOLERANCE },
  );
  const maxAbsError = Math.max(parity.maxAbsError.logits!, parity.maxAbsError.features!);
  const check = await checkCopy(bytes);
  if (!check.ok && !check.skipped) throw new WebgenError(`onnx.checker rejected the classifier graph (nothing written to ${opts.dir}): ${check.message}`);
  const manifest = await writeModelFolder(opts.dir, {
    name: opts.name,
    kind: 'classifier',
    files: { classifier: { bytes, filename: 'model.onnx' } },
    image: { width: S, height: S, channels: C, range: [-1, 1] },
    // The manifest has no field for a classifier's output classes; conditioning.classes carries the names.
    conditioning: { classes: opts.classNames },
    training: opts.training,
    metrics: opts.metrics,
    parity: { maxAbsError, tolerance: DEFAULT_PARITY_TOLERANCE },
  });
  return { manifest, maxAbsError, checker: check.ok ? 'passed' : `skipped (${check.skipped})` };
}

/**
 * onnx.checker on a temporary copy: onnx 1.12's check_model(path, full_check=True) runs
 * infer_shapes_path(path), which rewrites the file in place with inferred value_info, so checking
 * the folder's own file would break its sha256.
 */
async function checkCopy(bytes: Uint8Array): Promise<OnnxCheckResult> {
  const dir = await mkdtemp(join(tmpdir(), 'webgen-check-'));
  try {
    await writeFile(join(dir, 'model.onnx'), bytes);
    return checkOnnxWithPython(join(dir, 'model.onnx'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
