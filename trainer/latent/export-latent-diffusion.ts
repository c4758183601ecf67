/**
 * Exports a latent diffusion model (manifest kind 'latent-diffusion'): the trained U-Net (model.onnx, proven against
 * the trainer as every U-Net is, and its float16 variant), with the frozen parts copied verbatim from the verified
 * model folders they come from: the CLIP text encoder, the autoencoder's decoder and encoder (and their float16
 * variants). The manifest carries the latent space (shape, scaling factor), the preview map fitted here, and which
 * model and file each copied part came from.
 */
import type { ManifestDistillation, ManifestLatentDiffusion, ManifestSampling, ManifestSchedule } from '../../sdk/manifest/types.js';
import { manifestScheduleOf } from '../../sdk/schedulers/manifest-schedule.js';
import type { GaussianDiffusion } from '../diffusion/gaussian-diffusion.js';
import { unetParityCase } from '../diffusion/export-unet.js';
import { exportModel, type CopiedFile, type ExportModelResult } from '../export/export-model.js';
import { withCrossAttentionOutputs } from '../explain/attention-taps.js';
import type { ManifestTraining } from '../export/manifest.js';
import { copyComponent, type ComponentSource } from './copy-component.js';
import type { FrozenAutoencoder } from './frozen-autoencoder.js';
import type { FrozenTextEncoder } from './frozen-text-encoder.js';

export interface ExportLatentDiffusionOptions {
  dir: string;
  name: string;
  diffusion: GaussianDiffusion;
  autoencoder: FrozenAutoencoder;
  /** The frozen CLIP of a text-conditioned model; undefined for an unconditional one. */
  textEncoder?: FrozenTextEncoder;
  /** latentDiffusion.previewMap (preview-map.ts fitPreviewMap). */
  previewMap: number[][];
  training: ManifestTraining;
  /** Also write model.fp16.onnx (files.unet.variants.float16). */
  fp16: boolean;
  /** Also write model.int8.onnx (files.unet.variants.int8). Default false. */
  int8?: boolean;
  metrics?: Record<string, number | string>;
  /** A distilled student's sampling defaults (supportedSteps, guidanceRange), lineage and timestep spacing ('trailing'). */
  sampling?: ManifestSampling;
  distillation?: ManifestDistillation;
  timestepSpacing?: ManifestSchedule['timestepSpacing'];
}

export async function exportLatentDiffusion(opts: ExportLatentDiffusionOptions): Promise<ExportModelResult> {
  const { diffusion, autoencoder: ae, textEncoder: text } = opts;
  const unet = diffusion.unet;
  const cfg = diffusion.opts;
  const components: NonNullable<ManifestLatentDiffusion['components']> = {};
  const copy = async (from: ComponentSource, role: string, filename: string): Promise<CopiedFile> => {
    const { file, component } = await copyComponent(from, role, filename);
    components[role] = component;
    return file;
  };
  const copied: Record<string, CopiedFile> = {
    ...(text && { textEncoder: await copy(text, 'textEncoder', 'text_encoder.onnx') }),
    decoder: await copy(ae, 'decoder', 'decoder.onnx'),
    ...(ae.manifest.files.encoder && { encoder: await copy(ae, 'encoder', 'encoder.onnx') }),
  };
  return exportModel(
    opts.dir,
    [{ role: 'unet', filename: 'model.onnx', build: (fp16) => withCrossAttentionOutputs(unet.toOnnx({ weightsFp16: fp16 })), parity: unetParityCase(unet, cfg.trainTimesteps, text?.length), ...(opts.fp16 && { fp16: 'variant' as const }), int8: opts.int8 ?? false }],
    {
      name: opts.name,
      kind: 'latent-diffusion',
      image: ae.manifest.image,
      // Latents are about unit-variance, not bounded by 1: the samplers must not clamp x_0.
      schedule: {
        ...manifestScheduleOf({ trainSteps: cfg.trainTimesteps, kind: cfg.betaSchedule, predictionType: cfg.prediction, clipSample: false }),
        ...(opts.timestepSpacing && { timestepSpacing: opts.timestepSpacing }),
      },
      // The null condition of guidance is the empty prompt (all padding), as for the pixel text models.
      ...(text && { conditioning: { tokenizer: text.tokenizerManifest } }),
      latentDiffusion: { latentShape: ae.latentShape, scalingFactor: ae.scalingFactor, previewMap: opts.previewMap, components },
      training: opts.training,
      metrics: opts.metrics ?? {},
      ...(opts.sampling && { sampling: opts.sampling }),
      ...(opts.distillation && { distillation: opts.distillation }),
    },
    copied,
  );
}
