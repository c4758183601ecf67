/**
 * The diffusion training loop, top to bottom: backend, data, model, optimiser, resume, then the
 * loop (step, log, sample, checkpoint), then export. Every number it uses comes from TrainConfig.
 */
import { appendFile, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../sdk/random/rng.js';
import { WordTokenizer } from '../../sdk/text/tokenizer.js';
import { InvalidInputError } from '../../sdk/errors/invalid-input-error.js';
import { selectBackend, type BackendChoice } from '../backend/select-backend.js';
import { openDataset } from '../data/open-dataset.js';
import { batchIterator, splitDataset, type Dataset } from '../data/dataset.js';
import { CAPTION_WORDS } from '../data/shapes.js';
import { DataError } from '../errors/data-error.js';
import { GaussianDiffusion } from '../diffusion/gaussian-diffusion.js';
import { exportUNet, type ExportResult } from '../diffusion/export-unet.js';
import { TrainingDivergedError } from '../errors/training-diverged-error.js';
import { UsageError } from '../errors/usage-error.js';
import { writeImageGrid } from '../image/image-grid.js';
import { TextEncoderModel } from '../models/text-encoder.js';
import { UNet } from '../models/unet.js';
import { UNET_PRESETS } from '../models/unet-presets.js';
import { AdamW } from '../optim/adamw.js';
import { Ema } from '../optim/ema.js';
import type { TrainConfig } from '../recipes/train-config.js';
import { upgradeConfig } from '../recipes/upgrade-config.js';
import type { Progress } from '../cli/progress.js';
import { validateConfig } from '../cli/parse-args.js';
import { removeStaleTempFiles } from '../io/atomic-write.js';
import { compactNumber } from '../cli/compact-number.js';
import { loadCheckpoint, restoreGroup, saveCheckpoint } from './checkpoint.js';
import { divergenceMessage } from './divergence-message.js';
import { learningRate } from './lr-schedule.js';
import { accumulateGradients, batchLoss, clipByGlobalNorm, disposeAll } from './gradients.js';
import { LossWatch, type LossWatchState } from './loss-watch.js';
import { resumeConfig, type ResumePolicy } from './resume-config.js';
import { withHeapHint } from '../run/heap-hint.js';
import { ensureWritableDir, metricOf, truncateMetrics } from '../run/run-folder.js';
import { stepRng } from '../run/step-rng.js';

export { TrainingDivergedError };

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
  /** The flags typed on the command line (parsed): on --resume they override the checkpoint's config. */
  explicit?: Partial<TrainConfig>;
  /** Set to true (e.g. on SIGINT) to stop after the current step with a checkpoint. */
  stopRequested?: () => boolean;
}

export const CHECKPOINT_FILE = 'checkpoint.wgck';

/**
 * On --resume: what the checkpoint fixes (the tensors' shapes and meaning; the data, its hold-out split and the seed
 * that draws it, so held-out examples stay unseen) and what always comes from this command line. Everything else
 * (lr, warm-up, clipping, weight decay, EMA decay, batch size, logging, sampling) may be overridden by a flag.
 */
export const RESUME_POLICY: ResumePolicy<TrainConfig> = {
  fixed: [
    'data', 'holdOut', 'holdOutCombos', 'maxShapes', 'seed', 'model', 'conditioning',
    'textDim', 'textLayers', 'textHeads', 'textMaxLength', 'trainTimesteps', 'betaSchedule', 'prediction',
  ],
  fromCommandLine: ['steps', 'export', 'fp16', 'resume', 'backend', 'threads', 'out'],
};

/**
 * Divergence (trainer/train/loss-watch.ts): NaN/±Infinity, or a loss 1000× its lowest running average (from step 2).
 * The floor: predicting zeros scores about 1 against unit-variance ε or v targets, so below 0.01 a ratio says little.
 */
const LOSS_WATCH = { factor: 1e3, warmup: 1, decay: 0.9, floor: 1e-2 };

