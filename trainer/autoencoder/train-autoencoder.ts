/**
 * Training an autoencoder (KL-VAE, β-VAE, VQ-VAE) on the run scaffold: the model, its step and its samples; the
 * folder, resume, checkpoints, metrics, divergence and Ctrl-C are trainer/run/training-run.ts's. Ends with the latent
 * scaling factor (1 / std of the training latents, as latent diffusion) and, with --export, the model folder.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../sdk/random/rng.js';
import { batchIterator, fixedImages, splitDataset } from '../data/dataset.js';
import { openDataset } from '../data/open-dataset.js';
import { UsageError } from '../errors/usage-error.js';
import { writeImageGrid } from '../image/image-grid.js';
import { AdamW } from '../optim/adamw.js';
import { compactNumber } from '../cli/compact-number.js';
import { clipByGlobalNorm, disposeAll } from '../train/gradients.js';
import { learningRate } from '../train/lr-schedule.js';
import type { ResumePolicy } from '../train/resume-config.js';
import { stepRng } from '../run/step-rng.js';
import { TrainingRun, type RunIo } from '../run/training-run.js';
import { Autoencoder } from './autoencoder.js';
import { AUTOENCODER_BASE_CONFIG, parseWidths, type AutoencoderConfig } from './autoencoder-config.js';
import { exportAutoencoder, type ExportAutoencoderResult } from './export-autoencoder.js';
import { klPerDimension } from './latent-kl.js';
import { latentScale } from './latent-scale.js';

export interface AutoencoderTrainResult {
  step: number;
  losses: Record<string, number>;
  wallTimeSeconds: number;
  checkpoint: string;
  samples: string[];
  scalingFactor: number;
  exported?: ExportAutoencoderResult & { dir: string };
}

/** On --resume the checkpoint fixes the architecture, the data and its split; training settings may change. */
export const AUTOENCODER_RESUME_POLICY: ResumePolicy<AutoencoderConfig> = {
  fixed: ['data', 'holdOut', 'seed', 'kind', 'widths', 'groups', 'latentChannels', 'latentDim', 'codes'],
  fromCommandLine: ['steps', 'export', 'fp16', 'resume', 'backend', 'threads', 'out'],
};

/** The reconstruction loss sits near 0 when training goes well: a floor of 0.01 keeps the ratio meaningful. */
const AE_LOSS_WATCH = { factor: 1e3, warmup: 1, decay: 0.9, floor: 1e-2 };

/** Rows of the reconstruction grid: originals, then their reconstructions. */
const GRID_IMAGES = 8;

