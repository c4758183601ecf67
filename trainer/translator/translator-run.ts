/**
 * What the two emoji translators' trainings share (pix2pix: train-translator.ts, CycleGAN: train-cyclegan.ts): the
 * emoji pairs of the split's training part and of its held-out concepts, the generator and its optimisers on the run
 * scaffold, the sample grid, the held-out L1 against the paired ground truth, and the checks of the shared flags.
 */
import * as tf from '@tensorflow/tfjs';
import { parseWidths } from '../autoencoder/autoencoder-config.js';
import type { Progress } from '../cli/progress.js';
import type { Dataset } from '../data/dataset.js';
import { loadEmojiPairs, type EmojiPairs } from '../data/emoji/emoji-pairs.js';
import { defaultEmojiDir, ensureEmojiPackages, type EmojiStyle } from '../data/emoji/packages.js';
import { UsageError } from '../errors/usage-error.js';
import { writeImageGrid } from '../image/image-grid.js';
import { UnetTranslator } from '../models/pix2pix-unet.js';
import { AdamW } from '../optim/adamw.js';
import type { RunConfig, TrainingRun } from '../run/training-run.js';
import type { TensorGroups } from '../train/checkpoint.js';
import type { TranslatorDirection } from './translator-config.js';

/** GAN losses swing (G's adversarial term grows while D wins): the GAN family's wide factor, a floor of 1. */
export const TRANSLATOR_LOSS_WATCH = { factor: 1e4, warmup: 1, decay: 0.9, floor: 1 };

/** Columns of the sample grid. */
export const GRID_COLUMNS = 8;

/** The emoji styles of a direction. */
export function directionStyles(direction: TranslatorDirection): { from: EmojiStyle; to: EmojiStyle; fromWord: string; toWord: string } {
  return direction === 'noto-to-twemoji'
    ? { from: 'google', to: 'twitter', fromWord: 'noto', toWord: 'twemoji' }
    : { from: 'twitter', to: 'google', fromWord: 'twemoji', toWord: 'noto' };
}

/** The training pairs and the held-out concepts' pairs (undefined when the split has none) of one direction. */
export async function loadTranslatorPairs(direction: TranslatorDirection, imageSize: number, progress: Progress): Promise<{ train: EmojiPairs; heldOut: EmojiPairs | undefined }> {
  const dir = defaultEmojiDir();
  await ensureEmojiPackages(dir, (line) => progress.log(line));
  const styles = directionStyles(direction);
  const load = (part: 'train' | 'held-out-concept') => loadEmojiPairs({ dir, part, from: styles.from, to: styles.to, width: imageSize, seed: 0 });
  const train = load('train');
  try {
    return { train, heldOut: load('held-out-concept') };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return { train, heldOut: undefined };
  }
}

/** A flat [n, S, S, C] stack of `ds`'s images as a tensor. */
export const tensorOf = (images: Float32Array, ds: Dataset): tf.Tensor4D => tf.tensor4d(images, [images.length / (ds.width * ds.height * ds.channels), ds.height, ds.width, ds.channels]);

/** The images of `ds` at `indices`, stacked [B, S, S, C] (a paired target of a source batch: its indices). */
export function imagesAt(ds: Dataset, indices: Int32Array): Float32Array {
  const px = ds.width * ds.height * ds.channels;
  const out = new Float32Array(indices.length * px);
  indices.forEach((idx, b) => out.set(ds.get(idx).image, b * px));
  return out;
}

/** The U-Net generator of the shared architecture flags. */
export function buildGenerator(cfg: { imageSize: number; widths: string }, channels: number, seed: number): UnetTranslator {
  return new UnetTranslator({ imageSize: cfg.imageSize, channels, widths: parseWidths(cfg.widths) }, seed);
}

/**
 * The Adam of the generator side and of the discriminator side, their moments as checkpoint groups beside the
 * weights ('g', 'd', 'g.adam.m', …), restored from the run's checkpoint on --resume with their step counters.
 */
