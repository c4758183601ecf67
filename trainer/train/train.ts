/**
 * The diffusion training loop, top to bottom, on the run scaffold (trainer/run/training-run.ts: folder, resume,
 * backend, checkpoints, metrics, divergence, Ctrl-C): data, model, optimiser, the step (accumulate, clip, Adam, EMA),
 * samples, then export. Every number it uses comes from TrainConfig.
 */
import { gatherRows } from '../data/gather-rows.js';
import { writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Rng } from '../../sdk/random/rng.js';
import { WordTokenizer } from '../../sdk/text/tokenizer.js';
import { InvalidInputError } from '../../sdk/errors/invalid-input-error.js';
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
import { BASE_CONFIG } from '../recipes/base.js';
import type { TrainConfig } from '../recipes/train-config.js';
import { upgradeConfig } from '../recipes/upgrade-config.js';
import { validateConfig } from '../cli/parse-args.js';
import { compactNumber } from '../cli/compact-number.js';
import { learningRate } from './lr-schedule.js';
import { accumulateGradients, batchLoss, clipByGlobalNorm, disposeAll } from './gradients.js';
import type { ResumePolicy } from './resume-config.js';
import { withHeapHint } from '../run/heap-hint.js';
import { FrozenAutoencoder } from '../latent/frozen-autoencoder.js';
import { FrozenTextEncoder } from '../latent/frozen-text-encoder.js';
import { encodeLatentDataset } from '../latent/latent-dataset.js';
import { exportLatentDiffusion } from '../latent/export-latent-diffusion.js';
import { fitPreviewMap } from '../latent/preview-map.js';
import { stepRng } from '../run/step-rng.js';
import { RUN_CHECKPOINT_FILE, TrainingRun, type RunIo } from '../run/training-run.js';

export { TrainingDivergedError };

export interface TrainResult {
  step: number;
  finalLoss: number;
  wallTimeSeconds: number;
  checkpoint: string;
  samples: string[];
  exported?: ExportResult & { dir: string };
}

/** What train() reads besides the config: progress, the typed flags, Ctrl-C (trainer/run/training-run.ts). */
export type TrainIo = RunIo<TrainConfig>;

export const CHECKPOINT_FILE = RUN_CHECKPOINT_FILE;

/**
 * On --resume: what the checkpoint fixes (the tensors' shapes and meaning; the data, its hold-out split and the seed
 * that draws it, so held-out examples stay unseen) and what always comes from this command line. Everything else
 * (lr, warm-up, clipping, weight decay, EMA decay, batch size, logging, sampling) may be overridden by a flag.
 */
export const RESUME_POLICY: ResumePolicy<TrainConfig> = {
  fixed: [
    'data', 'holdOut', 'holdOutCombos', 'maxShapes', 'seed', 'model', 'conditioning', 'autoencoder', 'textModel',
    'textDim', 'textLayers', 'textHeads', 'textMaxLength', 'trainTimesteps', 'betaSchedule', 'prediction',
  ],
  fromCommandLine: ['steps', 'export', 'fp16', 'int8', 'resume', 'backend', 'threads', 'out'],
};

/**
 * Divergence (trainer/train/loss-watch.ts): NaN/±Infinity, or a loss 1000× its lowest running average (from step 2).
 * The floor: predicting zeros scores about 1 against unit-variance ε or v targets, so below 0.01 a ratio says little.
 */
const LOSS_WATCH = { factor: 1e3, warmup: 1, decay: 0.9, floor: 1e-2 };