export async function train(recipe: string, cfg: TrainConfig, io: TrainIo): Promise<TrainResult> {
  const { progress } = io;
  const out = resolve(cfg.out);
  await ensureWritableDir(out, '--out');
  if (cfg.export) await ensureWritableDir(resolve(cfg.export), '--export');
  const ckptPath = join(out, CHECKPOINT_FILE);
  const metricsPath = join(out, 'metrics.jsonl');

  // A checkpoint write killed mid-way (SIGKILL, power cut) leaves its temporary file; this run owns the folder.
  for (const name of await removeStaleTempFiles(ckptPath)) progress.log(`removed ${join(out, name)}, a checkpoint write that never finished`);

  // --- resume: the checkpoint's config, with the flags typed now laid over it (RESUME_POLICY).
  const ckpt = cfg.resume ? await loadCheckpoint(ckptPath) : undefined;
  const earlierCheckpoint = !ckpt && (await stat(ckptPath).then(() => true, () => false));
  if (ckpt) {
    const saved = upgradeConfig(ckpt.header.state.config as Record<string, unknown>);
    const resumed = resumeConfig(saved, cfg, io.explicit ?? {}, RESUME_POLICY, ckptPath);
    cfg = resumed.config;
    // Overridden fields may now disagree with saved ones (--micro-batch against the saved --batch-size).
    validateConfig(cfg);
    for (const note of resumed.notes) progress.log(note);
  }

  // --- backend
  const backend = await selectBackend({
    prefer: cfg.backend as BackendChoice,
    threads: cfg.threads === 0 ? Math.min(8, availableParallelism()) : cfg.threads,
    log: (line) => progress.log(line),
  });

  // --- data
  const isShapes = /^shapes(:|$)/.test(cfg.data.trim() || 'shapes');
  const holdOutCombos = cfg.holdOutCombos.split(',').map((c) => c.trim()).filter(Boolean);
  if (holdOutCombos.length > 0 && !isShapes) throw new UsageError(`--hold-out-combos applies to the shapes data set only; --data is '${cfg.data}'`);
  const source = await openDataset(cfg.data, { seed: cfg.seed, shapes: { maxShapes: cfg.maxShapes, ...(holdOutCombos.length > 0 && { holdOutCombos }) } });
  const data = cfg.holdOut > 0 ? splitDataset(source, cfg.holdOut, cfg.seed).train : source;
  if (data.width !== data.height) throw new UsageError(`--data ${cfg.data}: the U-Net needs square images, got ${data.width}x${data.height}`);
  const numClasses = cfg.conditioning === 'class' ? data.numClasses : undefined;
  // Text: the vocabulary is the data set's words (the shapes' declared word list, or every caption's),
  // fixed at the start of the run and kept in the checkpoint.
  const savedVocab = ckpt?.header.state.vocab as string[] | undefined;
  const tokenizer = cfg.conditioning === 'text' ? buildTokenizer(data, cfg, isShapes, savedVocab) : undefined;
  progress.log(
    `data: ${data.name}, ${data.size} images ${data.width}x${data.height}x${data.channels}` +
      (numClasses ? `, ${numClasses} classes` : '') +
      (tokenizer ? `, captions (${tokenizer.vocabSize} tokens, ${tokenizer.maxLength} per prompt)` : '') +
      (holdOutCombos.length ? `; never drawn: ${holdOutCombos.join(', ')}` : ''),
  );

  // --- model
  const preset = UNET_PRESETS[cfg.model as keyof typeof UNET_PRESETS];
  if (!preset) throw new UsageError(`--model must be one of ${Object.keys(UNET_PRESETS).join(', ')}, got '${cfg.model}'`);
  const textEncoder = tokenizer
    ? new TextEncoderModel({ vocabSize: tokenizer.vocabSize, maxLength: tokenizer.maxLength, dim: cfg.textDim, layers: cfg.textLayers, heads: cfg.textHeads }, (cfg.seed ^ 0x7e47) >>> 0)
    : undefined;
  const unet = new UNet(
    {
      ...preset,
      imageSize: data.width,
      inChannels: data.channels,
      ...(numClasses !== undefined && { numClasses }),
      ...(textEncoder && { contextDim: cfg.textDim }),
    },
    cfg.seed,
  );
  const diffusion = new GaussianDiffusion(unet, {
    ...(numClasses !== undefined && { numClasses }),
    ...(textEncoder && tokenizer && { textEncoder, padId: tokenizer.padId }),
    condDropout: cfg.condDropout,
    trainTimesteps: cfg.trainTimesteps,
    betaSchedule: cfg.betaSchedule,
    prediction: cfg.prediction,
  });
  // U-Net paths as they are; the text encoder's under 'text_encoder.' (optimiser, EMA, checkpoint).
  const params = diffusion.namedVariables();
  const varList = [...params.values()];
  const pathOf = new Map(varList.map((v, i) => [v.name, [...params.keys()][i]!]));
  progress.log(
    `model: U-Net '${cfg.model}', ${unet.parameterCount().toLocaleString('en-US')} parameters` +
      (textEncoder ? ` + text encoder ${textEncoder.parameterCount().toLocaleString('en-US')} (${cfg.textLayers} blocks, width ${cfg.textDim})` : ''),
  );

  // --- optimiser and weight average
  const adam = new AdamW(params, { weightDecay: cfg.weightDecay });
  const ema = new Ema(params, cfg.emaDecay);
  let step = 0;
  let wallBefore = 0;
  let resumedLoss = NaN;
  let watch = new LossWatch(LOSS_WATCH);
  if (ckpt) {
    restoreGroup(ckpt, ckptPath, 'params', params);
    restoreGroup(ckpt, ckptPath, 'ema', ema.shadow);
    restoreGroup(ckpt, ckptPath, 'adam.m', adam.m);
    restoreGroup(ckpt, ckptPath, 'adam.v', adam.v);
    const s = ckpt.header.state as { adamT: number; emaUpdates: number; wallTimeSeconds: number; lossWatch?: LossWatchState };
    // Checkpoints from before the watch have none: it warms up again.
    watch = new LossWatch(LOSS_WATCH, s.lossWatch);
    adam.t = s.adamT;
    ema.updates = s.emaUpdates;
    wallBefore = s.wallTimeSeconds;
    step = ckpt.header.step;
    resumedLoss = metricOf(await truncateMetrics(metricsPath, step), 'loss');
    progress.log(`resumed from ${ckptPath} at step ${step}`);
  } else {
    await rm(metricsPath, { force: true });
  }
  if (step >= cfg.steps) progress.log(`already at step ${step} of ${cfg.steps}; nothing to train (raise --steps to continue)`);

  const batches = batchIterator(data, cfg.batchSize, cfg.seed, step);
  const micro = cfg.microBatch || cfg.batchSize;
  const samples: string[] = [];
  let loss = resumedLoss;
  const t0 = performance.now();
  const stepStart = step;
  const elapsed = () => wallBefore + (performance.now() - t0) / 1000;

  // The last checkpoint on disk that belongs to this run (or the one it resumed).
  let lastSaved = ckpt?.header.step;
  const checkpoint = async () => {
    await saveCheckpoint(
      ckptPath,
      step,
      {
        recipe,
        config: cfg,
        adamT: adam.t,
        emaUpdates: ema.updates,
        wallTimeSeconds: elapsed(),
        backend: backend.name,
        lossWatch: watch.state(),
        ...(tokenizer && { vocab: [...tokenizer.vocab] }),
      },
      { params, ema: ema.shadow, 'adam.m': adam.m, 'adam.v': adam.v },
    );
    lastSaved = step;
  };
  // Throws when `loss` (of the weights after `step` updates, measured at step + 1) shows a diverged run.
  const judge = (loss: number) => {
    const reason = watch.judge(loss);
    if (reason === undefined) return;
    progress.stop();
    throw new TrainingDivergedError(
      divergenceMessage({
        reason, step: step + 1, lastSaved, ckptPath, earlierCheckpoint,
        advice: `a lower --lr (now ${compactNumber(cfg.lr)})${cfg.gradClip > 0 ? ` or a lower --grad-clip (now ${compactNumber(cfg.gradClip)})` : ' or --grad-clip 1 (now off)'}`,
      }),
    );
  };
  // A checkpoint of the current weights is written only once their loss has passed judge: the next step's loss, or
  // at the end (and on Ctrl-C) the loss of the batch that step would draw.
  let checkpointDue = false;
  const verifyAndCheckpoint = async () => {
    const next = batches.next();
    const batch = tokenizer ? { ...next, tokens: tokenizeCaptions(tokenizer, next.captions!, next.indices, cfg.data) } : next;
    judge(withHeapHint(() => batchLoss(diffusion, batch, micro, stepRng(cfg.seed, step)), micro, ckptPath));
    await checkpoint();
    checkpointDue = false;
  };
  const prompts = tokenizer ? samplePrompts(cfg, data, tokenizer) : undefined;
  const sampleGrid = async () => {
    const path = join(out, `samples-${String(step).padStart(6, '0')}.png`);
    const { images, n, cols } = await ema.withAveragedWeights(() => drawGrid(diffusion, cfg, tokenizer, prompts));
    await writeImageGrid(path, images, [n, data.height, data.width, data.channels], { cols, scale: 2 });
    if (prompts) await writeFile(path.replace(/\.png$/, '.txt'), promptsCaption(prompts, holdOutCombos));
    samples.push(path);
    progress.log(`samples: ${path}`);
  };

  // --- loop
  progress.start(step, cfg.steps);
  while (step < cfg.steps) {
    const drawn = batches.next();
    const batch = tokenizer ? { ...drawn, tokens: tokenizeCaptions(tokenizer, drawn.captions!, drawn.indices, cfg.data) } : drawn;
    const grads = withHeapHint(() => accumulateGradients(diffusion, batch, micro, stepRng(cfg.seed, step), varList, pathOf), micro, ckptPath);
    loss = grads.loss;
    try {
      judge(loss);
    } catch (err) {
      disposeAll(grads.grads);
      throw err;
    }
    // This loss measured the weights as they are now: a checkpoint due at the last step can be written.
    if (checkpointDue) {
      await checkpoint();
      checkpointDue = false;
    }
    watch.observe(loss);
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
    if (step % cfg.checkpointEvery === 0 || step === cfg.steps || stopping) checkpointDue = true;
    if (stopping) {
      await verifyAndCheckpoint();
      progress.stop();
      progress.log(`stopped at step ${step}; checkpoint ${ckptPath} (continue with --resume)`);
      return { step, finalLoss: loss, wallTimeSeconds: elapsed(), checkpoint: ckptPath, samples };
    }
  }
  if (checkpointDue) await verifyAndCheckpoint();
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
        ...(numClasses !== undefined && data.classNames && { classNames: data.classNames }),
        ...(tokenizer && { tokenizer: tokenizer.toManifest() }),
        training: {
          recipe,
          data: JSON.stringify(data.describe()),
          steps: step,
          wallTimeSeconds: Math.round(elapsed()),
          parameters: diffusion.parameterCount(),
          config: { ...cfg } as unknown as Record<string, unknown>,
        },
        metrics: { finalLoss: loss },
      }),
    );
    exported = { ...result, dir };
    progress.log(
      `exported ${join(dir, 'model.onnx')}${textEncoder ? ' and text_encoder.onnx' : ''}: parity max abs error ${result.maxAbsError.toExponential(2)} (tolerance 1e-4)` +
        (result.fp16MaxAbsError !== undefined ? `; model.fp16.onnx ${result.fp16MaxAbsError.toExponential(2)} (tolerance 1e-2)` : '') +
        `; onnx.checker ${result.checker}`,
    );
  }
  return { step, finalLoss: loss, wallTimeSeconds: elapsed(), checkpoint: ckptPath, samples, ...(exported && { exported }) };
}

