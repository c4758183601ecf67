/**
 * `webgen-train reexport --model DIR`: brings a shipped model folder up to the current exporter without retraining,
 * for outputs added to a model kind after it shipped:
 *   - a classifier (kind 'classifier') is rebuilt from the weights in its own model.onnx (explain/open-classifier.ts)
 *     and exported again by exportClassifier: its logits and features proven against tfjs on held-out images, and
 *     the new `grad_cam` output against tfjs' autograd;
 *   - a text-conditioned U-Net (kind 'diffusion-unet' or 'latent-diffusion' with encoder_hidden_states) gets its
 *     cross-attention outputs (explain/attention-taps.ts withCrossAttentionOutputs) on model.onnx and its float16
 *     variant; model_output must stay bit-for-bit what it was on a random input.
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
import { withCrossAttentionOutputs } from '../explain/attention-taps.js';
import { openClassifierNet } from '../explain/open-classifier.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { describeOnnx, sha256Bytes, verifyModelFolder } from './model-folder.js';

/** What changed, for the command's report. */
export interface ReexportResult {
  kind: Manifest['kind'];
  /** The outputs each rewritten file has now, by path. */
  outputs: Record<string, string[]>;
  /** Largest parity error of a rebuilt file (classifier), or 0 when the outputs were compared bit for bit. */
  maxAbsError: number;
}

export async function reexportModel(dir: string): Promise<ReexportResult> {
  const manifest = await verifyModelFolder(dir);
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