export async function train(recipe: string, cfg: TrainConfig, io: TrainIo): Promise<TrainResult> {
  const { progress } = io;
  // --- run folder, resume (RESUME_POLICY), backend: trainer/run/training-run.ts
  const run = await TrainingRun.open({
    ...io,
    recipe,
    family: 'diffusion',
    cfg,
    policy: RESUME_POLICY,
    defaults: BASE_CONFIG,
    upgrade: (saved) => upgradeConfig(saved),
    // Overridden fields may now disagree with saved ones (--micro-batch against the saved --batch-size).
    validate: validateConfig,
    // Diffusion checkpoints written before the family was recorded: a U-Net model, and no GAN architecture.
    legacy: (state) => {
      const c = state.config as { model?: unknown; arch?: unknown } | undefined;
      return c?.model !== undefined && c.arch === undefined;
    },
  });
  cfg = run.cfg;

  // --- data
  const isShapes = /^shapes(:|$)/.test(cfg.data.trim() || 'shapes');
  const holdOutCombos = cfg.holdOutCombos.split(',').map((c) => c.trim()).filter(Boolean);
  if (holdOutCombos.length > 0 && !isShapes) throw new UsageError(`--hold-out-combos applies to the shapes data set only; --data is '${cfg.data}'`);
  const source = await openDataset(cfg.data, { seed: cfg.seed, shapes: { maxShapes: cfg.maxShapes, ...(holdOutCombos.length > 0 && { holdOutCombos }) } });
  const pixels = cfg.holdOut > 0 ? splitDataset(source, cfg.holdOut, cfg.seed).train : source;
  // Latent diffusion: the images as a frozen autoencoder's scaled latents, encoded once; text from a frozen CLIP.
  const latent = cfg.autoencoder ? await FrozenAutoencoder.open(cfg.autoencoder) : undefined;
  const frozenText = cfg.textModel ? await FrozenTextEncoder.open(cfg.textModel) : undefined;
  if (frozenText && cfg.conditioning !== 'text') throw new UsageError(`--text-model conditions on captions: it needs --conditioning text (now '${cfg.conditioning}')`);
  const data = latent ? await encodeLatentDataset(pixels, latent, (done, total) => done === total && progress.log(`latents: ${total} images encoded by ${latent.manifest.name}`)) : pixels;
  if (data.width !== data.height) throw new UsageError(`--data ${cfg.data}: the U-Net needs square images, got ${data.width}x${data.height}`);
  const numClasses = cfg.conditioning === 'class' ? data.numClasses : undefined;
  // Text: the vocabulary is the data set's words (the shapes' declared word list, or every caption's),
  // fixed at the start of the run and kept in the checkpoint.
  const saved = run.savedState<{ adamT: number; emaUpdates: number; vocab?: string[] }>();
  const jointText = cfg.conditioning === 'text' && !frozenText;
  const tokenizer = jointText ? buildTokenizer(data, cfg, isShapes, saved?.vocab) : frozenText?.tokenizer;
  // A frozen text encoder's states of every caption, [N, L, D], and of the empty prompt (the null condition).
  const contexts = frozenText ? await frozenText.encode(Array.from({ length: data.size }, (_, i) => data.get(i).caption ?? '')) : undefined;
  const nullContext = frozenText ? await frozenText.encode(['']) : undefined;
  progress.log(
    `data: ${data.name}, ${data.size} images ${data.width}x${data.height}x${data.channels}` +
      (numClasses ? `, ${numClasses} classes` : '') +
      (tokenizer ? `, captions (${tokenizer.vocabSize} tokens, ${tokenizer.maxLength} per prompt)` : '') +
      (holdOutCombos.length ? `; never drawn: ${holdOutCombos.join(', ')}` : ''),
  );

  // --- model
  const preset = UNET_PRESETS[cfg.model as keyof typeof UNET_PRESETS];
  if (!preset) throw new UsageError(`--model must be one of ${Object.keys(UNET_PRESETS).join(', ')}, got '${cfg.model}'`);
  const textEncoder = jointText && tokenizer
    ? new TextEncoderModel({ vocabSize: tokenizer.vocabSize, maxLength: tokenizer.maxLength, dim: cfg.textDim, layers: cfg.textLayers, heads: cfg.textHeads }, (cfg.seed ^ 0x7e47) >>> 0)
    : undefined;
  const unet = new UNet(
    {
      ...preset,
      imageSize: data.width,
      inChannels: data.channels,
      ...(numClasses !== undefined && { numClasses }),
      ...(textEncoder && { contextDim: cfg.textDim }),
      ...(frozenText && { contextDim: frozenText.dim }),
    },
    cfg.seed,
  );
  const diffusion = new GaussianDiffusion(unet, {
    ...(numClasses !== undefined && { numClasses }),
    ...(textEncoder && tokenizer && { textEncoder, padId: tokenizer.padId }),
    ...(frozenText && { frozenContext: { length: frozenText.length, dim: frozenText.dim, nullContext: nullContext! } }),
    condDropout: cfg.condDropout,
    trainTimesteps: cfg.trainTimesteps,
    betaSchedule: cfg.betaSchedule,
    prediction: cfg.prediction,
    // Latents are about unit-variance: clamping x_0 to [−1, 1] would flatten them.
    ...(latent && { clipSample: false }),
  });
  // U-Net paths as they are; the text encoder's under 'text_encoder.' (optimiser, EMA, checkpoint).
  const params = diffusion.namedVariables();
  const varList = [...params.values()];
  const pathOf = new Map(varList.map((v, i) => [v.name, [...params.keys()][i]!]));
  progress.log(
    `model: U-Net '${cfg.model}', ${unet.parameterCount().toLocaleString('en-US')} parameters` +
      (frozenText ? ` + frozen text encoder of ${frozenText.manifest.name} (${frozenText.length} tokens × ${frozenText.dim})` : '') +
      (latent ? ` on ${latent.latentShape.join('x')} latents of ${latent.manifest.name}` : '') +
      (textEncoder ? ` + text encoder ${textEncoder.parameterCount().toLocaleString('en-US')} (${cfg.textLayers} blocks, width ${cfg.textDim})` : ''),
  );

  // --- optimiser and weight average
  const adam = new AdamW(params, { weightDecay: cfg.weightDecay });
  const ema = new Ema(params, cfg.emaDecay);
  const groups = { params, ema: ema.shadow, 'adam.m': adam.m, 'adam.v': adam.v };
  run.restore(groups);
  if (saved) {
    adam.t = saved.adamT;
    ema.updates = saved.emaUpdates;
  }

  const micro = cfg.microBatch || cfg.batchSize;
  const batches = batchIterator(data, cfg.batchSize, cfg.seed, run.step);
  // Batch `drawn` with its captions tokenized (a text-conditioned run).
  const withTokens = (drawn: ReturnType<typeof batches.next>) =>
    contexts ? { ...drawn, context: gatherRows(contexts, drawn.indices, frozenText!.length * frozenText!.dim) } : tokenizer ? { ...drawn, tokens: tokenizeCaptions(tokenizer, drawn.captions!, drawn.indices, cfg.data) } : drawn;
  const samples: string[] = [];
  const prompts = tokenizer ? samplePrompts(cfg, data, tokenizer) : undefined;
  const sampleGrid = async (step: number) => {
    const path = join(run.out, `samples-${String(step).padStart(6, '0')}.png`);
    const grid = await ema.withAveragedWeights(() => drawGrid(diffusion, cfg, tokenizer, prompts, frozenText));
    const { n, cols } = grid;
    const images = latent ? await latent.decode(grid.images, n) : grid.images;
    await writeImageGrid(path, images, [n, pixels.height, pixels.width, pixels.channels], { cols, scale: latent ? 1 : 2, ...(pixels.channels === 4 && { alpha: 'checkerboard' as const }) });
    if (prompts) await writeFile(path.replace(/\.png$/, '.txt'), promptsCaption(prompts, holdOutCombos));
    samples.push(path);
    progress.log(`samples: ${path}`);
  };

  // --- loop (the scaffold's): accumulate, clip, Adam, EMA
  const result = await run.loop({
    groups,
    state: () => ({ adamT: adam.t, emaUpdates: ema.updates, ...(jointText && tokenizer && { vocab: [...tokenizer.vocab] }) }),
    watches: { loss: LOSS_WATCH },
    advice: `a lower --lr (now ${compactNumber(cfg.lr)})${cfg.gradClip > 0 ? ` or a lower --grad-clip (now ${compactNumber(cfg.gradClip)})` : ' or --grad-clip 1 (now off)'}`,
    step: (step) => {
      const batch = withTokens(batches.next());
      const grads = withHeapHint(() => accumulateGradients(diffusion, batch, micro, stepRng(cfg.seed, step), varList, pathOf), micro, run.ckptPath);
      const metrics: Record<string, number> = { lr: learningRate(step, cfg), gradNorm: NaN };
      return {
        losses: { loss: grads.loss },
        metrics,
        apply: () => {
          metrics.gradNorm = clipByGlobalNorm(grads.grads, cfg.gradClip);
          adam.step(grads.grads, learningRate(step, cfg));
          disposeAll(grads.grads);
          ema.update();
        },
        discard: () => disposeAll(grads.grads),
      };
    },
    // The loss of batch `step` of the seeded stream (its own iterator: nothing is consumed), with that step's noise.
    measure: (step) => {
      const batch = withTokens(batchIterator(data, cfg.batchSize, cfg.seed, step).next());
      return { loss: withHeapHint(() => batchLoss(diffusion, batch, micro, stepRng(cfg.seed, step)), micro, run.ckptPath) };
    },
    sample: sampleGrid,
  });
  const loss = result.losses.loss!;
  if (result.stopped) return { step: result.step, finalLoss: loss, wallTimeSeconds: run.elapsed(), checkpoint: run.ckptPath, samples };
  await sampleGrid(result.step);

  // --- export (EMA weights)
  const trainingRecord = () => ({
    recipe,
    data: JSON.stringify(data.describe()),
    steps: result.step,
    wallTimeSeconds: Math.round(run.elapsed()),
    parameters: diffusion.parameterCount(),
    config: { ...cfg } as unknown as Record<string, unknown>,
  });
  let exported: TrainResult['exported'];
  if (cfg.export && latent) {
    const dir = resolve(cfg.export);
    const previewMap = await fitLatentPreview(data, latent);
    const done = await ema.withAveragedWeights(() =>
      exportLatentDiffusion({ dir, name: basename(dir), diffusion, autoencoder: latent, ...(frozenText && { textEncoder: frozenText }), previewMap, fp16: cfg.fp16, int8: cfg.int8, training: trainingRecord(), metrics: { finalLoss: loss } }),
    );
    exported = { ...done, dir };
    progress.log(`exported ${dir}: U-Net parity max abs error ${done.byFile.unet!.toExponential(2)} (tolerance 1e-4)${done.fp16MaxAbsError !== undefined ? `; float16 ${done.fp16MaxAbsError.toExponential(2)}` : ''}; frozen parts copied from ${latent.manifest.name}${frozenText ? ` and ${frozenText.manifest.name}` : ''}; onnx.checker ${done.checker}`);
  } else if (cfg.export) {
    const dir = resolve(cfg.export);
    const done = await ema.withAveragedWeights(() =>
      exportUNet({
        dir,
        name: basename(dir),
        diffusion,
        fp16: cfg.fp16,
        int8: cfg.int8,
        ...(numClasses !== undefined && data.classNames && { classNames: data.classNames }),
        ...(frozenText ? { frozenText } : tokenizer && { tokenizer: tokenizer.toManifest() }),
        training: trainingRecord(),
        metrics: { finalLoss: loss },
      }),
    );
    exported = { ...done, dir };
    progress.log(
      `exported ${join(dir, 'model.onnx')}${textEncoder ? ' and text_encoder.onnx' : frozenText ? ` and the text encoder of ${frozenText.manifest.name} (copied)` : ''}: parity max abs error ${done.maxAbsError.toExponential(2)} (tolerance 1e-4)` +
        (done.fp16MaxAbsError !== undefined ? `; model.fp16.onnx ${done.fp16MaxAbsError.toExponential(2)} (tolerance 1e-2)` : '') +
        (done.int8MaxAbsError !== undefined ? `; model.int8.onnx ${done.int8MaxAbsError.toExponential(2)} (tolerance 5e-2)` : '') +
        `; onnx.checker ${done.checker}`,
    );
  }
  return { step: result.step, finalLoss: loss, wallTimeSeconds: run.elapsed(), checkpoint: run.ckptPath, samples, ...(exported && { exported }) };
}