/**
 * A grid of samples with fixed noise: one row per class for class-conditional models, one row per
 * prompt for text-conditioned ones.
 */
async function drawGrid(diffusion: GaussianDiffusion, cfg: TrainConfig, tokenizer?: WordTokenizer, prompts?: string[]) {
  const K = diffusion.opts.numClasses;
  const rng = new Rng(cfg.seed + 7919);
  const rows = tokenizer && prompts ? prompts.length : K !== undefined ? Math.min(K, 10) : 0;
  if (rows === 0) {
    const images = await diffusion.sample({ n: 36, steps: cfg.sampleSteps, rng });
    return { images, n: 36, cols: 6 };
  }
  const cols = Math.max(4, Math.min(8, Math.floor(64 / rows)));
  const n = rows * cols;
  const rowOf = (i: number) => Math.floor(i / cols);
  const guidanceScale = cfg.guidanceScale;
  if (tokenizer && prompts) {
    const tokens = tokenizer.encodeBatch(Array.from({ length: n }, (_, i) => prompts[rowOf(i)]!));
    const images = await diffusion.sample({ n, steps: cfg.sampleSteps, rng, tokens, guidanceScale });
    return { images, n, cols };
  }
  const labels = Int32Array.from({ length: n }, (_, i) => rowOf(i));
  const images = await diffusion.sample({ n, steps: cfg.sampleSteps, rng, labels, guidanceScale });
  return { images, n, cols };
}

