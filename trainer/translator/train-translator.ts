/**
 * Training pix2pix (Isola et al. 2017) on paired emoji, on the run scaffold: the models, their steps and the sample
 * grid are here; the folder, resume, checkpoints, metrics, divergence and Ctrl-C are trainer/run/training-run.ts's.
 * Pairs come from the emoji split's training part only, so the held-out concepts are never trained on; the sample
 * grid and the final held-out L1 are measured on them.
 */
import { basename, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { batchIterator, fixedImages, type Dataset } from '../data/dataset.js';
import { loadEmojiPairs, type EmojiPairs } from '../data/emoji/emoji-pairs.js';
import { defaultEmojiDir, ensureEmojiPackages, type EmojiStyle } from '../data/emoji/packages.js';
import { UsageError } from '../errors/usage-error.js';
import { writeImageGrid } from '../image/image-grid.js';
import { PatchDiscriminator } from '../models/patch-discriminator.js';
import { UnetTranslator } from '../models/pix2pix-unet.js';
import { AdamW } from '../optim/adamw.js';
import { compactNumber } from '../cli/compact-number.js';
import { parseWidths } from '../autoencoder/autoencoder-config.js';
import type { ResumePolicy } from '../train/resume-config.js';
import { TrainingRun, type RunIo } from '../run/training-run.js';
import { TRANSLATOR_BASE_CONFIG, TRANSLATOR_DIRECTIONS, type TranslatorConfig, type TranslatorDirection } from './translator-config.js';
import { discriminatorStep, generatorStep, pix2pixLosses, type Pix2PixParts } from './pix2pix-step.js';
import { exportTranslator, type ExportTranslatorResult } from './export-translator.js';

export interface TranslatorTrainResult {
  step: number;
  losses: Record<string, number>;
  /** Mean |y − G(x)| over the held-out concepts' pairs (in [-1, 1] units); undefined when the split has none. */
  heldOutL1?: number;
  wallTimeSeconds: number;
  checkpoint: string;
  samples: string[];
  exported?: ExportTranslatorResult & { dir: string };
}

/** On --resume the checkpoint fixes the architecture, the data and its direction; training settings may change. */
export const TRANSLATOR_RESUME_POLICY: ResumePolicy<TranslatorConfig> = {
  fixed: ['direction', 'imageSize', 'widths', 'dWidth', 'dLayers', 'seed'],
  fromCommandLine: ['steps', 'export', 'resume', 'backend', 'threads', 'out'],
};

/** GAN losses swing (G's adversarial term grows while D wins): the GAN family's wide factor, a floor of 1. */
const LOSS_WATCH = { factor: 1e4, warmup: 1, decay: 0.9, floor: 1 };

/** Columns of the sample grid: held-out pairs shown as source, translation, target rows. */
const GRID_PAIRS = 8;

/** The emoji styles of a direction. */
export function directionStyles(direction: TranslatorDirection): { from: EmojiStyle; to: EmojiStyle; fromWord: string; toWord: string } {
  return direction === 'noto-to-twemoji'
    ? { from: 'google', to: 'twitter', fromWord: 'noto', toWord: 'twemoji' }
    : { from: 'twitter', to: 'google', fromWord: 'twemoji', toWord: 'noto' };
}

const tensorOf = (images: Float32Array, ds: Dataset): tf.Tensor4D => tf.tensor4d(images, [images.length / (ds.width * ds.height * ds.channels), ds.height, ds.width, ds.channels]);

/** Target images of the pairs a source batch drew (its indices), stacked like the batch. */
function targetsOf(pairs: EmojiPairs, indices: Int32Array): Float32Array {
  const px = pairs.target.width * pairs.target.height * pairs.target.channels;
  const out = new Float32Array(indices.length * px);
  indices.forEach((idx, b) => out.set(pairs.target.get(idx).image, b * px));
  return out;
}

export async function trainTranslator(recipe: string, cfg: TranslatorConfig, io: RunIo<TranslatorConfig>): Promise<TranslatorTrainResult> {
  checkTranslatorConfig(cfg);
  const run = await TrainingRun.open({ ...io, recipe, family: 'translator', cfg, policy: TRANSLATOR_RESUME_POLICY, defaults: TRANSLATOR_BASE_CONFIG, validate: checkTranslatorConfig });
  cfg = run.cfg;
  const { progress } = io;

  // --- data: training pairs; the held-out concepts' pairs for samples and the final L1
  const dir = defaultEmojiDir();
  await ensureEmojiPackages(dir, (line) => progress.log(line));
  const styles = directionStyles(cfg.direction);
  const load = (part: 'train' | 'held-out-concept') => loadEmojiPairs({ dir, part, from: styles.from, to: styles.to, width: cfg.imageSize, seed: 0 });
  const train = load('train');
  let heldOut: EmojiPairs | undefined;
  try {
    heldOut = load('held-out-concept');
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
  }
  progress.log(`data: emoji pairs ${styles.fromWord} → ${styles.toWord}, ${train.source.size} training pairs ${cfg.imageSize}x${cfg.imageSize}x4; ${heldOut?.source.size ?? 0} held-out-concept pairs`);

  // --- models
  const C = train.source.channels;
  const G = new UnetTranslator({ imageSize: cfg.imageSize, channels: C, widths: parseWidths(cfg.widths) }, cfg.seed);
  const D = new PatchDiscriminator({ channels: C, width: cfg.dWidth, layers: cfg.dLayers }, cfg.seed + 1);
  const gParams = G.namedVariables();
  const dParams = D.namedVariables();
  progress.log(
    `model: pix2pix, U-Net G (${cfg.widths}) ${G.parameterCount().toLocaleString('en-US')} parameters, PatchGAN D ${D.parameterCount().toLocaleString('en-US')} ` +
      `(${D.receptiveField}x${D.receptiveField} receptive field), instance norm; L1 λ ${compactNumber(cfg.l1Weight)}, lr ${compactNumber(cfg.lr)}`,
  );

  // --- optimisers
  const adamG = new AdamW(gParams, { beta1: cfg.beta1, beta2: cfg.beta2 });
  const adamD = new AdamW(dParams, { beta1: cfg.beta1, beta2: cfg.beta2 });
  const groups = { g: gParams, d: dParams, 'g.adam.m': adamG.m, 'g.adam.v': adamG.v, 'd.adam.m': adamD.m, 'd.adam.v': adamD.v };
  run.restore(groups);
  const saved = run.savedState<{ adamGT: number; adamDT: number }>();
  if (saved) {
    adamG.t = saved.adamGT;
    adamD.t = saved.adamDT;
  }
  const parts: Pix2PixParts = { G, D, gParams, dParams, adamG, adamD, l1Weight: cfg.l1Weight, lr: cfg.lr };

  const batches = batchIterator(train.source, cfg.batchSize, cfg.seed, run.step);
  const gridSet = heldOut ?? train;
  const samples: string[] = [];
  const sample = async (step: number) => {
    const path = join(run.out, `samples-${String(step).padStart(6, '0')}.png`);
    const x = fixedImages(gridSet.source, GRID_PAIRS);
    const y = fixedImages(gridSet.target, GRID_PAIRS);
    const fake = tf.tidy(() => G.apply(tensorOf(x, gridSet.source)).dataSync() as Float32Array);
    const n = x.length / (cfg.imageSize * cfg.imageSize * C);
    const all = new Float32Array(3 * x.length);
    all.set(x);
    all.set(fake, x.length);
    all.set(y, 2 * x.length);
    await writeImageGrid(path, all, [3 * n, cfg.imageSize, cfg.imageSize, C], { cols: n, scale: 2 });
    samples.push(path);
    progress.log(`samples: ${path} (rows: ${heldOut ? 'held-out' : 'training'} ${styles.fromWord}, translated, ${styles.toWord})`);
  };
  const batchAt = (source: Float32Array, indices: Int32Array) => ({ x: tensorOf(source, train.source), y: tensorOf(targetsOf(train, indices), train.target) });

  // --- loop (the scaffold's): one D-step, then one G-step through the updated D
  const result = await run.loop({
    groups,
    state: () => ({ adamGT: adamG.t, adamDT: adamD.t }),
    watches: { dLoss: LOSS_WATCH, gLoss: LOSS_WATCH },
    advice: `a lower --lr (now ${compactNumber(cfg.lr)})`,
    updatesWhileMeasuring: true,
    step: () => {
      const b = batches.next();
      const { x, y } = batchAt(b.images, b.indices);
      const dLoss = discriminatorStep(parts, x, y);
      const g = generatorStep(parts, x, y);
      x.dispose();
      y.dispose();
      return { losses: { dLoss, gLoss: g.loss }, metrics: { gAdv: g.adv, l1: g.l1 }, apply: () => undefined, discard: () => undefined };
    },
    measure: (step) => {
      const b = batchIterator(train.source, cfg.batchSize, cfg.seed, step).next();
      const { x, y } = batchAt(b.images, b.indices);
      const now = pix2pixLosses(parts, x, y);
      x.dispose();
      y.dispose();
      return { dLoss: now.dLoss, gLoss: now.gLoss };
    },
    sample,
  });
  if (!result.stopped) await sample(result.step);

  const heldOutL1 = heldOut ? meanL1(G, heldOut, cfg.batchSize) : undefined;
  if (heldOutL1 !== undefined) progress.log(`held-out L1 (mean |target − translation| over ${heldOut!.source.size} held-out-concept pairs, [-1, 1] units): ${heldOutL1.toFixed(4)}`);

  let exported: TranslatorTrainResult['exported'];
  if (cfg.export && !result.stopped) {
    const out = resolve(cfg.export);
    const r = await exportTranslator({
      dir: out, name: basename(out), G, source: styles.fromWord, target: styles.toWord, parityImages: fixedImages(gridSet.source, 2),
      training: {
        recipe, data: JSON.stringify(train.source.describe()), steps: result.step, wallTimeSeconds: Math.round(run.elapsed()),
        parameters: G.parameterCount(), config: { ...cfg } as unknown as Record<string, unknown>,
      },
      metrics: { finalDLoss: result.losses.dLoss!, finalGLoss: result.losses.gLoss!, ...(heldOutL1 !== undefined && { heldOutL1 }), discriminatorParameters: D.parameterCount() },
    });
    exported = { ...r, dir: out };
    progress.log(`exported ${join(out, 'model.onnx')}: parity max abs error ${r.maxAbsError.toExponential(2)} (tolerance 1e-4); onnx.checker ${r.checker}`);
  }
  return { step: result.step, losses: result.losses, ...(heldOutL1 !== undefined && { heldOutL1 }), wallTimeSeconds: run.elapsed(), checkpoint: run.ckptPath, samples, ...(exported && { exported }) };
}

/** Mean |y − G(x)| over every pair, in batches. */
function meanL1(G: UnetTranslator, pairs: EmojiPairs, batchSize: number): number {
  let sum = 0;
  const n = pairs.source.size;
  for (let start = 0; start < n; start += batchSize) {
    const idx = Int32Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
    const px = pairs.source.width * pairs.source.height * pairs.source.channels;
    const x = new Float32Array(idx.length * px);
    idx.forEach((i, b) => x.set(pairs.source.get(i).image, b * px));
    const y = targetsOf(pairs, idx);
    sum += tf.tidy(() => tf.sum(tf.abs(tf.sub(tensorOf(y, pairs.target), G.apply(tensorOf(x, pairs.source))))).dataSync()[0]!);
  }
  return sum / (n * pairs.source.width * pairs.source.height * pairs.source.channels);
}

/** Throws UsageError on values the models or the loss cannot use, naming the flag. */
export function checkTranslatorConfig(cfg: TranslatorConfig): void {
  if (!TRANSLATOR_DIRECTIONS.includes(cfg.direction)) throw new UsageError(`--direction must be one of ${TRANSLATOR_DIRECTIONS.join(', ')}, got '${String(cfg.direction)}'`);
  let widths: number[];
  try {
    widths = parseWidths(cfg.widths);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (!(Number.isInteger(cfg.imageSize) && cfg.imageSize >= 8 && cfg.imageSize <= 64)) throw new UsageError(`--image-size must be an integer in [8, 64] (the emoji are 64x64), got ${cfg.imageSize}`);
  if (cfg.imageSize % 2 ** widths.length !== 0) throw new UsageError(`--image-size ${cfg.imageSize} must be divisible by 2^${widths.length} (--widths '${cfg.widths}' halves it ${widths.length} times); use fewer widths`);
  if (!(cfg.l1Weight >= 0)) throw new UsageError(`--l1-weight must be >= 0 (the paper: 100), got ${cfg.l1Weight}`);
  if (!(cfg.beta1 >= 0 && cfg.beta1 < 1)) throw new UsageError(`--beta1 must be in [0, 1), got ${cfg.beta1}`);
  if (!(cfg.beta2 > 0 && cfg.beta2 < 1)) throw new UsageError(`--beta2 must be in (0, 1), got ${cfg.beta2}`);
}
