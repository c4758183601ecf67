/**
 * The diffusion training loop, top to bottom: backend, data, model, optimiser, resume, then the
 * loop (step, log, sample, checkpoint), then export. Every number it uses comes from TrainConfig.
 */
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../sdk/random/rng.js';
import { selectBackend, type BackendChoice } from '../backend/select-backend.js';
import { openDataset } from '../data/open-dataset.js';
import { batchIterator, splitDataset } from '../data/dataset.js';
import { GaussianDiffusion } from '../diffusion/gaussian-diffusion.js';
import { exportUNet, type ExportResult } from '../diffusion/export-unet.js';
import { WebgenError } from '../errors/webgen-error.js';
import { OutputError } from '../errors/output-error.js';
import { UsageError } from '../errors/usage-error.js';
import { writeImageGrid } from '../image/image-grid.js';
import { UNet } from '../models/unet.js';
import { UNET_PRESETS } from '../models/unet-presets.js';
import { AdamW } from '../optim/adamw.js';
import { Ema } from '../optim/ema.js';
import type { TrainConfig } from '../recipes/train-config.js';
import type { Progress } from '../cli/progress.js';
import { loadCheckpoint, restoreGroup, saveCheckpoint } from './checkpoint.js';
import { learningRate } from './lr-schedule.js';
import { accumulateGradients, clipByGlobalNorm, disposeAll } from './gradients.js';

/** The loss became NaN or infinite: the run stops and keeps its last good checkpoint. */
export class TrainingDivergedError extends WebgenError {}

export interface TrainResult {
  step: number;
  finalLoss: number;
  wallTimeSeconds: number;
  checkpoint: string;
  samples: string[];
  exported?: ExportResult & { dir: string };
}

export interface TrainIo {
  progress: Progress;
  /** Set to true (e.g. on SIGINT) to stop after the current step with a checkpoint. */
  stopRequested?: () => boolean;
}

export const CHECKPOINT_FILE = 'checkpoint.wgck';

