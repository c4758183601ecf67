import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { classAttentionOf, loadClipRun, writeAttentionPicture } from '../trainer/clip/attention-picture.js';
import { loadEmojiDataset } from '../trainer/data/emoji/emoji-dataset.js';
import { UsageError } from '../trainer/errors/usage-error.js';
import { saveCheckpoint } from '../trainer/train/checkpoint.js';
import { EMOJI_FIXTURE } from './helpers/clip-smoke.js';
import { runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'webgen-clip-attention-'));
const run = join(tmp, 'run');

beforeAll(async () => {
  await tf.setBackend('cpu');
  const r = await runCli(['clip', 'clip-smoke', '--backend', 'wasm', '--steps', '2', '--out', run]);
  expect(r.code, r.stderr).toBe(0);
}, 180_000);

describe('the ViT class-token attention', () => {
  it('loads a run\'s checkpoint and gives [depth, n, heads, patches] weights that sum to at most 1 per head', async () => {
    const { model, cfg, step } = await loadClipRun(run);
    expect(step).toBe(2);
    const data = loadEmojiDataset({ dir: EMOJI_FIXTURE, part: 'all', width: cfg.imageSize, channels: 3 });
    const { maps, shape } = classAttentionOf(model, data, [0, 1, 2]);
    const L = (cfg.imageSize / cfg.patch) ** 2;
    expect(shape).toEqual([cfg.vitDepth, 3, cfg.vitHeads, L]);
    for (let r = 0; r < shape[0] * shape[1] * shape[2]; r++) {
      const row = maps.subarray(r * L, (r + 1) * L);
      const sum = row.reduce((a, b) => a + b, 0);
      // the rest of the class token's attention is on itself
      expect(sum).toBeGreaterThan(0);
      expect(sum).toBeLessThanOrEqual(1 + 1e-5);
      expect(Math.min(...row)).toBeGreaterThanOrEqual(0);
    }
    const path = join(tmp, 'attention.png');
    expect(await writeAttentionPicture(path, model, data, [0, 1])).toEqual({ heads: cfg.vitHeads, rows: 2 });
    const png = readFileSync(path);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    model.dispose();
  });

  it('refuses a folder without a checkpoint, and another family\'s checkpoint', async () => {
    await expect(loadClipRun(join(tmp, 'nowhere'))).rejects.toThrow(/checkpoint\.wgck/);
    const other = join(tmp, 'other');
    mkdirSync(other);
    await saveCheckpoint(join(other, 'checkpoint.wgck'), 1, { family: 'gan', config: {} }, { params: new Map([['w', tf.zeros([2])]]) });
    await expect(loadClipRun(other)).rejects.toThrow(UsageError);
    await expect(loadClipRun(other)).rejects.toThrow(/a 'gan' run, not a CLIP run/);
  });
});
