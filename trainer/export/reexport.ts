/**
 * `webgen-train reexport --model DIR`: brings a shipped model folder up to the current exporter without retraining,
 * for outputs added to a model kind after it shipped:
 *   - a classifier (kind 'classifier') is rebuilt from the weights in its own model.onnx (explain/open-classifier.ts)
 *     and exported again by exportClassifier: its logits and features proven against tfjs on held-out images, and
 *     the new `grad_cam` output against tfjs' autograd;
 *   - a text-conditioned U-Net (kind 'diffusion-unet' or 'latent-diffusion' with encoder_hidden_states) gets its
 *     cross-attention outputs (explain/attention-taps.ts withCrossAttentionOutputs) on model.onnx and its float16
 *     variant; model_output must stay bit-for-bit what it was on a random input.
 * With `int8`, instead: a U-Net (files.unet) gets its per-channel int8-weights variant (quantize-int8.ts) as
 * model.int8.onnx (files.unet.variants.int8), proven against its own float32 file in onnxruntime-node within
 * INT8_PARITY_TOLERANCE and checked by onnx.checker (parity.int8MaxAbsError records the figure).
 * With `int8Qdq`, instead: the U-Net gets its static-QDQ-convolutions variant (quantize-qdq.ts, calibrated by the
 * model's own guided DDIM runs, qdq-calibration.ts) as model.qdq.onnx (files.unet.variants['int8-qdq']), proven the
 * same way within INT8_QDQ_PARITY_TOLERANCE (parity.int8QdqMaxAbsError).
 * The manifest keeps everything else (name, training, metrics, parity) and gets the new files' sha256, sizes and
 * outputs; every file is written atomically.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import type { Manifest, ManifestFile, TensorSpec } from '../../sdk/manifest/types.js';
import { validateManifest } from '../../sdk/manifest/validate-manifest.js';
import { Rng } from '../../sdk/random/rng.js';
import { openClassifierData } from '../classifier/classifier-data.js';
import { exportClassifier } from '../classifier/export-classifier.js';
import { UsageError } from '../errors/usage-error.js';
import { WebgenError } from '../errors/webgen-error.js';
import { withCrossAttentionOutputs } from '../explain/attention-taps.js';
import { openClassifierNet } from '../explain/open-classifier.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { checkBytes, INT8_PARITY_TOLERANCE, INT8_QDQ_PARITY_TOLERANCE } from './export-model.js';
import { describeOnnx, sha256Bytes, verifyModelFolder } from './model-folder.js';
import { ddimCalibrationFeeds } from './qdq-calibration.js';
import { quantizeWeightsInt8 } from './quantize-int8.js';
import { quantizeConvQdq } from './quantize-qdq.js';

/** What changed, for the command's report. */
export interface ReexportResult {
  kind: Manifest['kind'];
  /** The outputs each rewritten file has now, by path. */
  outputs: Record<string, string[]>;
  /** Largest parity error of a rebuilt file (classifier), or 0 when the outputs were compared bit for bit. */
  maxAbsError: number;
}

/** Options of reexportModel. */
export interface ReexportOptions {
  /** Add the U-Net's int8-weights variant (and nothing else). Default false. */
  int8?: boolean;
  /** Add the U-Net's static-QDQ-convolutions variant (and nothing else). Default false. */
  int8Qdq?: boolean;
}

export async function reexportModel(dir: string, opts: ReexportOptions = {}): Promise<ReexportResult> {
  const manifest = await verifyModelFolder(dir);
  if (opts.int8 && opts.int8Qdq) throw new UsageError('--int8 and --int8-qdq: give one per run (each adds its own variant)');
  if (opts.int8) return addInt8Variant(dir, manifest);
  if (opts.int8Qdq) return addInt8QdqVariant(dir, manifest);
  if (manifest.kind === 'classifier') return reexportClassifier(dir, manifest);
  const unet = manifest.files.unet;
  if ((manifest.kind === 'diffusion-unet' || manifest.kind === 'latent-diffusion') && unet?.inputs.some((s) => s.name === 'encoder_hidden_states')) {
    return reexportCrossAttention(dir, manifest, unet);
  }
  throw new UsageError(`--model ${dir}: reexport upgrades classifiers (Grad-CAM output) and text-conditioned U-Nets (cross-attention outputs); '${manifest.name}' is a ${manifest.kind} with nothing to add`);
}