export async function train(recipe: string, cfg: TrainConfig, io: TrainIo): Promise<TrainResult> {
  const { progress } = io;
  const out = resolve(cfg.out);
  await ensureWritableDir(out, '--out');
  if (cfg.export) await ensureWritableDir(resolve(cfg.export), '--export');
  const ckptPath = join(out, CHECKPOINT_FILE);
  const metricsPath = join(out, 'metrics.jsonl');

  // --- resume: the checkpoint's config wins, except how long to train and where to export.
  const ckpt = cfg.resume ? await loadCheckpoint(ckptPath) : undefined;
  if (ckpt) {
    const saved = ckpt.header.state.config as TrainConfig;
    cfg = { ...saved, steps: cfg.steps, export: cfg.export, resume: true, backend: cfg.backend, threads: cfg.threads, out: cfg.out };
  }

  // --- backend
  const backend = await selectBackend({
    prefer: cfg.backend as BackendChoice,
    threads: cfg.threads === 0 ? Math.min(8, availableParallelism()) : cfg.threads,
    log: (line) => progress.log(line),
  });

  // --- data
  const source = await openDataset(cfg.data, { seed: cfg.seed });
  const data = cfg.holdOut > 0 ? splitDataset(source, cfg.holdOut, cfg.seed).train : source;
  if (data.width !== data.height) throw new UsageError(`--data ${cfg.data}: the U-Net needs square images, got ${data.width}x${data.height}`);
  const numClasses = cfg.classConditional ? data.numClasses : undefined;
  progress.log(`data: ${data.name}, ${data.size} images ${data.width}x${data.height}x${data.channels}${numClasses ? `, ${numClasses} classes` : ''}`);

  // --- model
  const preset = UNET_PRESETS[cfg.model as keyof typeof UNET_PRESETS];
  if (!preset) throw new UsageError(`--model must be one of ${Object.keys(UNET_PRESETS).join(', ')}, got '${cfg.model}'`);
  const unet = new UNet({ ...preset, imageSize: data.width, inChannels: data.channels, ...(numClasses !== undefined && { numClasses }) }, cfg.seed);
  const diffusion = new GaussianDiffusion(unet, {
    ...(numClasses !== undefined && { numClasses }),
    condDropout: cfg.condDropout,
    trainTimesteps: cfg.trainTimesteps,
    betaSchedule: cfg.betaSchedule,
    prediction: cfg.prediction,
  });
  const params = unet.namedVariables();
  const varList = [...params.values()];
  const pathOf = new Map(varList.map((v, i) => [v.name, [...params.keys()][i]!]));
  progress.log(`model: U-Net '${cfg.model}', ${unet.parameterCount().toLocaleString('en-US')} parameters`);

  // --- optimiser and weight average
  const adam = new AdamW(params, { weightDecay: cfg.weightDecay });
  const ema = new Ema(params, cfg.emaDecay);
  let step = 0;
  let wallBefore = 0;
  if (ckpt) {
    restoreGroup(ckpt, ckptPath, 'params', params);
    restoreGroup(ckpt, ckptPath, 'ema', ema.shadow);
    restoreGroup(ckpt, ckptPath, 'adam.m', adam.m);
    restoreGroup(ckpt, ckptPath, 'adam.v', adam.v);
    const s = ckpt.header.state as { adamT: number; emaUpdates: number; wallTimeSeconds: number };
    adam.t = s.adamT;
    ema.updates = s.emaUpdates;
    wallBefore = s.wallTimeSeconds;
    step = ckpt.header.step;
    await truncateMetrics(metricsPath, step);
    progress.log(`resumed from ${ckptPath} at step ${step}`);
  } else {
    await rm(metricsPath, { force: true });
  }
  if (step >= cfg.steps) progress.log(`already at step ${step} of ${cfg.steps}; nothing to train (raise --steps to continue)`);

  const batches = batchIterator(data, cfg.batchSize, cfg.seed, step);
  const micro = cfg.microBatch || cfg.batchSize;
  const samples: string[] = [];
  let loss = NaN;
  const t0 = performance.now();
  const stepStart = step;
  const elapsed = () => wallBefore + (performance.now() - t0) / 1000;

  const checkpoint = () =>
    saveCheckpoint(
      ckptPath,
      step,
      { recipe, config: cfg, adamT: adam.t, emaUpdates: ema.updates, wallTimeSeconds: elapsed(), backend: backend.name },
      { params, ema: ema.shadow, 'adam.m': adam.m, 'adam.v': adam.v },
    );
  const sampleGrid = async () => {
    const path = join(out, `samples-${String(step).padStart(6, '0')}.png`);
    const { images, n, cols } = await ema.withAveragedWeights(() => drawGrid(diffusion, cfg, data.channels));
    await writeImageGrid(path, images, [n, data.height, data.width, data.channels], { cols, scale: 2 });
    samples.push(path);
    progress.log(`samples: ${path}`);
  };

  // --- loop
  progress.start(step, cfg.steps);
  while (step < cfg.steps) {
    const batch = batches.next();
    // All randomness of a step comes from (seed, step): a resumed run replays it exactly.
    const rng = new Rng((cfg.seed ^ Math.imul(step + 1, 0x9e3779b1)) >>> 0);
    const grads = withHeapHint(() => accumulateGradients(diffusion, batch, micro, rng, varList, pathOf), micro, ckptPath);
    loss = grads.loss;
    if (!Number.isFinite(loss)) {
      disposeAll(grads.grads);
      progress.stop();
      throw new TrainingDivergedError(
        `loss became ${loss} at step ${step + 1}; the run stopped and kept its last good checkpoint (${ckptPath}). ` +
          `Try a lower --lr (now ${cfg.lr}) or --grad-clip, then --resume.`,
      );
    }
    const gradNorm = clipByGlobalNorm(grads.grads, cfg.gradClip);
    adam.step(grads.grads, learningRate(step, cfg));
    disposeAll(grads.grads);
    ema.update();
    step++;

    const sps = (step - stepStart) / ((performance.now() - t0) / 1000);
    progress.update({ step, total: cfg.steps, loss, stepsPerSecond: sps, etaSeconds: (cfg.steps - step) / sps });
    if (step % cfg.logEvery === 0 || step === cfg.steps) {
      const line = { step, loss, lr: learningRate(step - 1, cfg), gradNorm, stepsPerSecond: sps, seconds: elapsed(), tensors: tf.memory().numTensors };
      await appendFile(metricsPath, `${JSON.stringify(line)}\n`);
    }
    if (cfg.sampleEvery > 0 && step % cfg.sampleEvery === 0 && step < cfg.steps) await sampleGrid();
    const stopping = io.stopRequested?.() ?? false;
    if (step % cfg.checkpointEvery === 0 || step === cfg.steps || stopping) await checkpoint();
    if (stopping) {
      progress.stop();
      progress.log(`stopped at step ${step}; checkpoint ${ckptPath} (continue with --resume)`);
      return { step, finalLoss: loss, wallTimeSeconds: elapsed(), checkpoint: ckptPath, samples };
    }
  }
  progress.stop();
  await sampleGrid();

  // --- export (EMA weights)
  let exported: TrainResult['exported'];
  if (cfg.export) {
    const dir = resolve(cfg.export);
    const result = await ema.withAveragedWeights(() =>
      exportUNet({
        dir,
        name: basename(dir),
        diffusion,
        fp16: cfg.fp16,
        ...(data.classNames && { classNames: data.classNames }),
        training: {
          recipe,
          data: JSON.stringify(data.describe()),
          steps: step,
          wallTimeSeconds: Math.round(elapsed()),
          parameters: unet.parameterCount(),
          config: { ...cfg } as unknown as Record<string, unknown>,
        },
        metrics: { finalLoss: loss },
      }),
    );
    exported = { ...result, dir };
    progress.log(
      `exported ${join(dir, 'model.onnx')}: parity max abs error ${result.maxAbsError.toExponential(2)} (tolerance 1e-4)` +
        (result.fp16MaxAbsError !== undefined ? `, fp16 ${result.fp16MaxAbsError.toExponential(2)}` : '') +
        `; onnx.checker ${result.checker}`,
    );
  }
  return { step, finalLoss: loss, wallTimeSeconds: elapsed(), checkpoint: ckptPath, samples, ...(exported && { exported }) };
}

