/**
 * Exports a trained ClassifierNet as a model folder (model.onnx + manifest.json, kind 'classifier')
 * after proving the ONNX file (onnx.checker when python3-onnx is installed, and onnxruntime-node must reproduce the
 * tfjs logits and features, and tfjs' autograd Grad-CAM of the predicted class, within 1e-4 on real images), or
 * nothing is written.
 */
import * as tf from '@tensorflow/tfjs';
import { exportModel } from '../export/export-model.js';
import type { Manifest, ManifestTraining } from '../export/manifest.js';
import { gradCamTf } from '../explain/grad-cam.js';
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
  const { logits, features, nchw } = tf.tidy(() => {
    const x = tf.tensor4d(opts.parityImages, [B, S, S, C]);
    const out = net.apply(x);
    return {
      logits: Float32Array.from(out.logits.dataSync()),
      features: Float32Array.from(out.features.dataSync()),
      nchw: Float32Array.from(x.transpose([0, 3, 1, 2]).dataSync()),
    };
  });
  // the graph's Grad-CAM output is checked against tfjs' autograd on the predicted classes
  const predicted = Int32Array.from({ length: B }, (_, i) => {
    let best = 0;
    for (let k = 1; k < K; k++) if (logits[i * K + k]! > logits[i * K + best]!) best = k;
    return best;
  });
  const x = tf.tensor4d(opts.parityImages, [B, S, S, C]);
  const cam = gradCamTf(net, x, predicted);
  x.dispose();
  const { height: h, width: w } = cam.dims;
  const parity = {
    feeds: { images: { data: nchw, dims: [B, C, S, S] } },
    expected: { logits: { data: logits, dims: [B, K] }, features: { data: features, dims: [B, F] }, grad_cam: { data: cam.maps, dims: [B, h, w] } },
  };
  const r = await exportModel(opts.dir, [{ role: 'classifier', filename: 'model.onnx', build: () => net.toOnnx(), parity }], {
    name: opts.name,
    kind: 'classifier',
    image: { width: S, height: S, channels: C, range: [-1, 1] },
    // The manifest has no field for a classifier's output classes; conditioning.classes carries the names.
    conditioning: { classes: opts.classNames },
    training: opts.training,
    metrics: opts.metrics,
  });
  return { manifest: r.manifest, maxAbsError: r.maxAbsError, checker: r.checker };
}
