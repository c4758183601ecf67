/**
 * Training CLIP on the run scaffold: data (image–caption pairs of the training split, augmented), model (two towers,
 * projections, temperature), optimiser (AdamW, weight decay on kernels and tables only), loop (step, log, checkpoint;
 * the folder, resume, metrics, divergence and Ctrl-C are trainer/run/training-run.ts's). With --export, the two
 * encoders and a manifest of kind 'clip' (export-clip.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../sdk/random/rng.js';
import { parseWidths } from '../autoencoder/autoencoder-config.js';
import { compactNumber } from '../cli/compact-number.js';
import { batchIterator, fixedImages, type Dataset } from '../data/dataset.js';
import { openDataset } from '../data/open-dataset.js';
import { UsageError } from '../errors/usage-error.js';
import { AdamW } from '../optim/adamw.js';
import { stepRng } from '../run/step-rng.js';
import { TrainingRun, type RunIo } from '../run/training-run.js';
import { clipByGlobalNorm, disposeAll } from '../train/gradients.js';
import { learningRate } from '../train/lr-schedule.js';
import type { ResumePolicy } from '../train/resume-config.js';
import { randomZoomShift } from './augment.js';
import { CLIP_BASE_CONFIG, type ClipConfig } from './clip-config.js';
import { ClipModel, type ClipModelConfig } from './clip-model.js';
import { captionWords, clipTokenizer, datasetCaptions, unknownWordCount } from './clip-text.js';
import { inBatchAccuracy } from './contrastive-loss.js';
import { exportClip, type ExportClipResult } from './export-clip.js';

export interface ClipTrainResult {
  step: number;
  losses: Record<string, number>;
  /** exp(t) at the end. */
  logitScale: number;
  wallTimeSeconds: number;
  checkpoint: string;
  /** CLIP writes no sample grids; the run summary's shape. */
  samples: string[];
  exported?: ExportClipResult & { dir: string };
}

/** On --resume the checkpoint fixes the architecture, the data (hence the vocabulary) and the seed. */
export const CLIP_RESUME_POLICY: ResumePolicy<ClipConfig> = {
  fixed: ['data', 'seed', 'imageSize', 'imageEncoder', 'patch', 'vitDim', 'vitDepth', 'vitHeads', 'cnnWidths', 'cnnGroups', 'textDim', 'textLayers', 'textHeads', 'textMaxLength', 'embedDim'],
  fromCommandLine: ['steps', 'export', 'fp16', 'resume', 'backend', 'threads', 'out'],
};

/** The loss starts near log(batch) and stays positive; a jump 100× above its best (floored at 0.1) is divergence. */
const CLIP_LOSS_WATCH = { factor: 100, warmup: 1, decay: 0.9, floor: 0.1 };

/** RGB over white: the SDK's pixel rule for a 3-channel model (sdk/image/pixels.ts). */
const CHANNELS = 3;