/** The tokenizer of a text-conditioned run: `vocab` when resuming, else the data set's words. */
function buildTokenizer(data: Dataset, cfg: TrainConfig, isShapes: boolean, vocab?: string[]): WordTokenizer {
  if (data.size === 0 || data.get(0).caption === undefined) {
    throw new UsageError(`--conditioning text needs captions; --data '${cfg.data}' has none (use shapes, or a folder with captions.jsonl)`);
  }
  if (vocab) return WordTokenizer.fromManifest({ kind: 'word', vocab, maxLength: cfg.textMaxLength, padId: 0, unknownId: 1, lowercase: true });
  if (isShapes) return WordTokenizer.fromWords(CAPTION_WORDS, { maxLength: cfg.textMaxLength });
  const captions = Array.from({ length: data.size }, (_, i) => data.get(i).caption ?? '');
  return WordTokenizer.fromTexts(captions, { maxLength: cfg.textMaxLength });
}

/** [B, L] token ids of a batch's captions; a caption past --text-max-length is a DataError naming it. */
function tokenizeCaptions(tokenizer: WordTokenizer, captions: string[], indices: Int32Array, spec: string): Int32Array {
  try {
    return tokenizer.encodeBatch(captions);
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    const i = Number(/\[(\d+)\]/.exec(err.message)?.[1] ?? 0);
    throw new DataError(
      spec,
      `the caption of example ${indices[i]} ("${captions[i]}") ${err.message.replace(/^'[^']*' /, '')}; raise --text-max-length` +
        (/^shapes/.test(spec) ? ' or lower --max-shapes' : ''),
    );
  }
}

