import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../sdk/random/rng.js';
import { exportModel, type CopiedFile, type ExportFile, type ExportModelResult, type ParityCase } from '../export/export-model.js';
import type { ManifestTokenizer, ManifestTraining } from '../export/manifest.js';
import type { ManifestDistillation, ManifestSampling, ManifestSchedule } from '../../sdk/manifest/types.js';
import { copyComponent } from '../latent/copy-component.js';
import { withCrossAttentionOutputs } from '../explain/attention-taps.js';
import type { FrozenTextEncoder } from '../latent/frozen-text-encoder.js';
import type { TextEncoderModel } from '../models/text-encoder.js';
import type { UNet } from '../models/unet.js';
import type { GaussianDiffusion } from './gaussian-diffusion.js';
import { manifestScheduleOf } from '../../sdk/schedulers/manifest-schedule.js';

/** float16 weights move each output by a few 1e-3 (see trainer/export/parity.ts); the bound is enforced in export-model.ts. */
export { FP16_PARITY_TOLERANCE } from '../export/export-model.js';

export interface ExportUNetOptions {
  /** Model folder to write (model.onnx [+ text_encoder.onnx] + manifest.json). */
  dir: string;
  /** Model name in the manifest; default the folder's base name. */
  name: string;
  diffusion: GaussianDiffusion;
  training: ManifestTraining;
  classNames?: string[];
  /** The tokenizer of a text-conditioned model (its diffusion has a textEncoder): stored in the manifest. */
  tokenizer?: ManifestTokenizer;
  /**
   * Also write the U-Net with float16-stored weights as model.fp16.onnx, listed as files.unet.variants.float16 beside
   * the float32 model.onnx (the SDK loads one of the two; createGenerator's `precision`). The text encoder stays float32.
   */
  fp16: boolean;
  /** Also write model.int8.onnx (per-channel int8 weights, files.unet.variants.int8; ExportFile.int8). Default false. */
  int8?: boolean;
  metrics?: Record<string, number | string>;
  /** Sampling defaults (a distilled student's supportedSteps and guidanceRange). Default none. */
  sampling?: ManifestSampling;
  /** A distilled student's lineage. */
  distillation?: ManifestDistillation;
  /** The inference timestep spacing the model was made for (students: 'trailing'). Default the SDK's. */
  timestepSpacing?: ManifestSchedule['timestepSpacing'];
  /**
   * A pixel-space model conditioned on a frozen CLIP text encoder (--text-model): its text_encoder.onnx is copied in
   * verbatim, with its tokenizer (opts.tokenizer is then not needed).
   */
  frozenText?: FrozenTextEncoder;
}

/** What was written, with the parity figures (byFile: 'unet', 'textEncoder') and onnx.checker's verdict. */
export type ExportResult = ExportModelResult;

/**
 * Exports the U-Net (and the text encoder of a text-conditioned model, as text_encoder.onnx) with
 * its current weights (the caller loads the EMA weights first) and proves each file: run by
 * onnxruntime-node on random inputs, it must match the tfjs forward pass within 1e-4 (float32) or
 * FP16_PARITY_TOLERANCE (the float16-weights U-Net of `fp16`), or nothing is written.
 */
