/**
 * A tiny CLIP for the SDK's tests: the clip-smoke recipe's architecture (16×16 ViT, d_e 8, 12 words), random weights
 * (seed 3), its vocabulary the captions of the committed emoji fixture (tests/fixtures/emoji, 38 image–caption pairs),
 * exported by the trainer's own exporter (trainer/clip/export-clip.ts: parity-checked, float16 variants). Returns the
 * tfjs model beside the folder, and the fixture as the trainer reads it (16×16 RGB in [-1, 1]) and as an app would
 * hand it to the SDK (64×64 RGBA bytes), in the same order.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { RgbaImage } from '../../sdk/types.js';
import type { WordTokenizer } from '../../sdk/text/tokenizer.js';
import { CLIP_BASE_CONFIG, CLIP_RECIPES, type ClipConfig } from '../../trainer/clip/clip-config.js';
import { ClipModel } from '../../trainer/clip/clip-model.js';
import { clipTokenizer, datasetCaptions } from '../../trainer/clip/clip-text.js';
import { exportClip } from '../../trainer/clip/export-clip.js';
import { clipModelConfig } from '../../trainer/clip/train-clip.js';
import { fixedImages } from '../../trainer/data/dataset.js';
import { loadEmojiDataset } from '../../trainer/data/emoji/emoji-dataset.js';
import { REPO_ROOT } from './run-cli.js';

export interface SmokeClip {
  dir: string;
  cfg: ClipConfig;
  model: ClipModel;
  tokenizer: WordTokenizer;
  /** The fixture's captions, cut to the tokenizer's maxLength words. */
  captions: string[];
  /** The fixture as the trainer's data: [n, 16, 16, 3] in [-1, 1]. */
  images: Float32Array;
  /** The same emoji as their 64×64 RGBA PNGs decode. */
  rgba: RgbaImage[];
}

export const EMOJI_FIXTURE = join(REPO_ROOT, 'tests', 'fixtures', 'emoji');

/** Exports the smoke CLIP into `dir` (tfjs on its CPU backend). */
export async function exportSmokeClip(dir: string): Promise<SmokeClip> {
  await tf.setBackend('cpu');
  const cfg: ClipConfig = { ...CLIP_BASE_CONFIG, ...CLIP_RECIPES['clip-smoke']!.config };
  const data = loadEmojiDataset({ dir: EMOJI_FIXTURE, part: 'all', width: cfg.imageSize, channels: 3 });
  const raw = loadEmojiDataset({ dir: EMOJI_FIXTURE, part: 'all', channels: 4 });
  const captions = datasetCaptions(data, cfg.textMaxLength, 'emoji fixture');
  const tokenizer = clipTokenizer(captions, cfg.textMaxLength);
  const model = new ClipModel(clipModelConfig(cfg, tokenizer.vocabSize, tokenizer.padId), 3);
  const images = fixedImages(data, data.size);
  const training = { recipe: 'clip-smoke', data: 'tests/fixtures/emoji (random weights: an SDK test fixture)', steps: 0, wallTimeSeconds: 0, parameters: 0, config: {} };
  await exportClip({ dir, model, tokenizer, imageEncoder: 'vit', fp16: true, parityImages: images.slice(0, 2 * cfg.imageSize * cfg.imageSize * 3), parityCaptions: captions.slice(0, 2), training, name: 'clip-smoke' });
  // [-1, 1] back to the PNG's bytes (v = b / 127.5 − 1 exactly inverts).
  const rgba = Array.from({ length: raw.size }, (_, i) => ({ width: 64, height: 64, data: Uint8ClampedArray.from(raw.get(i).image, (v) => Math.round((v + 1) * 127.5)) }));
  return { dir, cfg, model, tokenizer, captions, images, rgba };
}