export async function trainAutoencoder(recipe: string, cfg: AutoencoderConfig, io: RunIo<AutoencoderConfig>): Promise<AutoencoderTrainResult> {
  checkAutoencoderConfig(cfg);
  const run = await TrainingRun.open({ ...io, recipe, family: 'autoencoder', cfg, policy: AUTOENCODER_RESUME_POLICY, defaults: AUTOENCODER_BASE_CONFIG, validate: checkAutoencoderConfig });
  cfg = run.cfg;
  const { progress } = io;

  const source = await openDataset(cfg.data, { seed: cfg.seed });
  const data = cfg.holdOut > 0 ? splitDataset(source, cfg.holdOut, cfg.seed).train : source;
  if (data.width !== data.height) throw new UsageError(`--data ${cfg.data}: the autoencoder needs square images, got ${data.width}x${data.height}`);
  progress.log(`data: ${data.name}, ${data.size} images ${data.width}x${data.height}x${data.channels}`);

  const ae = new Autoencoder(
    {
      imageSize: data.width, channels: data.channels, widths: parseWidths(cfg.widths), groups: cfg.groups,
      latentChannels: cfg.latentChannels, latentDim: cfg.latentDim, kind: cfg.kind, codes: cfg.codes, vqDecay: cfg.vqDecay,
    },
    new Rng(cfg.seed),
  );
  const params = ae.namedVariables();
  const varList = [...params.values()];
  const pathOf = new Map([...params].map(([path, v]) => [v.name, path]));
  const buffers = ae.buffers();
  progress.log(
    `model: ${cfg.kind === 'vq' ? `VQ-VAE (K = ${cfg.codes})` : cfg.beta === 1 ? 'KL-VAE' : `β-VAE (β = ${compactNumber(cfg.beta)})`}, widths ${cfg.widths}, ` +
      `latent ${ae.latentShape().join('x')}, ${ae.parameterCount().toLocaleString('en-US')} parameters`,
  );

  const adam = new AdamW(params, { weightDecay: cfg.weightDecay });
  run.restore({ params, 'adam.m': adam.m, 'adam.v': adam.v, buffers });
  const saved = run.savedState<{ adamT: number }>();
  if (saved) adam.t = saved.adamT;

  const { width: S, channels: C } = data;
  const batches = batchIterator(data, cfg.batchSize, cfg.seed, run.step);
  const lossOpts = { reconSigma: cfg.reconSigma, beta: cfg.beta, commitment: cfg.commitment };
  const gridImages = fixedImages(data, GRID_IMAGES);
  const gridCount = gridImages.length / (S * S * C);
  const samples: string[] = [];
  const sample = async (step: number) => {
    const path = join(run.out, `samples-${String(step).padStart(6, '0')}.png`);
    const recon = tf.tidy(() => ae.decode(ae.encode(tf.tensor4d(gridImages, [gridCount, S, S, C]))).clipByValue(-1, 1).dataSync() as Float32Array);
    const both = new Float32Array(2 * gridImages.length);
    both.set(gridImages);
    both.set(recon, gridImages.length);
    await writeImageGrid(path, both, [2 * gridCount, S, S, C], { cols: gridCount, scale: 2 });
    samples.push(path);
    progress.log(`samples: ${path} (top: originals, bottom: reconstructions)`);
  };
  const lossOf = (images: Float32Array, rng: Rng) => ae.loss(tf.tensor4d(images, [cfg.batchSize, S, S, C]), lossOpts, rng);

  const result = await run.loop({
    groups: { params, 'adam.m': adam.m, 'adam.v': adam.v, buffers },
    state: () => ({ adamT: adam.t }),
    watches: { loss: AE_LOSS_WATCH },
    advice: `a lower --lr (now ${compactNumber(cfg.lr)})${cfg.gradClip > 0 ? ` or a lower --grad-clip (now ${compactNumber(cfg.gradClip)})` : ' or --grad-clip 1 (now off)'}`,
    step: (step) => {
      const rng = stepRng(cfg.seed, step);
      const batch = batches.next();
      let terms: ReturnType<typeof lossOf> | undefined;
      const { value, grads } = tf.variableGrads(() => {
        terms = lossOf(batch.images, rng);
        return terms.loss;
      }, varList);
      const loss = value.dataSync()[0]!;
      value.dispose();
      const byPath = new Map(Object.entries(grads).map(([name, g]) => [pathOf.get(name)!, g]));
      const t = terms!;
      // Filled in by apply (the gradient norm, the codebook's usage), before the scaffold logs them.
      const metrics: Record<string, number> = { mse: t.mse, ...(t.kl !== undefined && { kl: t.kl }), ...(t.commitment !== undefined && { commitment: t.commitment }), lr: learningRate(step, cfg) };
      return {
        losses: { loss },
        metrics,
        apply: () => {
          metrics.gradNorm = clipByGlobalNorm(byPath, cfg.gradClip);
          adam.step(byPath, learningRate(step, cfg));
          disposeAll(byPath);
          const stats = ae.afterStep(t, rng);
          if (stats) Object.assign(metrics, { codeUsage: stats.usage, perplexity: stats.perplexity });
        },
        discard: () => disposeAll(byPath),
      };
    },
    measure: (step) => {
      const images = batchIterator(data, cfg.batchSize, cfg.seed, step).next().images;
      return tf.tidy(() => ({ loss: lossOf(images, stepRng(cfg.seed, step)).loss.dataSync()[0]! }));
    },
    sample,
  });
  await sample(result.step);

  const scalingFactor = cfg.kind === 'kl' ? latentScale(ae, data, cfg.batchSize) : 1;
  if (cfg.kind === 'kl') progress.log(`latent scaling factor ${scalingFactor.toPrecision(4)} (1 / std of ${Math.min(data.size, 1024)} training latents)`);

  const klDims = klPerDimension(ae, data, cfg.batchSize);
  if (klDims.length) progress.log(`KL per latent ${cfg.latentDim > 0 ? 'dimension' : 'channel'} (nats per image): ${klDims.map((v) => v.toFixed(2)).join(', ')}`);

  let exported: AutoencoderTrainResult['exported'];
  if (cfg.export) {
    const dir = cfg.export;
    const r = await exportAutoencoder({
      dir, ae, fp16: cfg.fp16, scalingFactor, parityImages: fixedImages(data, 2),
      training: {
        recipe, data: JSON.stringify(data.describe()), steps: result.step, wallTimeSeconds: Math.round(run.elapsed()),
        parameters: ae.parameterCount(), config: { ...cfg } as unknown as Record<string, unknown>,
      },
      metrics: { finalLoss: result.losses.loss!, ...Object.fromEntries(klDims.map((v, d) => [`klDim${d}`, v])) },
    });
    exported = { ...r, dir };
    progress.log(`exported ${dir}: encoder.onnx + decoder.onnx, parity max abs error ${r.maxAbsError.toExponential(2)}; onnx.checker ${r.checker}`);
  }
  return { step: result.step, losses: result.losses, wallTimeSeconds: run.elapsed(), checkpoint: run.ckptPath, samples, scalingFactor, ...(exported && { exported }) };
}

/** Throws UsageError on values the model or the loss cannot use. */
export function checkAutoencoderConfig(cfg: AutoencoderConfig): void {
  if (cfg.kind !== 'kl' && cfg.kind !== 'vq') throw new UsageError(`--kind must be kl or vq, got '${String(cfg.kind)}'`);
  try {
    parseWidths(cfg.widths);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (cfg.kind === 'vq' && cfg.latentDim > 0) throw new UsageError('--latent-dim (a flat latent) is for --kind kl; VQ-VAE quantises spatial latents (--latent-channels)');
  if (!(cfg.reconSigma > 0)) throw new UsageError(`--recon-sigma must be > 0, got ${cfg.reconSigma}`);
  if (!(cfg.beta >= 0)) throw new UsageError(`--beta must be >= 0, got ${cfg.beta}`);
  if (cfg.kind === 'vq' && !(cfg.codes >= 2)) throw new UsageError(`--codes must be at least 2, got ${cfg.codes}`);
  if (!(cfg.vqDecay > 0 && cfg.vqDecay < 1)) throw new UsageError(`--vq-decay must be in (0, 1), got ${cfg.vqDecay}`);
}