export async function trainClip(recipe: string, cfg: ClipConfig, io: RunIo<ClipConfig>): Promise<ClipTrainResult> {
  checkClipConfig(cfg);
  const run = await TrainingRun.open({ ...io, recipe, family: 'clip', cfg, policy: CLIP_RESUME_POLICY, defaults: CLIP_BASE_CONFIG, validate: checkClipConfig });
  cfg = run.cfg;
  const { progress } = io;

  // --- data: the training split's pairs; the vocabulary is the training captions' words ---
  const data = await openDataset(cfg.data, { seed: cfg.seed, width: cfg.imageSize, channels: CHANNELS });
  if (data.width !== cfg.imageSize || data.height !== cfg.imageSize) throw new UsageError(`--data ${cfg.data}: CLIP needs square ${cfg.imageSize}x${cfg.imageSize} images, got ${data.width}x${data.height}`);
  if (data.size < cfg.batchSize) throw new UsageError(`--batch-size ${cfg.batchSize} is larger than the data set (${data.size} pairs); the batch's other pairs are the negatives`);
  const captions = datasetCaptions(data, cfg.textMaxLength, cfg.data);
  const tokenizer = clipTokenizer(captions, cfg.textMaxLength);
  progress.log(`data: ${data.name}, ${data.size} image–caption pairs ${data.width}x${data.height}x${data.channels}; vocabulary ${tokenizer.vocabSize} tokens`);
  const held = await heldOutCaptions(cfg);
  if (held) {
    const u = unknownWordCount(tokenizer, held.captions);
    progress.log(`${held.part}: ${u.unknown} of ${u.words} caption words unknown to the vocabulary (${((100 * u.unknown) / Math.max(1, u.words)).toFixed(1)}%, read as <unk>)`);
  }

  // --- model ---
  const model = new ClipModel(clipModelConfig(cfg, tokenizer.vocabSize, tokenizer.padId), cfg.seed);
  const params = model.namedVariables();
  const varList = [...params.values()];
  const pathOf = new Map([...params].map(([path, v]) => [v.name, path]));
  progress.log(
    `model: ${cfg.imageEncoder === 'vit' ? `ViT (patch ${cfg.patch}, ${cfg.vitDepth} blocks, width ${cfg.vitDim})` : `CNN (widths ${cfg.cnnWidths})`} ` +
      `${model.image.parameterCount().toLocaleString('en-US')} + text ${model.text.parameterCount().toLocaleString('en-US')} (${cfg.textLayers} blocks, width ${cfg.textDim}) ` +
      `→ d_e ${cfg.embedDim}; ${model.parameterCount().toLocaleString('en-US')} parameters`,
  );

  // --- optimiser: weight decay on kernels and embedding tables, none on gains, biases, positions or t ---
  const decayed = (path: string) => /\.(kernel|table)$/.test(path);
  const adamDecay = new AdamW(new Map([...params].filter(([p]) => decayed(p))), { weightDecay: cfg.weightDecay });
  const adamRest = new AdamW(new Map([...params].filter(([p]) => !decayed(p))));
  const adamM = new Map([...adamDecay.m, ...adamRest.m]);
  const adamV = new Map([...adamDecay.v, ...adamRest.v]);
  run.restore({ params, 'adam.m': adamM, 'adam.v': adamV });
  const saved = run.savedState<{ adamT: number }>();
  if (saved) adamDecay.t = adamRest.t = saved.adamT;

  // --- loop ---
  const S = cfg.imageSize;
  const B = cfg.batchSize;
  const batches = batchIterator(data, B, cfg.seed, run.step);
  const aug = { shift: cfg.augShift, scale: cfg.augScale };
  const lossOf = (step: number, batch: { images: Float32Array; captions?: string[] }) => {
    const images = Float32Array.from(batch.images);
    randomZoomShift(images, B, S, CHANNELS, aug, stepRng(cfg.seed, step));
    const ids = tokenizer.encodeBatch(batch.captions!.map((c) => captionWords(c, cfg.textMaxLength)));
    return model.loss(tf.tensor4d(images, [B, S, S, CHANNELS]), tf.tensor2d(ids, [B, cfg.textMaxLength], 'int32'));
  };

  const result = await run.loop({
    groups: { params, 'adam.m': adamM, 'adam.v': adamV },
    state: () => ({ adamT: adamDecay.t }),
    watches: { loss: CLIP_LOSS_WATCH },
    advice: `a lower --lr (now ${compactNumber(cfg.lr)})${cfg.gradClip > 0 ? ` or a lower --grad-clip (now ${compactNumber(cfg.gradClip)})` : ' or --grad-clip 1 (now off)'}`,
    step: (step) => {
      const batch = batches.next();
      // variableGrads keeps only the loss: the figures are read inside it.
      let metrics: Record<string, number> = {};
      const { value, grads } = tf.variableGrads(() => {
        const t = lossOf(step, batch);
        const acc = inBatchAccuracy(t.logits);
        metrics = {
          imageToText: t.imageToText.dataSync()[0]!, textToImage: t.textToImage.dataSync()[0]!, logitScale: model.logitScale(),
          accImageToText: acc.imageToText, accTextToImage: acc.textToImage, lr: learningRate(step, cfg),
        };
        return t.loss;
      }, varList);
      const loss = value.dataSync()[0]!;
      value.dispose();
      const byPath = new Map(Object.entries(grads).map(([name, g]) => [pathOf.get(name)!, g]));
      return {
        losses: { loss },
        metrics,
        apply: () => {
          metrics.gradNorm = clipByGlobalNorm(byPath, cfg.gradClip);
          const lr = learningRate(step, cfg);
          adamDecay.step(byPath, lr);
          adamRest.step(byPath, lr);
          model.clampLogScale();
          disposeAll(byPath);
        },
        discard: () => disposeAll(byPath),
      };
    },
    measure: (step) => tf.tidy(() => ({ loss: lossOf(step, batchIterator(data, B, cfg.seed, step).next()).loss.dataSync()[0]! })),
  });
  const logitScale = model.logitScale();
  progress.log(`logit scale exp(t) = ${logitScale.toFixed(2)} (temperature ${(1 / logitScale).toFixed(4)})`);

  let exported: ClipTrainResult['exported'];
  if (cfg.export) {
    const dir = cfg.export;
    const r = await exportClip({
      dir, model, tokenizer, fp16: cfg.fp16, imageEncoder: cfg.imageEncoder,
      parityImages: fixedImages(data, 2), parityCaptions: [captions[0]!, captions[Math.floor(captions.length / 2)]!, ''],
      training: {
        recipe, data: JSON.stringify(data.describe()), steps: result.step, wallTimeSeconds: Math.round(run.elapsed()),
        parameters: model.parameterCount(), config: { ...cfg } as unknown as Record<string, unknown>,
      },
      metrics: { finalLoss: result.losses.loss! },
    });
    exported = { ...r, dir };
    progress.log(`exported ${dir}: image-encoder.onnx + text-encoder.onnx, parity max abs error ${r.maxAbsError.toExponential(2)}; onnx.checker ${r.checker}`);
  }
  return { step: result.step, losses: result.losses, logitScale, wallTimeSeconds: run.elapsed(), checkpoint: run.ckptPath, samples: [], ...(exported && { exported }) };
}

