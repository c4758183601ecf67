/**
 * The GAN training loop, top to bottom: resume, backend, data, models, optimisers, then the loop
 * (power iteration, k D-steps, one G-step, EMA, log, sample, checkpoint), then loss curves and
 * export. Every number it uses comes from GanConfig.
 */
import { appendFile, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../sdk/random/rng.js';
import { selectBackend, type BackendChoice } from '../backend/select-backend.js';
import type { Progress } from '../cli/progress.js';
import { batchIterator, splitDataset } from '../data/dataset.js';
import { openDataset } from '../data/open-dataset.js';
import { UsageError } from '../errors/usage-error.js';
import { writeImageGrid } from '../image/image-grid.js';
import type { GanGenerator } from '../models/gan-model.js';
import { namedBuffers, spectralNorms } from '../nn/spectral-norm.js';
import { AdamW } from '../optim/adamw.js';
import { Ema } from '../optim/ema.js';
import { compactNumber } from '../cli/compact-number.js';
import { TrainingDivergedError } from '../errors/training-diverged-error.js';
import { removeStaleTempFiles } from '../io/atomic-write.js';
import { loadCheckpoint, restoreGroup, saveCheckpoint } from '../train/checkpoint.js';
import { divergenceMessage } from '../train/divergence-message.js';
import { LossWatch, type LossWatchState } from '../train/loss-watch.js';
import { resumeConfig, type ResumePolicy } from '../train/resume-config.js';
import { ensureWritableDir, metricOf, truncateMetrics } from '../run/run-folder.js';
import { buildGan } from './build-models.js';
import { exportGenerator, type ExportGeneratorResult } from './export-generator.js';
import { GAN_BASE_CONFIG, type GanConfig } from './gan-config.js';
import { discriminatorStep, ganLosses, generatorStep, type GanParts } from './gan-step.js';
import { GAN_OBJECTIVES } from './losses/index.js';
import { writeLossCurves } from './plot-losses.js';

export const GAN_CHECKPOINT_FILE = 'checkpoint.wgck';

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

export interface GanTrainIo {
  progress: Progress;
  /** The flags typed on the command line (parsed): on --resume they override the checkpoint's config. */
  explicit?: Partial<GanConfig>;
  /** Set to true (e.g. on SIGINT) to stop after the current step with a checkpoint. */
  stopRequested?: () => boolean;
}

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

export async function trainGan(recipe: string, cfg: GanConfig, io: GanTrainIo): Promise<GanTrainResult> {
  const { progress } = io;
  const out = resolve(cfg.out);
  await ensureWritableDir(out, '--out');
  if (cfg.export) await ensureWritableDir(resolve(cfg.export), '--export');
  const ckptPath = join(out, GAN_CHECKPOINT_FILE);
  const metricsPath = join(out, 'metrics.jsonl');

  // A checkpoint write killed mid-way (SIGKILL, power cut) leaves its temporary file; this run owns the folder.
  for (const name of await removeStaleTempFiles(ckptPath)) progress.log(`removed ${join(out, name)}, a checkpoint write that never finished`);

  // --- resume: the checkpoint's config, with the flags typed now laid over it (GAN_RESUME_POLICY).
  const ckpt = cfg.resume ? await loadCheckpoint(ckptPath) : undefined;
  const earlierCheckpoint = !ckpt && (await stat(ckptPath).then(() => true, () => false));
  if (ckpt) {
    const saved = ckpt.header.state.config as GanConfig;
    if (saved.arch === undefined) throw new UsageError(`${ckptPath} is not a GAN checkpoint (a diffusion run?); resume it with webgen-train <recipe> --resume`);
    const resumed = resumeConfig({ ...GAN_BASE_CONFIG, ...saved }, cfg, io.explicit ?? {}, GAN_RESUME_POLICY, ckptPath);
    cfg = resumed.config;
    for (const note of resumed.notes) progress.log(note);
  }

  // --- backend
  await selectBackend({
    prefer: cfg.backend as BackendChoice,
    threads: cfg.threads === 0 ? Math.min(8, availableParallelism()) : cfg.threads,
    log: (line) => progress.log(line),
  });

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
  let step = 0;
  let wallBefore = 0;
  let resumedLine: Record<string, unknown> | undefined;
  let dWatch = new LossWatch(GAN_LOSS_WATCH);
  let gWatch = new LossWatch(GAN_LOSS_WATCH);
  if (ckpt) {
    restoreGroup(ckpt, ckptPath, 'g', gParams);
    restoreGroup(ckpt, ckptPath, 'd', dParams);
    restoreGroup(ckpt, ckptPath, 'g.ema', ema.shadow);
    restoreGroup(ckpt, ckptPath, 'g.adam.m', adamG.m);
    restoreGroup(ckpt, ckptPath, 'g.adam.v', adamG.v);
    restoreGroup(ckpt, ckptPath, 'd.adam.m', adamD.m);
    restoreGroup(ckpt, ckptPath, 'd.adam.v', adamD.v);
    restoreGroup(ckpt, ckptPath, 'buffers', buffers);
    const s = ckpt.header.state as { adamGT: number; adamDT: number; emaUpdates: number; wallTimeSeconds: number; lossWatch?: { d: LossWatchState; g: LossWatchState } };
    // Checkpoints from before the watches have none: they warm up again.
    dWatch = new LossWatch(GAN_LOSS_WATCH, s.lossWatch?.d);
    gWatch = new LossWatch(GAN_LOSS_WATCH, s.lossWatch?.g);
    adamG.t = s.adamGT;
    adamD.t = s.adamDT;
    ema.updates = s.emaUpdates;
    wallBefore = s.wallTimeSeconds;
    step = ckpt.header.step;
    resumedLine = await truncateMetrics(metricsPath, step);
    progress.log(`resumed from ${ckptPath} at step ${step}`);
  } else {
    await rm(metricsPath, { force: true });
  }
  const parts: GanParts = {
    G, D, objective, gParams, dParams, adamG, adamD,
    opts: { labelSmoothing: cfg.labelSmoothing, gpWeight: cfg.gpWeight, clipValue: cfg.clipValue, lrG: cfg.lrG, lrD: cfg.lrD, modeSeeking: cfg.modeSeeking ?? 0 },
  };

  // k real batches per step: batch s·k + i of the seeded stream, so a resumed run draws the same ones.
  const batches = batchIterator(data, cfg.batchSize, cfg.seed, step * cfg.dSteps);
  const t0 = performance.now();
  const stepStart = step;
  const elapsed = () => wallBefore + (performance.now() - t0) / 1000;
  const samples: string[] = [];

  // The last checkpoint on disk that belongs to this run (or the one it resumed).
  let lastSaved = ckpt?.header.step;
  // Throws when D's or G's loss (measured at step + 1) shows a diverged run.
  const judge = (d: number, g: number) => {
    const reason = dWatch.judge(d, 'D loss') ?? gWatch.judge(g, 'G loss');
    if (reason === undefined) return;
    progress.stop();
    throw new TrainingDivergedError(
      divergenceMessage({
        reason, step: step + 1, lastSaved, ckptPath, earlierCheckpoint,
        advice: `lower --lr-g / --lr-d (now ${compactNumber(cfg.lrG)} / ${compactNumber(cfg.lrD)})`,
      }),
    );
  };
  // The GAN steps update the weights as they measure them, so before a checkpoint the current weights' losses are
  // measured apart (on the batch and draws step + 1 will use, from their own iterator and rng: nothing is consumed).
  const checkpoint = async () => {
    const real = batchIterator(data, cfg.batchSize, cfg.seed, step * cfg.dSteps).next();
    const now = ganLosses(parts, real.images, cfg.conditional ? real.labels : undefined, stepRng(cfg.seed, step));
    judge(now.dLoss, now.gLoss);
    await saveCheckpoint(ckptPath, step, {
      config: cfg, recipe, adamGT: adamG.t, adamDT: adamD.t, emaUpdates: ema.updates, wallTimeSeconds: elapsed(),
      lossWatch: { d: dWatch.state(), g: gWatch.state() },
    }, {
      g: gParams, d: dParams, 'g.ema': ema.shadow, 'g.adam.m': adamG.m, 'g.adam.v': adamG.v, 'd.adam.m': adamD.m, 'd.adam.v': adamD.v, buffers,
    });
    lastSaved = step;
  };
  const sampleGrid = async () => {
    const path = join(out, `samples-${String(step).padStart(6, '0')}.png`);
    const { images, n, cols } = await ema.withAveragedWeights(() => drawGrid(G, cfg.seed));
    await writeImageGrid(path, images, [n, G.imageSize, G.imageSize, G.channels], { cols, scale: 2 });
    samples.push(path);
    progress.log(`samples: ${path}`);
  };

  // --- loop
  // A resumed run that trains no further (an export of a stopped run) reports the last logged losses.
  let dLoss = metricOf(resumedLine, 'dLoss');
  let gLoss = metricOf(resumedLine, 'gLoss');
  progress.start(step, cfg.steps);
  while (step < cfg.steps) {
    const rng = stepRng(cfg.seed, step);
    // Spectral norm: one power iteration per step for every normalised weight (Miyato et al. §2.1).
    for (const sn of norms) sn.powerIteration();
    let d = { loss: 0, gp: 0, real: 0, fake: 0 };
    let dWorst = 0;
    for (let i = 0; i < cfg.dSteps; i++) {
      const batch = batches.next();
      d = discriminatorStep(parts, batch.images, cfg.conditional ? batch.labels : undefined, rng);
      // The judge sees the worst of the k D losses (a NaN sticks).
      if (!Number.isNaN(dWorst) && !(Math.abs(d.loss) <= Math.abs(dWorst))) dWorst = d.loss;
    }
    gLoss = generatorStep(parts, cfg.batchSize, rng);
    dLoss = d.loss;
    judge(dWorst, gLoss);
    dWatch.observe(dLoss);
    gWatch.observe(gLoss);
    ema.update();
    step++;

    const sps = (step - stepStart) / ((performance.now() - t0) / 1000);
    progress.update({ step, total: cfg.steps, loss: dLoss, stepsPerSecond: sps, etaSeconds: (cfg.steps - step) / sps });
    if (step % cfg.logEvery === 0 || step === cfg.steps) {
      const line = { step, dLoss, gLoss, gp: d.gp, dReal: d.real, dFake: d.fake, stepsPerSecond: sps, seconds: elapsed(), tensors: tf.memory().numTensors };
      await appendFile(metricsPath, `${JSON.stringify(line)}\n`);
    }
    if (cfg.sampleEvery > 0 && step % cfg.sampleEvery === 0 && step < cfg.steps) await sampleGrid();
    const stopping = io.stopRequested?.() ?? false;
    if (step % cfg.checkpointEvery === 0 || step === cfg.steps || stopping) await checkpoint();
    if (stopping) {
      progress.stop();
      progress.log(`stopped at step ${step}; checkpoint ${ckptPath} (continue with --resume)`);
      return { step, dLoss, gLoss, wallTimeSeconds: elapsed(), checkpoint: ckptPath, samples, lossCurves: '' };
    }
  }
  progress.stop();
  await sampleGrid();
  const lossCurves = join(out, 'losses.png');
  await writeLossCurves(metricsPath, lossCurves).catch(() => undefined); // no metrics yet when 0 steps were run
  progress.log(`loss curves: ${lossCurves} (red D, blue G, green gradient penalty)`);

  // --- export (EMA weights)
  let exported: GanTrainResult['exported'];
  if (cfg.export) {
    const dir = resolve(cfg.export);
    const result = await ema.withAveragedWeights(() =>
      exportGenerator({
        dir,
        name: basename(dir),
        G,
        fp16: cfg.fp16,
        ...(cfg.conditional && data.classNames && { classNames: data.classNames }),
        training: {
          recipe,
          data: JSON.stringify(data.describe()),
          steps: step,
          wallTimeSeconds: Math.round(elapsed()),
          parameters: G.parameterCount(),
          config: { ...cfg } as unknown as Record<string, unknown>,
        },
        metrics: { finalDLoss: dLoss, finalGLoss: gLoss, discriminatorParameters: D.parameterCount() },
      }),
    );
    exported = { ...result, dir };
    progress.log(`exported ${join(dir, 'model.onnx')}: parity max abs error ${result.maxAbsError.toExponential(2)} (tolerance 1e-4); onnx.checker ${result.checker}`);
  }
  return { step, dLoss, gLoss, wallTimeSeconds: elapsed(), checkpoint: ckptPath, samples, lossCurves, ...(exported && { exported }) };
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

/** All randomness of a step comes from (seed, step): a resumed run replays it exactly. */
function stepRng(seed: number, step: number): Rng {
  return new Rng((seed ^ Math.imul(step + 1, 0x9e3779b1)) >>> 0);
}

function prefixed(prefix: string, m: Map<string, tf.Variable>): [string, tf.Variable][] {
  return [...m].map(([k, v]) => [prefix + k, v]);
}
