/**
 * The GAN training loop, top to bottom, on the run scaffold (trainer/run/training-run.ts: folder, resume, backend,
 * checkpoints, metrics, divergence, Ctrl-C): data, models, optimisers, then the step (power iteration, k D-steps, one
 * G-step, EMA), then loss curves and export. Every number it uses comes from GanConfig.
 */
import { basename, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../sdk/random/rng.js';
import { batchIterator, splitDataset } from '../data/dataset.js';
import { openDataset } from '../data/open-dataset.js';
import { UsageError } from '../errors/usage-error.js';
import { writeImageGrid } from '../image/image-grid.js';
import type { GanGenerator } from '../models/gan-model.js';
import { namedBuffers, spectralNorms } from '../nn/spectral-norm.js';
import { AdamW } from '../optim/adamw.js';
import { Ema } from '../optim/ema.js';
import { compactNumber } from '../cli/compact-number.js';
import type { ResumePolicy } from '../train/resume-config.js';
import { metricOf } from '../run/run-folder.js';
import { stepRng } from '../run/step-rng.js';
import { RUN_CHECKPOINT_FILE, TrainingRun, type RunIo } from '../run/training-run.js';
import { buildGan } from './build-models.js';
import { exportGenerator, type ExportGeneratorResult } from './export-generator.js';
import { GAN_BASE_CONFIG, type GanConfig } from './gan-config.js';
import { discriminatorStep, ganLosses, generatorStep, type GanParts } from './gan-step.js';
import { parseAugmentPolicy } from './diff-augment.js';
import { GAN_OBJECTIVES } from './losses/index.js';
import { writeLossCurves } from './plot-losses.js';

export const GAN_CHECKPOINT_FILE = RUN_CHECKPOINT_FILE;

export interface GanTrainResult {
  step: number;
  dLoss: number;
  gLoss: number;
  wallTimeSeconds: number;
  checkpoint: string;
  samples: string[];
  lossCurves: string;
  exported?: ExportGeneratorResult & { dir: string };
}

/** What trainGan reads besides the config: progress, the typed flags, Ctrl-C (trainer/run/training-run.ts). */
export type GanTrainIo = RunIo<GanConfig>;

/**
 * On --resume: what the checkpoint fixes (the networks' shapes, their normalisation, the objective D was trained for,
 * the data, its hold-out split and the seed that draws it) and what always comes from this command line. Learning
 * rates, Adam's betas, D-steps, penalties, batch size, EMA decay, logging and sampling may be overridden by a flag.
 */
export const GAN_RESUME_POLICY: ResumePolicy<GanConfig> = {
  fixed: [
    'data', 'holdOut', 'seed', 'arch', 'conditional', 'zDim', 'gWidth', 'dWidth', 'gDepth', 'dDepth', 'heads', 'patch', 'overlap',
    'loss', 'dSpectralNorm', 'gSpectralNorm', 'attentionAt', 'selfModulation', 'latentTokens', 'latentNorm', 'dMinibatchStd', 'dAttention', 'dArch',
  ],
  fromCommandLine: ['steps', 'export', 'fp16', 'resume', 'backend', 'threads', 'out'],
};

/**
 * Divergence (trainer/train/loss-watch.ts), for D's and G's loss each: NaN/±Infinity, or |loss| 10,000× its lowest
 * running average. GAN losses swing more than a regression loss (G's grows for hundreds of steps while D wins) and sit
 * near 0 or below it (hinge, Wasserstein), so a wider factor and a floor of 1, the scale of a log-loss.
 */
const GAN_LOSS_WATCH = { factor: 1e4, warmup: 1, decay: 0.9, floor: 1 };

export async function trainGan(recipe: string, cfg: GanConfig, io: RunIo<GanConfig>): Promise<GanTrainResult> {
  const { progress } = io;
  // --- run folder, resume (GAN_RESUME_POLICY), backend: trainer/run/training-run.ts
  const run = await TrainingRun.open({
    ...io,
    recipe,
    family: 'gan',
    cfg,
    policy: GAN_RESUME_POLICY,
    defaults: GAN_BASE_CONFIG,
    // GAN checkpoints written before the family was recorded: their config has an architecture.
    legacy: (state) => (state.config as Partial<GanConfig> | undefined)?.arch !== undefined,
  });
  cfg = run.cfg;

  // --- data
  const source = await openDataset(cfg.data, { seed: cfg.seed });
  const data = cfg.holdOut > 0 ? splitDataset(source, cfg.holdOut, cfg.seed).train : source;
  if (data.width !== data.height) throw new UsageError(`--data ${cfg.data}: GANs here need square images, got ${data.width}x${data.height}`);
  progress.log(`data: ${data.name}, ${data.size} images ${data.width}x${data.height}x${data.channels}${data.numClasses ? `, ${data.numClasses} classes` : ''}`);

  // --- models
  const { G, D } = buildGan(cfg, { imageSize: data.width, channels: data.channels, ...(data.numClasses !== undefined && { numClasses: data.numClasses }) });
  const gParams = G.namedVariables();
  const dParams = D.namedVariables();
  const buffers = new Map([...prefixed('g.', namedBuffers(G)), ...prefixed('d.', namedBuffers(D))]);
  const norms = [...spectralNorms(G), ...spectralNorms(D)];
  const objective = GAN_OBJECTIVES[cfg.loss];
  progress.log(
    `model: ${cfg.arch}${cfg.conditional ? ' (conditional)' : ''}, G ${G.parameterCount().toLocaleString('en-US')} parameters, D ${D.parameterCount().toLocaleString('en-US')}; ` +
      `loss ${cfg.loss}, ${cfg.dSteps} D-step(s) per G-step, lr G ${cfg.lrG} / D ${cfg.lrD}, D norm ${cfg.dSpectralNorm}, G norm ${cfg.gSpectralNorm}`,
  );

  // --- optimisers and G's weight average
  const adamG = new AdamW(gParams, { beta1: cfg.beta1, beta2: cfg.beta2 });
  const adamD = new AdamW(dParams, { beta1: cfg.beta1, beta2: cfg.beta2 });
  const ema = new Ema(gParams, cfg.emaDecay);
  const groups = { g: gParams, d: dParams, 'g.ema': ema.shadow, 'g.adam.m': adamG.m, 'g.adam.v': adamG.v, 'd.adam.m': adamD.m, 'd.adam.v': adamD.v, buffers };
  run.restore(groups);
  const saved = run.savedState<{ adamGT: number; adamDT: number; emaUpdates: number }>();
  if (saved) {
    adamG.t = saved.adamGT;
    adamD.t = saved.adamDT;
    ema.updates = saved.emaUpdates;
  }
  const parts: GanParts = {
    G, D, objective, gParams, dParams, adamG, adamD,
    opts: { labelSmoothing: cfg.labelSmoothing, gpWeight: cfg.gpWeight, clipValue: cfg.clipValue, lrG: cfg.lrG, lrD: cfg.lrD, modeSeeking: cfg.modeSeeking ?? 0, augment: parseAugmentPolicy(cfg.diffAugment ?? ''), bcrWeight: cfg.bcrWeight ?? 0 },
  };

  // k real batches per step: batch s·k + i of the seeded stream, so a resumed run draws the same ones.
  const batches = batchIterator(data, cfg.batchSize, cfg.seed, run.step * cfg.dSteps);
  const samples: string[] = [];
  const sampleGrid = async (step: number) => {
    const path = join(run.out, `samples-${String(step).padStart(6, '0')}.png`);
    const { images, n, cols } = await ema.withAveragedWeights(() => drawGrid(G, cfg.seed));
    await writeImageGrid(path, images, [n, G.imageSize, G.imageSize, G.channels], { cols, scale: 2 });
    samples.push(path);
    progress.log(`samples: ${path}`);
  };

  // --- loop (the scaffold's): power iteration, k D-steps, one G-step, EMA
  let lastD: number | undefined; // the last of the k D losses (what metrics.jsonl and the result report)
  const result = await run.loop({
    groups,
    state: () => ({ adamGT: adamG.t, adamDT: adamD.t, emaUpdates: ema.updates }),
    watches: { dLoss: GAN_LOSS_WATCH, gLoss: GAN_LOSS_WATCH },
    advice: `lower --lr-g / --lr-d (now ${compactNumber(cfg.lrG)} / ${compactNumber(cfg.lrD)})`,
    // The D- and G-steps update the weights as they measure them.
    updatesWhileMeasuring: true,
    step: (step) => {
      const rng = stepRng(cfg.seed, step);
      // Spectral norm: one power iteration per step for every normalised weight (Miyato et al. §2.1).
      for (const sn of norms) sn.powerIteration();
      let d = { loss: 0, gp: 0, bcr: 0, real: 0, fake: 0 };
      let dWorst = 0;
      for (let i = 0; i < cfg.dSteps; i++) {
        const batch = batches.next();
        d = discriminatorStep(parts, batch.images, cfg.conditional ? batch.labels : undefined, rng);
        // The watch sees the worst of the k D losses (a NaN sticks); metrics.jsonl the last.
        if (!Number.isNaN(dWorst) && !(Math.abs(d.loss) <= Math.abs(dWorst))) dWorst = d.loss;
      }
      const gLoss = generatorStep(parts, cfg.batchSize, rng);
      lastD = d.loss;
      return {
        losses: { dLoss: dWorst, gLoss },
        metrics: { dLoss: d.loss, gp: d.gp, ...(parts.opts.bcrWeight ? { bcr: d.bcr } : {}), dReal: d.real, dFake: d.fake },
        apply: () => ema.update(),
        discard: () => undefined,
      };
    },
    // The losses of the weights as they are, on the batch and draws step + 1 will use (own iterator and rng: nothing
    // is consumed).
    measure: (step) => {
      const real = batchIterator(data, cfg.batchSize, cfg.seed, step * cfg.dSteps).next();
      const now = ganLosses(parts, real.images, cfg.conditional ? real.labels : undefined, stepRng(cfg.seed, step));
      return { dLoss: now.dLoss, gLoss: now.gLoss };
    },
    sample: sampleGrid,
  });
  // A resumed run that trains no further (an export of a stopped run) reports the last logged losses.
  const dLoss = lastD ?? metricOf(run.resumedLine, 'dLoss');
  const gLoss = result.losses.gLoss!;
  if (result.stopped) return { step: result.step, dLoss, gLoss, wallTimeSeconds: run.elapsed(), checkpoint: run.ckptPath, samples, lossCurves: '' };
  await sampleGrid(result.step);
  const lossCurves = join(run.out, 'losses.png');
  await writeLossCurves(run.metricsPath, lossCurves).catch(() => undefined); // no metrics yet when 0 steps were run
  progress.log(`loss curves: ${lossCurves} (red D, blue G, green gradient penalty)`);

  // --- export (EMA weights)
  let exported: GanTrainResult['exported'];
  if (cfg.export) {
    const dir = resolve(cfg.export);
    const done = await ema.withAveragedWeights(() =>
      exportGenerator({
        dir,
        name: basename(dir),
        G,
        fp16: cfg.fp16,
        ...(cfg.conditional && data.classNames && { classNames: data.classNames }),
        training: {
          recipe,
          data: JSON.stringify(data.describe()),
          steps: result.step,
          wallTimeSeconds: Math.round(run.elapsed()),
          parameters: G.parameterCount(),
          config: { ...cfg } as unknown as Record<string, unknown>,
        },
        metrics: { finalDLoss: dLoss, finalGLoss: gLoss, discriminatorParameters: D.parameterCount() },
      }),
    );
    exported = { ...done, dir };
    progress.log(`exported ${join(dir, 'model.onnx')}: parity max abs error ${done.maxAbsError.toExponential(2)} (tolerance 1e-4); onnx.checker ${done.checker}`);
  }
  return { step: result.step, dLoss, gLoss, wallTimeSeconds: run.elapsed(), checkpoint: run.ckptPath, samples, lossCurves, ...(exported && { exported }) };
}

/** Fixed latents: one row per class (first 10) for a conditional G, else 8×8. images [n, H, W, C]. */
export function drawGrid(G: GanGenerator, seed: number): { images: Float32Array; n: number; cols: number } {
  const rng = new Rng(seed + 7919);
  const K = G.numClasses;
  const cols = 8;
  const n = K !== undefined ? Math.min(K, 10) * cols : 64;
  const z = rng.normalArray(n * G.zDim);
  const labels = K !== undefined ? Int32Array.from({ length: n }, (_, i) => Math.floor(i / cols)) : undefined;
  const images = tf.tidy(() => Float32Array.from(G.apply(tf.tensor2d(z, [n, G.zDim]), labels ? tf.tensor1d(labels, 'int32') : undefined).dataSync() as Float32Array));
  return { images, n, cols };
}

function prefixed(prefix: string, m: Map<string, tf.Variable>): [string, tf.Variable][] {
  return [...m].map(([k, v]) => [prefix + k, v]);
}
