/**
 * Judging generated samples with an exported classifier: the ONNX file runs in onnxruntime-node,
 * so a verdict never depends on tfjs, and the folder's sha256 is verified first so a verdict is
 * always about the model the manifest describes.
 */
import * as ort from 'onnxruntime-node';
import { join } from 'node:path';
import { UsageError } from '../errors/usage-error.js';
import { DataError } from '../errors/data-error.js';
import { verifyModelFolder } from '../export/model-folder.js';
import type { Manifest } from '../export/manifest.js';

/** Images to judge: NHWC float32 in [-1, 1]; a bare array is read with the manifest's H, W, C. */
export type JudgeImages = Float32Array | { data: Float32Array; shape: [number, number, number, number] };

/** Options of {@link judgeSamples}. */
export interface JudgeOptions {
  /** Images per onnxruntime run. Default 256. */
  batchSize?: number;
  /** Also return the penultimate-layer features (for FID/KID). Default false. */
  features?: boolean;
  /**
   * Largest |value| accepted: samplers overshoot [-1, 1] a little, but 0..1 or 0..255 pixels are
   * a caller's mistake worth stopping. Default 1.5.
   */
  maxAbsValue?: number;
}

/** The verdict on a set of images. */
export interface JudgeResult {
  /** [N] argmax class of each image. */
  predicted: Int32Array;
  /** [N, K] the logits, row-major (the Inception Score's input). */
  logits: Float32Array;
  /** [K] how many images fell in each class. */
  histogram: number[];
  /** Share of images whose prediction equals `expectedLabels` (only when those were given). */
  accuracy?: number;
  /** [N, F] features, row-major (only with `features: true`). */
  features?: Float32Array;
  /** Class names from the manifest (index = class). */
  classNames: string[];
  /** The verified manifest. */
  manifest: Manifest;
}

/**
 * Classifies `images` with the classifier in `modelDir` (model.onnx + manifest.json of kind
 * 'classifier' or 'feature-extractor'). Throws DataError for a missing or tampered folder,
 * UsageError for images of the wrong size or range or labels of the wrong length.
 */
export async function judgeSamples(
  modelDir: string,
  images: JudgeImages,
  expectedLabels?: ArrayLike<number>,
  opts: JudgeOptions = {},
): Promise<JudgeResult> {
  const manifest = await verifyModelFolder(modelDir);
  if (manifest.kind !== 'classifier' && manifest.kind !== 'feature-extractor') {
    throw new UsageError(`${modelDir} holds a '${manifest.kind}' model; judging needs a 'classifier' (train one with webgen-train classifier)`);
  }
  const file = Object.values(manifest.files)[0]!;
  const logitsSpec = file.outputs.find((o) => o.name === 'logits');
  const K = typeof logitsSpec?.shape[1] === 'number' ? logitsSpec.shape[1] : 0;
  if (K < 1) throw new DataError(join(modelDir, 'manifest.json'), `files.*.outputs has no 'logits' [batch, K] output; re-export the classifier`);
  const { width: W, height: H, channels: C } = manifest.image;
  const pixels = H * W * C;

  // 1. images: shape and range
  const data = images instanceof Float32Array ? images : images.data;
  if (!(data instanceof Float32Array)) throw new UsageError(`'images' must be a Float32Array [N, ${H}, ${W}, ${C}] in [-1, 1]`);
  if (!(images instanceof Float32Array)) {
    const [n, h, w, c] = images.shape;
    if (h !== H || w !== W || c !== C || n * h * w * c !== data.length) {
      throw new UsageError(
        `'images' has shape [${images.shape.join(', ')}] (${data.length} values); this classifier takes [N, ${H}, ${W}, ${C}] (resize or convert channels first)`,
      );
    }
  } else if (data.length === 0 || data.length % pixels !== 0) {
    throw new UsageError(`'images' has ${data.length} values, not a whole number of ${H}x${W}x${C} images; this classifier takes [N, ${H}, ${W}, ${C}]`);
  }
  const N = data.length / pixels;
  const maxAbs = opts.maxAbsValue ?? 1.5;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!(Math.abs(v) <= maxAbs)) {
      throw new UsageError(`'images' value ${v} at index ${i} is outside [-${maxAbs}, ${maxAbs}]; pixels must be in [-1, 1] (x / 127.5 - 1 for 0..255)`);
    }
  }
  if (expectedLabels !== undefined && expectedLabels.length !== N) {
    throw new UsageError(`'expectedLabels' has ${expectedLabels.length} entries for ${N} images`);
  }

  // 2. run in batches, NHWC → NCHW
  const batchSize = opts.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`'batchSize' must be a positive integer, got ${batchSize}`);
  const featureSpec = file.outputs.find((o) => o.name === 'features');
  const F = typeof featureSpec?.shape[1] === 'number' ? featureSpec.shape[1] : 0;
  if (opts.features && F < 1) throw new DataError(join(modelDir, 'manifest.json'), `the model has no 'features' output`);
  const session = await ort.InferenceSession.create(join(modelDir, file.path), { executionProviders: ['cpu'] });
  const predicted = new Int32Array(N);
  const allLogits = new Float32Array(N * K);
  const features = opts.features ? new Float32Array(N * F) : undefined;
  try {
    for (let start = 0; start < N; start += batchSize) {
      const n = Math.min(batchSize, N - start);
      const nchw = toNchw(data.subarray(start * pixels, (start + n) * pixels), n, H, W, C);
      const out = await session.run({ images: new ort.Tensor('float32', nchw, [n, C, H, W]) }, features ? ['logits', 'features'] : ['logits']);
      const logits = out.logits!.data as Float32Array; // [n, K]
      for (let i = 0; i < n; i++) predicted[start + i] = argMax(logits, i * K, K);
      allLogits.set(logits, start * K);
      if (features) features.set(out.features!.data as Float32Array, start * F);
    }
  } finally {
    await session.release();
  }

  // 3. verdict
  const histogram = new Array<number>(K).fill(0);
  for (const p of predicted) histogram[p]!++;
  let accuracy: number | undefined;
  if (expectedLabels !== undefined) {
    let right = 0;
    for (let i = 0; i < N; i++) if (predicted[i] === expectedLabels[i]) right++;
    accuracy = right / N;
  }
  const classNames = manifest.conditioning?.classes ?? Array.from({ length: K }, (_, k) => String(k));
  return { predicted, logits: allLogits, histogram, ...(accuracy !== undefined && { accuracy }), ...(features && { features }), classNames, manifest };
}

function toNchw(src: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  if (c === 1) return Float32Array.from(src);
  const out = new Float32Array(src.length);
  const plane = h * w;
  for (let b = 0; b < n; b++) {
    const base = b * plane * c;
    for (let p = 0; p < plane; p++) for (let k = 0; k < c; k++) out[base + k * plane + p] = src[base + p * c + k]!;
  }
  return out;
}

function argMax(a: Float32Array, offset: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (a[offset + j]! > a[offset + best]!) best = j;
  return best;
}