export async function exportUNet(opts: ExportUNetOptions): Promise<ExportResult> {
  const unet = opts.diffusion.unet;
  const textEncoder = opts.diffusion.opts.textEncoder;
  const frozen = opts.frozenText;
  if (textEncoder && !opts.tokenizer) throw new Error('exportUNet: a text-conditioned model needs opts.tokenizer for its manifest');
  const parts: ExportFile[] = [
    { role: 'unet', filename: 'model.onnx', build: (fp16) => withCrossAttentionOutputs(unet.toOnnx({ weightsFp16: fp16 })), parity: unetParityCase(unet, opts.diffusion.opts.trainTimesteps, textEncoder?.config.maxLength ?? frozen?.length), ...(opts.fp16 && { fp16: 'variant' as const }), int8: opts.int8 ?? false },
  ];
  // Small beside the U-Net: float32 only.
  if (textEncoder) parts.push({ role: 'textEncoder', filename: 'text_encoder.onnx', build: (fp16) => textEncoder.toOnnx({ weightsFp16: fp16 }), parity: textParityCase(textEncoder, opts.tokenizer!.padId) });
  const copied: Record<string, CopiedFile> = frozen ? { textEncoder: (await copyComponent(frozen, 'textEncoder', 'text_encoder.onnx')).file } : {};
  const tokenizer = frozen?.tokenizerManifest ?? opts.tokenizer;
  const cfg = opts.diffusion.opts;
  const numClasses = unet.config.numClasses;
  return exportModel(opts.dir, parts, {
    name: opts.name,
    kind: 'diffusion-unet',
    image: { width: unet.config.imageSize, height: unet.config.imageSize, channels: unet.config.inChannels, range: [-1, 1] },
    schedule: {
      ...manifestScheduleOf({ trainSteps: cfg.trainTimesteps, kind: cfg.betaSchedule, predictionType: cfg.prediction }),
      ...(opts.timestepSpacing && { timestepSpacing: opts.timestepSpacing }),
    },
    ...(numClasses !== undefined && {
      conditioning: { classes: opts.classNames ?? Array.from({ length: numClasses }, (_, i) => String(i)), nullClass: numClasses },
    }),
    // Text: the null condition of guidance is the empty prompt (all padId), so no nullClass.
    ...(tokenizer && { conditioning: { tokenizer } }),
    training: opts.training,
    metrics: opts.metrics ?? {},
    ...(opts.sampling && { sampling: opts.sampling }),
    ...(opts.distillation && { distillation: opts.distillation }),
  }, copied);
}


/** Token ids (batch 2: a random prompt with padding, and the empty prompt) and the tfjs encoder's output. */
function textParityCase(enc: TextEncoderModel, padId: number): ParityCase {
  const rng = new Rng(4321);
  const { maxLength: L, vocabSize: V, dim: D } = enc.config;
  const ids = new Int32Array(2 * L).fill(padId); // [2, L]
  const words = 1 + rng.int(L);
  for (let i = 0; i < words; i++) ids[i] = rng.int(V);
  const out = tf.tidy(() => enc.apply(tf.tensor2d(ids, [2, L], 'int32')));
  const expected = { last_hidden_state: { data: out.dataSync() as Float32Array, dims: [2, L, D] } };
  out.dispose();
  return { feeds: { input_ids: { data: BigInt64Array.from(ids, (v) => BigInt(v)), dims: [2, L] } }, expected };
}

/** Random inputs (batch 2) and the tfjs forward's outputs, NCHW for ONNX; a random context of `L` tokens when the U-Net has cross-attention. */
export function unetParityCase(unet: UNet, T: number, L = 8): ParityCase {
  const rng = new Rng(1234);
  const { imageSize: S, inChannels: C, numClasses, contextDim, guidanceInput } = unet.config;
  const B = 2;
  const x = rng.normalArray(B * S * S * C); // [B, H, W, C]
  const t = Float32Array.from({ length: B }, () => rng.int(T));
  const labels = numClasses !== undefined ? Int32Array.from({ length: B }, (_, i) => (i === 0 ? rng.int(numClasses) : numClasses)) : undefined;
  const context = contextDim !== undefined ? rng.normalArray(B * L * contextDim) : undefined; // [B, L, Dctx]
  const guidance = guidanceInput ? Float32Array.from({ length: B }, () => 1 + 3 * rng.uniform()) : undefined;
  const out = tf.tidy(() => {
    const y = unet.apply(tf.tensor4d(x, [B, S, S, C]), tf.tensor1d(t), {
      ...(labels && { classLabels: tf.tensor1d(labels, 'int32') }),
      ...(context && { context: tf.tensor3d(context, [B, L, contextDim!]) }),
      ...(guidance && { guidanceScale: tf.tensor1d(guidance) }),
    });
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
  if (context) feeds.encoder_hidden_states = { data: context, dims: [B, L, contextDim!] };
  if (guidance) feeds.guidance_scale = { data: guidance, dims: [B] };
  return { feeds, expected };
}