/** The prompts of the sample grids: --sample-prompts, or the data set's first 8 distinct captions. */
function samplePrompts(cfg: TrainConfig, data: Dataset, tokenizer: WordTokenizer): string[] {
  const given = cfg.samplePrompts.split(';').map((p) => p.trim()).filter(Boolean);
  const prompts: string[] = given.slice(0, 10);
  for (let i = 0; prompts.length < 8 && given.length === 0 && i < Math.min(data.size, 1000); i++) {
    const c = data.get(i).caption ?? '';
    if (c && !prompts.includes(c)) prompts.push(c);
  }
  prompts.forEach((p, i) => {
    try {
      tokenizer.encode(p, `--sample-prompts[${i}]`);
    } catch (err) {
      throw new UsageError(`${(err as Error).message}; raise --text-max-length or shorten it`);
    }
  });
  return prompts;
}

/** samples-NNNNNN.txt: the prompt of each grid row, marking colour–shape pairs never trained on. */
function promptsCaption(prompts: string[], heldOut: string[]): string {
  return prompts
    .map((p, i) => {
      const unseen = heldOut.filter((c) => p.toLowerCase().includes(c.toLowerCase()));
      return `row ${i + 1}: ${p}${unseen.length ? `   [held out of training: ${unseen.join(', ')}]` : ''}\n`;
    })
    .join('');
}
