/**
 * The GAN training loop, top to bottom: resume, backend, data, models, optimisers, then the loop
 * (power iteration, k D-steps, one G-step, EMA, log, sample, checkpoint), then loss curves and
 * export. Every number it uses comes from GanConfig.
 */
import { appendFile, rm } from 'node:fs/promises';
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
import { loadCheckpoint, restoreGroup, saveCheckpoint } from '../train/checkpoint.js';
import { ensureWritableDir, metricOf, TrainingDivergedError, truncateMetrics } from '../train/train.js';
import { buildGan } from './build-models.js';
import { exportGenerator, type ExportGeneratorResult } from './export-generator.js';
import type { GanConfig } from './gan-config.js';
import { discriminatorStep, generatorStep, type GanParts } from './gan-step.js';
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
  /** Set to true (e.g. on SIGINT) to stop after the current step with a checkpoint. */
  stopRequested?: () => boolean;
}

export async function trainGan(recipe: string, cfg: GanConfig, io: GanTrainIo): Promise<GanTrainResult> {
  const { progress } = io;
  const out = resolve(cfg.out);
  await ensureWritableDir(out, '--out');
  if (cfg.export) await ensureWritableDir(resolve(cfg.export), '--export');
  const ckptPath = join(out, GAN_CHECKPOINT_FILE);
  const metricsPath = join(out, 'metrics.jsonl');

  // --- resume: the checkpoint's config wins, except how long to train, where to export and how to run.
  const ckpt = cfg.resume ? await loadCheckpoint(ckptPath) : undefined;
  if (ckpt) {
    const saved = ckpt.header.state.config as GanConfig;
    if (saved.arch === undefined) throw new UsageError(`${ckptPath} is not a GAN checkpoint (a diffusion run?); resume it with webgen-train <recipe> --resume`);
    cfg = { ...saved, steps: cfg.steps, export: cfg.export, resume: true, backend: cfg.backend, threads: cfg.threads, out: cfg.out, fp16: cfg.fp16 };
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
  if (ckpt) {
    restoreGroup(ckpt, ckptPath, 'g', gParams);
    restoreGroup(ckpt, ckptPath, 'd', dParams);
    restoreGroup(ckpt, ckptPath, 'g.ema', ema.shadow);
    restoreGroup(ckpt, ckptPath, 'g.adam.m', adamG.m);
    restoreGroup(ckpt, ckptPath, 'g.adam.v', adamG.v);
    restoreGroup(ckpt, ckptPath, 'd.adam.m', adamD.m);
    restoreGroup(ckpt, ckptPath, 'd.adam.v', adamD.v);
    restoreGroup(ckpt, ckptPath, 'buffers', buffers);
    const s = ckpt.header.state as { adamGT: number; adamDT: number; emaUpdates: number; wallTimeSeconds: number };
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

  const checkpoint = async () => {
    await saveCheckpoint(ckptPath, step, {
      config: cfg, recipe, adamGT: adamG.t, adamDT: adamD.t, emaUpdates: ema.updates, wallTimeSeconds: elapsed(),
    }, {
      g: gParams, d: dParams, 'g.ema': ema.shadow, 'g.adam.m': adamG.m, 'g.adam.v': adamG.v, 'd.adam.m': adamD.m, 'd.adam.v': adamD.v, buffers,
    });
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
    // All randomness of a step comes from (seed, step): a resumed run replays it exactly.
    const rng = new Rng((cfg.seed ^ Math.imul(step + 1, 0x9e3779b1)) >>> 0);
    // Spectral norm: one power iteration per step for every normalised weight (Miyato et al. §2.1).
    for (const sn of norms) sn.powerIteration();
    let d = { loss: 0, gp: 0, real: 0, fake: 0 };
    for (let i = 0; i < cfg.dSteps; i++) {
      const batch = batches.next();
      d = discriminatorStep(parts, batch.images, cfg.conditional ? batch.labels : undefined, rng);
    }
    gLoss = generatorStep(parts, cfg.batchSize, rng);
    dLoss = d.loss;
    if (!Number.isFinite(dLoss) || !Number.isFinite(gLoss)) {
      progress.stop();
      throw new TrainingDivergedError(
        `loss became ${Number.isFinite(dLoss) ? `${gLoss} (G)` : `${dLoss} (D)`} at step ${step + 1}; the run stopped and kept its last good checkpoint (${ckptPath}). ` +
          `Try lower --lr-g / --lr-d (now ${cfg.lrG} / ${cfg.lrD}), then --resume.`,
      );
    }
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

function prefixed(prefix: string, m: Map<string, tf.Variable>): [string, tf.Variable][] {
  return [...m].map(([k, v]) => [prefix + k, v]);
}