async function reexportClassifier(dir: string, manifest: Manifest): Promise<ReexportResult> {
  await tf.setBackend('cpu');
  const { net } = await openClassifierNet(dir);
  const cfg = (manifest.training?.config ?? {}) as { data?: string; holdOut?: number };
  if (!cfg.data) throw new UsageError(`--model ${dir}: its manifest names no training data (training.config.data) to prove the export on`);
  const split = await openClassifierData(cfg.data, { holdOut: cfg.holdOut ?? 1000 });
  const n = Math.min(8, split.heldOut.size);
  const { width: S, channels: C } = split.heldOut;
  const images = new Float32Array(n * S * S * C);
  for (let i = 0; i < n; i++) images.set(split.heldOut.get(i).image, i * S * S * C);
  const classNames = manifest.conditioning?.classes;
  if (!classNames) throw new UsageError(`--model ${dir}: its manifest has no conditioning.classes (the class names)`);
  const r = await exportClassifier(net, { dir, name: manifest.name, classNames, parityImages: images, training: manifest.training, metrics: manifest.metrics });
  net.dispose();
  return { kind: manifest.kind, outputs: { [r.manifest.files.classifier!.path]: r.manifest.files.classifier!.outputs.map((o) => o.name) }, maxAbsError: r.maxAbsError };
}

/** A random feed for a U-Net's declared inputs at batch 1 (symbolic dims: 1). */
function randomFeeds(inputs: TensorSpec[]): Record<string, ort.Tensor> {
  const rng = new Rng(11);
  return Object.fromEntries(
    inputs.map((s) => {
      const dims = s.shape.map((d) => (typeof d === 'number' ? d : 1));
      const size = dims.reduce((a, b) => a * b, 1);
      if (s.dtype === 'int64') return [s.name, new ort.Tensor('int64', BigInt64Array.from({ length: size }, () => 0n), dims)];
      const data = s.name === 'timestep' ? Float32Array.from({ length: size }, () => 500) : Float32Array.from(rng.normalArray(size));
      return [s.name, new ort.Tensor('float32', data, dims)];
    }),
  );
}

async function outputOf(bytes: Uint8Array, inputs: TensorSpec[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return (await session.run(randomFeeds(inputs), ['model_output'])).model_output!.data as Float32Array;
  } finally {
    await session.release();
  }
}

async function addInt8Variant(dir: string, manifest: Manifest): Promise<ReexportResult> {
  const unet = manifest.files.unet;
  if (!unet || unet.weights !== 'float32') throw new UsageError(`--int8: model '${manifest.name}' (${manifest.kind}) has no float32 U-Net file (files.unet) to quantize`);
  const float32 = new Uint8Array(await readFile(join(dir, unet.path)));
  const int8 = quantizeWeightsInt8(float32).bytes;
  const [a, b] = [await outputOf(float32, unet.inputs), await outputOf(int8, unet.inputs)];
  const maxAbsError = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
  const path = unet.path.replace(/\.onnx$/, '.int8.onnx');
  if (!(maxAbsError <= INT8_PARITY_TOLERANCE)) throw new WebgenError(`${join(dir, path)}: int8 weights move model_output by ${maxAbsError.toExponential(2)}, over the tolerance ${INT8_PARITY_TOLERANCE}; nothing was written`);
  const check = await checkBytes(int8, path);
  if (!check.ok && !check.skipped) throw new UsageError(`onnx.checker rejected ${path} (nothing written to ${dir}): ${check.message}`);
  const file: ManifestFile = { ...unet, variants: { ...unet.variants, int8: { path, sha256: sha256Bytes(int8), bytes: int8.byteLength } } };
  const next = validateManifest({ ...manifest, files: { ...manifest.files, unet: file }, parity: { ...manifest.parity, int8MaxAbsError: maxAbsError } });
  await writeFileAtomic(join(dir, path), int8);
  await writeFileAtomic(join(dir, 'manifest.json'), `${JSON.stringify(next, null, 2)}\n`);
  return { kind: manifest.kind, outputs: { [path]: unet.outputs.map((o) => o.name) }, maxAbsError };
}