export function translatorOptimisers(
  run: Pick<TrainingRun<RunConfig>, 'restore' | 'savedState'>,
  gParams: Map<string, tf.Variable>,
  dParams: Map<string, tf.Variable>,
  betas: { beta1: number; beta2: number },
): { adamG: AdamW; adamD: AdamW; groups: TensorGroups; state(): { adamGT: number; adamDT: number } } {
  const adamG = new AdamW(gParams, betas);
  const adamD = new AdamW(dParams, betas);
  const groups = { g: gParams, d: dParams, 'g.adam.m': adamG.m, 'g.adam.v': adamG.v, 'd.adam.m': adamD.m, 'd.adam.v': adamD.v };
  run.restore(groups);
  const saved = run.savedState<{ adamGT: number; adamDT: number }>();
  if (saved) {
    adamG.t = saved.adamGT;
    adamD.t = saved.adamDT;
  }
  return { adamG, adamD, groups, state: () => ({ adamGT: adamG.t, adamDT: adamD.t }) };
}

/** Writes rows of n images each (flat [n, S, S, C] stacks) as one grid, n columns, ×2. */
export async function writeRowsGrid(path: string, rows: Float32Array[], size: number, channels: number): Promise<void> {
  const n = rows[0]!.length / (size * size * channels);
  const all = new Float32Array(rows.length * rows[0]!.length);
  rows.forEach((r, i) => all.set(r, i * r.length));
  await writeImageGrid(path, all, [rows.length * n, size, size, channels], { cols: n, scale: 2 });
}

/** Mean |y − G(x)| over every pair (in [-1, 1] units), in batches. */
export function pairsL1(G: { apply(x: tf.Tensor4D): tf.Tensor4D }, pairs: EmojiPairs, batchSize: number): number {
  let sum = 0;
  const n = pairs.source.size;
  for (let start = 0; start < n; start += batchSize) {
    const idx = Int32Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
    const x = imagesAt(pairs.source, idx);
    const y = imagesAt(pairs.target, idx);
    sum += tf.tidy(() => tf.sum(tf.abs(tf.sub(tensorOf(y, pairs.target), G.apply(tensorOf(x, pairs.source))))).dataSync()[0]!);
  }
  return sum / (n * pairs.source.width * pairs.source.height * pairs.source.channels);
}

/** Throws UsageError, naming the flag, on architecture and optimiser values both translators refuse. */
export function checkTranslatorShared(cfg: { imageSize: number; widths: string; beta1: number; beta2: number; jitter: number }): void {
  let widths: number[];
  try {
    widths = parseWidths(cfg.widths);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (!(Number.isInteger(cfg.imageSize) && cfg.imageSize >= 8 && cfg.imageSize <= 64)) throw new UsageError(`--image-size must be an integer in [8, 64] (the emoji are 64x64), got ${cfg.imageSize}`);
  if (cfg.imageSize % 2 ** widths.length !== 0) throw new UsageError(`--image-size ${cfg.imageSize} must be divisible by 2^${widths.length} (--widths '${cfg.widths}' halves it ${widths.length} times); use fewer widths`);
  if (!(cfg.beta1 >= 0 && cfg.beta1 < 1)) throw new UsageError(`--beta1 must be in [0, 1), got ${cfg.beta1}`);
  if (!(cfg.beta2 > 0 && cfg.beta2 < 1)) throw new UsageError(`--beta2 must be in (0, 1), got ${cfg.beta2}`);
  if (!(Number.isInteger(cfg.jitter) && cfg.jitter >= 0 && cfg.jitter <= cfg.imageSize / 2)) {
    throw new UsageError(`--jitter must be an integer number of pixels in [0, ${cfg.imageSize / 2}] (the paper's 256 → 286 is 8 at 64 px; 0 = off), got ${cfg.jitter}`);
  }
}