/**
 * A grid of samples with fixed noise: one row per class for class-conditional models, one row per
 * prompt for text-conditioned ones.
 */
async function drawGrid(diffusion: GaussianDiffusion, cfg: TrainConfig, tokenizer?: WordTokenizer, prompts?: string[], frozenText?: FrozenTextEncoder) {
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
  if (frozenText && prompts) {
    const rowsContext = await frozenText.encode(prompts);
    const context = gatherRows(rowsContext, Int32Array.from({ length: n }, (_, i) => rowOf(i)), frozenText.length * frozenText.dim);
    const images = await diffusion.sample({ n, steps: cfg.sampleSteps, rng, context, guidanceScale });
    return { images, n, cols };
  }
  if (tokenizer && prompts) {
    const tokens = tokenizer.encodeBatch(Array.from({ length: n }, (_, i) => prompts[rowOf(i)]!));
    const images = await diffusion.sample({ n, steps: cfg.sampleSteps, rng, tokens, guidanceScale });
    return { images, n, cols };
  }
  const labels = Int32Array.from({ length: n }, (_, i) => rowOf(i));
  const images = await diffusion.sample({ n, steps: cfg.sampleSteps, rng, labels, guidanceScale });
  return { images, n, cols };
}

/** The preview map of a latent model, fitted on (up to) 256 training latents and their decodings. */
async function fitLatentPreview(data: Dataset, latent: FrozenAutoencoder): Promise<number[][]> {
  const n = Math.min(256, data.size);
  const [c, h, w] = latent.latentShape;
  const latents = new Float32Array(n * c * h * w);
  for (let i = 0; i < n; i++) latents.set(data.get(Math.floor((i * data.size) / n)).image, i * c * h * w);
  const images = await latent.decode(latents, n);
  const { channels, height, width } = latent.manifest.image;
  return fitPreviewMap(latents, images, n, [c, h, w], [channels, height, width]);
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