async function addInt8QdqVariant(dir: string, manifest: Manifest): Promise<ReexportResult> {
  const unet = manifest.files.unet;
  if (!unet || unet.weights !== 'float32') throw new UsageError(`--int8-qdq: model '${manifest.name}' (${manifest.kind}) has no float32 U-Net file (files.unet) to quantize`);
  const float32 = new Uint8Array(await readFile(join(dir, unet.path)));
  const qdq = (await quantizeConvQdq(float32, await ddimCalibrationFeeds(float32, unet.inputs, manifest))).bytes;
  const [a, b] = [await outputOf(float32, unet.inputs), await outputOf(qdq, unet.inputs)];
  const maxAbsError = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
  const path = unet.path.replace(/\.onnx$/, '.qdq.onnx');
  if (!(maxAbsError <= INT8_QDQ_PARITY_TOLERANCE)) throw new WebgenError(`${join(dir, path)}: QDQ convolutions move model_output by ${maxAbsError.toExponential(2)}, over the tolerance ${INT8_QDQ_PARITY_TOLERANCE}; nothing was written`);
  const check = await checkBytes(qdq, path);
  if (!check.ok && !check.skipped) throw new UsageError(`onnx.checker rejected ${path} (nothing written to ${dir}): ${check.message}`);
  const file: ManifestFile = { ...unet, variants: { ...unet.variants, 'int8-qdq': { path, sha256: sha256Bytes(qdq), bytes: qdq.byteLength } } };
  const next = validateManifest({ ...manifest, files: { ...manifest.files, unet: file }, parity: { ...manifest.parity, int8QdqMaxAbsError: maxAbsError } });
  await writeFileAtomic(join(dir, path), qdq);
  await writeFileAtomic(join(dir, 'manifest.json'), `${JSON.stringify(next, null, 2)}\n`);
  return { kind: manifest.kind, outputs: { [path]: unet.outputs.map((o) => o.name) }, maxAbsError };
}

async function reexportCrossAttention(dir: string, manifest: Manifest, unet: ManifestFile): Promise<ReexportResult> {
  const paths = [unet.path, ...(unet.variants?.float16 ? [unet.variants.float16.path] : [])];
  const rewritten: { path: string; bytes: Uint8Array }[] = [];
  for (const path of paths) {
    const before = new Uint8Array(await readFile(join(dir, path)));
    const after = withCrossAttentionOutputs(before);
    const [a, b] = [await outputOf(before, unet.inputs), await outputOf(after, unet.inputs)];
    if (a.length !== b.length || a.some((v, i) => v !== b[i])) throw new UsageError(`${join(dir, path)}: model_output changed with the cross-attention outputs added; nothing was written`);
    rewritten.push({ path, bytes: after });
  }
  const main = rewritten[0]!.bytes;
  const file: ManifestFile = { ...unet, sha256: sha256Bytes(main), bytes: main.byteLength, outputs: describeOnnx(main, unet.path).outputs };
  const half = rewritten[1];
  if (half && unet.variants?.float16) file.variants = { float16: { ...unet.variants.float16, sha256: sha256Bytes(half.bytes), bytes: half.bytes.byteLength } };
  const next = validateManifest({ ...manifest, files: { ...manifest.files, unet: file } });
  for (const f of rewritten) await writeFileAtomic(join(dir, f.path), f.bytes);
  await writeFileAtomic(join(dir, 'manifest.json'), `${JSON.stringify(next, null, 2)}\n`);
  return { kind: manifest.kind, outputs: Object.fromEntries(rewritten.map((f) => [f.path, describeOnnx(f.bytes, f.path).outputs.map((o) => o.name)])), maxAbsError: 0 };
}