/**
 * The wasm32 heap stops at 4 GiB; past ~2 GiB some tfjs kernels fail with a bare RuntimeError.
 * Turn that into advice: the run keeps its last checkpoint and can resume with smaller passes.
 */
function withHeapHint<T>(fn: () => T, micro: number, ckptPath: string): T {
  try {
    return fn();
  } catch (err) {
    const msg = String((err as Error)?.message ?? err);
    if (err instanceof WebAssembly.RuntimeError || /memory access out of bounds|Aborted\(OOM\)|Out of memory/i.test(msg)) {
      throw new WebgenError(
        `the WebAssembly heap ran out of memory with ${micro} images per pass (${msg}). ` +
          `Use --micro-batch ${Math.max(1, Math.floor(micro / 2))} (gradients are accumulated, the result is the same) ` +
          `and --resume from ${ckptPath}.`,
      );
    }
    throw err;
  }
}

/** A grid of samples with fixed noise: one row per class for conditional models. */
async function drawGrid(diffusion: GaussianDiffusion, cfg: TrainConfig, _channels: number) {
  const K = diffusion.opts.numClasses;
  const rng = new Rng(cfg.seed + 7919);
  if (K === undefined) {
    const images = await diffusion.sample({ n: 36, steps: cfg.sampleSteps, rng });
    return { images, n: 36, cols: 6 };
  }
  const rows = Math.min(K, 10);
  const cols = Math.max(4, Math.min(8, Math.floor(64 / rows)));
  const labels = Int32Array.from({ length: rows * cols }, (_, i) => Math.floor(i / cols));
  const images = await diffusion.sample({ n: labels.length, steps: cfg.sampleSteps, rng, labels, guidanceScale: cfg.guidanceScale });
  return { images, n: labels.length, cols };
}

/** Creates `dir` and proves a file can be written there, so a run fails at once rather than at its first checkpoint. */
async function ensureWritableDir(dir: string, flag: string): Promise<void> {
  const probe = join(dir, `.webgen-write-test-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new OutputError(dir, `${flag} is not a writable folder (${e.code ?? e.message}); choose another path or fix its permissions`);
  }
}

/** Drops metric lines past the resumed step, so metrics.jsonl reads as one uninterrupted run. */
async function truncateMetrics(path: string, step: number): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return;
  }
  const kept = text.split('\n').filter((l) => l.trim() && (JSON.parse(l) as { step: number }).step <= step);
  await writeFile(path, kept.map((l) => `${l}\n`).join(''));
}