/** The model's shape from a config and the tokenizer's size. */
export function clipModelConfig(cfg: ClipConfig, vocabSize: number, padId: number): ClipModelConfig {
  const base = { imageSize: cfg.imageSize, channels: CHANNELS };
  return {
    image: cfg.imageEncoder === 'vit'
      ? { kind: 'vit', ...base, patch: cfg.patch, dim: cfg.vitDim, depth: cfg.vitDepth, heads: cfg.vitHeads }
      : { kind: 'cnn', ...base, widths: parseWidths(cfg.cnnWidths, '--cnn-widths'), groups: cfg.cnnGroups },
    text: { vocabSize, maxLength: cfg.textMaxLength, dim: cfg.textDim, layers: cfg.textLayers, heads: cfg.textHeads },
    embedDim: cfg.embedDim,
    padId,
  };
}

/** The captions of the held-out concepts, when the data is the emoji training part (for the unknown-word count). */
async function heldOutCaptions(cfg: ClipConfig): Promise<{ part: string; captions: string[] } | undefined> {
  if (cfg.data !== 'emoji' && cfg.data !== 'emoji:train') return undefined;
  const held: Dataset = await openDataset('emoji:held-out-concept', { seed: cfg.seed, width: cfg.imageSize, channels: CHANNELS });
  if (held.size === 0) return undefined;
  return { part: `held-out concepts (${held.size} images)`, captions: datasetCaptions(held, cfg.textMaxLength, 'emoji:held-out-concept') };
}

/** Throws UsageError on values the model or the loss cannot use (the command line checks integer ranges). */
export function checkClipConfig(cfg: ClipConfig): void {
  if (cfg.imageEncoder !== 'vit' && cfg.imageEncoder !== 'cnn') throw new UsageError(`--image-encoder must be vit or cnn, got '${String(cfg.imageEncoder)}'`);
  const divides = (a: number, b: number, fa: string, fb: string) => {
    if (b % a !== 0) throw new UsageError(`${fa} ${a} must divide ${fb} ${b}`);
  };
  if (cfg.imageEncoder === 'vit') {
    divides(cfg.patch, cfg.imageSize, '--patch', '--image-size');
    divides(cfg.vitHeads, cfg.vitDim, '--vit-heads', '--vit-dim');
  } else {
    let widths: number[];
    try {
      widths = parseWidths(cfg.cnnWidths, '--cnn-widths');
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    divides(4, cfg.imageSize, 'the CNN stem', '--image-size');
    for (const w of widths) divides(cfg.cnnGroups, w, '--cnn-groups', 'a --cnn-widths entry');
  }
  divides(cfg.textHeads, cfg.textDim, '--text-heads', '--text-dim');
  if (!(cfg.augShift >= 0 && cfg.augShift < 0.5)) throw new UsageError(`--aug-shift must be in [0, 0.5), got ${cfg.augShift}`);
  if (!(cfg.augScale >= 0 && cfg.augScale < 1)) throw new UsageError(`--aug-scale must be in [0, 1), got ${cfg.augScale}`);
  if (!(cfg.batchSize >= 2)) throw new UsageError(`--batch-size must be at least 2 (the other pairs of a batch are its negatives), got ${cfg.batchSize}`);
  if (!(cfg.weightDecay >= 0)) throw new UsageError(`--weight-decay must be >= 0, got ${cfg.weightDecay}`);
}
