/**
 * The ViT image encoder's class-token attention as a picture (issue 19, kept for the explainability issue): per
 * held-out image one row — the image, then for each head of the last block the image dimmed where the class token
 * does not look (its attention over the patches, scaled to the row's largest weight, upsampled with the SDK's
 * filter), then the mean over heads. The model comes from the run's checkpoint (the exported ONNX graph does not
 * output attention).
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { resizePixels } from '../../sdk/image/resize.js';
import type { Dataset } from '../data/dataset.js';
import { UsageError } from '../errors/usage-error.js';
import { writeImageGrid } from '../image/image-grid.js';
import { loadCheckpoint, restoreGroup } from '../train/checkpoint.js';
import { CLIP_BASE_CONFIG, type ClipConfig } from './clip-config.js';
import { ClipModel } from './clip-model.js';
import { VitImageEncoder } from './image-encoder.js';
import { clipModelConfig } from './train-clip.js';

/** The tfjs CLIP of a run folder's checkpoint.wgck (its config and weights). */
export async function loadClipRun(runDir: string): Promise<{ model: ClipModel; cfg: ClipConfig; step: number }> {
  // a few forward passes: tfjs' plain CPU backend (always there) is enough, and needs no wasm set-up
  await tf.setBackend('cpu');
  const path = join(runDir, 'checkpoint.wgck');
  const ckpt = await loadCheckpoint(path);
  const state = ckpt.header.state as { family?: string; config?: Partial<ClipConfig> };
  if (state.family !== 'clip') throw new UsageError(`${path} is a '${String(state.family)}' run, not a CLIP run`);
  const cfg = { ...CLIP_BASE_CONFIG, ...state.config } as ClipConfig;
  const table = ckpt.header.tensors.find((t) => t.group === 'params' && t.name === 'text.token_embedding.table');
  if (!table) throw new UsageError(`${path} has no text.token_embedding.table: not a CLIP checkpoint this trainer wrote`);
  const model = new ClipModel(clipModelConfig(cfg, table.shape[0]!, 0), cfg.seed);
  restoreGroup(ckpt, path, 'params', model.namedVariables());
  return { model, cfg, step: ckpt.header.step };
}

/** [depth, n, heads, L] class-token attention of the first `n` images of `data` (at the model's size, RGB). */
export function classAttentionOf(model: ClipModel, data: Dataset, indices: readonly number[]): { maps: Float32Array; shape: [number, number, number, number]; images: Float32Array } {
  if (!(model.image instanceof VitImageEncoder)) throw new UsageError('attention pictures need the ViT image encoder (this run has the CNN)');
  const { width: S, channels: C } = data;
  const images = new Float32Array(indices.length * S * S * C);
  indices.forEach((idx, i) => images.set(data.get(idx).image, i * S * S * C));
  const vit = model.image;
  const t = tf.tidy(() => vit.classAttention(tf.tensor4d(images, [indices.length, S, S, C])));
  const maps = Float32Array.from(t.dataSync());
  const shape = t.shape as [number, number, number, number];
  t.dispose();
  return { maps, shape, images };
}

/** Writes the picture (see the module comment) of the last block's heads to `path`. */
export async function writeAttentionPicture(path: string, model: ClipModel, data: Dataset, indices: readonly number[]): Promise<{ heads: number; rows: number }> {
  const { maps, shape, images } = classAttentionOf(model, data, indices);
  const [depth, n, heads, L] = shape;
  const grid = Math.round(Math.sqrt(L));
  const { width: S, channels: C } = data;
  const per = S * S * 3;
  const cols = heads + 2;
  const out = new Float32Array(n * cols * per);
  const last = (depth - 1) * n * heads * L;
  for (let i = 0; i < n; i++) {
    const img = images.subarray(i * S * S * C, (i + 1) * S * S * C);
    const rgb = (k: number, p: number) => (C === 1 ? img[p]! : img[p * C + k]!);
    const mean = new Float32Array(L);
    const panel = (col: number, weights: Float32Array) => {
      let max = 0;
      for (const w of weights) max = Math.max(max, w);
      const up = resizePixels(weights.map((w) => w / (max || 1)), grid, grid, 1, S, S);
      const o = (i * cols + col) * per;
      for (let p = 0; p < S * S; p++) {
        const a = Math.min(1, Math.max(0, up[p]!));
        // dim towards black where the class token does not look
        for (let k = 0; k < 3; k++) out[o + p * 3 + k] = (rgb(k, p) + 1) * a - 1;
      }
    };
    for (let p = 0; p < S * S; p++) for (let k = 0; k < 3; k++) out[i * cols * per + p * 3 + k] = rgb(k, p);
    for (let hd = 0; hd < heads; hd++) {
      const w = maps.slice(last + (i * heads + hd) * L, last + (i * heads + hd + 1) * L);
      w.forEach((v, l) => (mean[l]! += v / heads));
      panel(1 + hd, w);
    }
    panel(1 + heads, mean);
  }
  await writeImageGrid(path, out, [n * cols, S, S, 3], { cols, scale: 2, padValue: 200 });
  return { heads, rows: n };
}
