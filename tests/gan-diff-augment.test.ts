/**
 * DiffAugment (Zhao et al. 2020) and balanced consistency regularisation (Zhao et al. 2021), issue 23 part 5: the
 * transforms do what the paper's code does (known shifts, the colour formulas, a zeroed square), the gradient flows
 * through them exactly (translation by 0/1 matrices: its gradient is the reverse shift), draws are reproducible,
 * D's step reports the bCR term and changes with it, and `webgen-train gan` takes both flags (bad values refused).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../sdk/random/rng.js';
import { applyAugment, drawAugment, parseAugmentPolicy, type AugmentDraw } from '../trainer/gan/diff-augment.js';
import { runCli } from './helpers/run-cli.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ramp = (B: number, H: number, W: number, C: number) => tf.tensor4d(Float32Array.from({ length: B * H * W * C }, (_, i) => ((i % 97) / 97) * 2 - 1), [B, H, W, C]);

describe('DiffAugment', () => {
  it('parses policies in the paper\'s order and refuses unknown or repeated ops', () => {
    expect(parseAugmentPolicy('cutout, color')).toEqual(['color', 'cutout']);
    expect(parseAugmentPolicy('')).toEqual([]);
    expect(() => parseAugmentPolicy('color,flip')).toThrow(/--diff-augment takes a comma-separated list of color, translation, cutout.*got 'flip'/);
    expect(() => parseAugmentPolicy('color,color')).toThrow(/twice/);
  });

  it('translation moves each image by its own shift with zero padding, and its gradient is the reverse shift', () => {
    const [B, H, W, C] = [2, 8, 8, 3];
    const x = ramp(B, H, W, C);
    const d: AugmentDraw = { ops: ['translation'], batch: B, height: H, width: W, shiftY: Int32Array.from([1, -1]), shiftX: Int32Array.from([0, 1]) };
    const y = applyAugment(x, d).arraySync();
    const xs = x.arraySync();
    for (let b = 0; b < B; b++)
      for (let r = 0; r < H; r++)
        for (let c = 0; c < W; c++) {
          const sr = r - d.shiftY![b]!;
          const sc = c - d.shiftX![b]!;
          const want = sr >= 0 && sr < H && sc >= 0 && sc < W ? xs[b]![sr]![sc]! : [0, 0, 0];
          y[b]![r]![c]!.forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 6));
        }
    // d/dx of Σ w·T(x) = T⁻¹(w): the weight of the pixel each input pixel moved to
    const w = ramp(B, H, W, C);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(applyAugment(t as tf.Tensor4D, d), w)))(x).arraySync() as number[][][][];
    const ws = w.arraySync();
    for (let b = 0; b < B; b++)
      for (let r = 0; r < H; r++)
        for (let c = 0; c < W; c++) {
          const tr = r + d.shiftY![b]!;
          const tc = c + d.shiftX![b]!;
          const want = tr >= 0 && tr < H && tc >= 0 && tc < W ? ws[b]![tr]![tc]! : [0, 0, 0];
          g[b]![r]![c]!.forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 6));
        }
  });

  it('colour: brightness adds u − 0.5, saturation scales around the channel mean by 2u, contrast around the image mean by u + 0.5', () => {
    const x = tf.tensor4d([0.2, -0.4, 0.6, 0, 0, 0], [1, 1, 2, 3]);
    const only = (k: 'brightness' | 'saturation' | 'contrast', u: number): number[] => {
      const d: AugmentDraw = { ops: ['color'], batch: 1, height: 1, width: 2, brightness: Float32Array.from([0.5]), saturation: Float32Array.from([0.5]), contrast: Float32Array.from([0.5]) };
      d[k] = Float32Array.from([u]);
      return [...(applyAugment(x, d).dataSync() as Float32Array)];
    };
    // u = 0.5 for the other two leaves them as identities
    only('brightness', 0.75).forEach((v, i) => expect(v).toBeCloseTo([0.45, -0.15, 0.85, 0.25, 0.25, 0.25][i]!, 6));
    // pixel 0's channel mean is 0.1667: (x − m)·0.5 + m
    const m = (0.2 - 0.4 + 0.6) / 3;
    only('saturation', 0.25).slice(0, 3).forEach((v, i) => expect(v).toBeCloseTo(([0.2, -0.4, 0.6][i]! - m) * 0.5 + m, 6));
    // image mean 1/15 (six values): (x − m)·1.5 + m
    const mAll = 0.4 / 6;
    only('contrast', 1).forEach((v, i) => expect(v).toBeCloseTo(([0.2, -0.4, 0.6, 0, 0, 0][i]! - mAll) * 1.5 + mAll, 6));
  });

  it('cutout zeroes one square of half the side (clipped at the border); draws are reproducible and within the ratios', () => {
    const d = drawAugment(['color', 'translation', 'cutout'], 16, 32, 32, new Rng(3));
    expect(drawAugment(['color', 'translation', 'cutout'], 16, 32, 32, new Rng(3))).toEqual(d);
    expect(Math.max(...d.shiftY!.map(Math.abs), ...d.shiftX!.map(Math.abs))).toBeLessThanOrEqual(4);
    for (let b = 0; b < 16; b++) {
      const cut = d.cutoutMask!.subarray(b * 1024, (b + 1) * 1024).filter((v) => v === 0).length;
      expect(cut).toBeGreaterThan(0);
      expect(cut).toBeLessThanOrEqual(16 * 16);
    }
    const y = applyAugment(tf.ones([16, 32, 32, 1]) as tf.Tensor4D, { ...d, ops: ['cutout'], brightness: undefined, saturation: undefined, contrast: undefined, shiftX: undefined, shiftY: undefined });
    expect([...(y.dataSync() as Float32Array)]).toEqual([...d.cutoutMask!]);
  });
});

describe('webgen-train gan with --diff-augment and --bcr-weight', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'webgen-diffaug-'));
  const args = ['gan', 'mnist-dcgan', '--batch-size', '8', '--sample-every', '0', '--log-every', '1', '--backend', 'wasm', '--threads', '1', '--g-width', '16', '--d-width', '8', '--steps', '2'];

  it('trains with both (finite losses, the bCR term logged), and the losses differ from a run without them', async () => {
    const withBoth = join(tmp, 'both');
    const a = await runCli([...args, '--diff-augment', 'color,translation,cutout', '--bcr-weight', '10', '--out', withBoth]);
    expect(a.code, a.stderr).toBe(0);
    const m = readFileSync(join(withBoth, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { dLoss: number; gLoss: number; bcr: number });
    expect(m).toHaveLength(2);
    for (const l of m) {
      expect(Number.isFinite(l.dLoss) && Number.isFinite(l.gLoss)).toBe(true);
      expect(l.bcr).toBeGreaterThanOrEqual(0);
    }
    const plain = join(tmp, 'plain');
    const b = await runCli([...args, '--out', plain]);
    expect(b.code, b.stderr).toBe(0);
    const p = readFileSync(join(plain, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { dLoss: number; bcr?: number });
    expect(p[0]!.bcr).toBeUndefined();
    expect(p[0]!.dLoss).not.toBeCloseTo(m[0]!.dLoss, 6);
  }, 120_000);

  it('refuses an unknown op and a negative weight in one line', async () => {
    const a = await runCli([...args, '--diff-augment', 'rotate', '--out', join(tmp, 'bad1')]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--diff-augment takes a comma-separated list of color, translation, cutout/);
    const b = await runCli([...args, '--bcr-weight=-1', '--out', join(tmp, 'bad2')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--bcr-weight must be a weight ≥ 0/);
  }, 60_000);
});
