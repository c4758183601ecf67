/**
 * The StyleGAN generator (issue 23, part 1; trainer side): shapes and the style controls (ψ = 0 draws w_avg for every
 * z, a crossover at layer 0 is the second latent's image, ψ = 1 and no crossover is the plain image), demodulation
 * (a style's scale does not change a modconv's output), ONNX export with truncation and mixing inputs proven against
 * tfjs, and `webgen-train gan mnist-stylegan` training, checkpointing w_avg and resuming bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../sdk/random/rng.js';
import { checkParity } from '../trainer/export/parity.js';
import { generatorParityCase, generatorToOnnx } from '../trainer/gan/export-generator.js';
import { StyleGenerator } from '../trainer/models/gan-stylegan.js';
import { loadCheckpoint } from '../trainer/train/checkpoint.js';
import { perturbVariables } from './nn-helpers.js';
import { runCli } from './helpers/run-cli.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const make = () => {
  const G = new StyleGenerator({ imageSize: 16, channels: 1, zDim: 8, width: 64, mappingLayers: 2, numClasses: 3 }, 1);
  perturbVariables(G, 5);
  G.wAvg.assign(tf.tensor1d(new Rng(9).normalArray(8)));
  return G;
};
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('StyleGenerator', () => {
  it('draws [B, 16, 16, 1] in [-1, 1]; ψ = 0 gives w_avg\'s image for every z; crossover 0 is the second latent\'s image', () => {
    const G = make();
    expect(G.numLayers).toBe(1 + 2 * 2 + 1);
    const rng = new Rng(3);
    const z = tf.tensor2d(rng.normalArray(2 * 8), [2, 8]);
    const z2 = tf.tensor2d(rng.normalArray(2 * 8), [2, 8]);
    const labels = tf.tensor1d([0, 0], 'int32');
    const x = G.applyStyle(z, { labels });
    expect(x.shape).toEqual([2, 16, 16, 1]);
    expect(tf.max(tf.abs(x)).dataSync()[0]!).toBeLessThanOrEqual(1);
    // ψ = 0: every image is w_avg's, whatever z
    const t0 = G.applyStyle(z, { labels, psi: 0 });
    expect(maxDiff(t0.slice([0], [1]), t0.slice([1], [1]))).toBeLessThan(1e-6);
    expect(maxDiff(t0, x)).toBeGreaterThan(1e-3);
    // mixing from layer 0 = the second latent alone; from numLayers = the first alone
    const all2 = G.applyStyle(z, { labels, zMix: z2, crossover: tf.tensor1d([0, 0], 'int32') });
    expect(maxDiff(all2, G.applyStyle(z2, { labels }))).toBeLessThan(1e-6);
    const none = G.applyStyle(z, { labels, zMix: z2, crossover: tf.tensor1d([G.numLayers, G.numLayers], 'int32') });
    expect(maxDiff(none, x)).toBeLessThan(1e-6);
    const mid = G.applyStyle(z, { labels, zMix: z2, crossover: tf.tensor1d([3, 3], 'int32') });
    expect(maxDiff(mid, x)).toBeGreaterThan(1e-4);
    expect(maxDiff(mid, all2)).toBeGreaterThan(1e-4);
    G.dispose();
  });

  it('at initialisation w has unit scale and the picture depends on z (the recipe\'s size: 4 mapping layers, width 128)', () => {
    // The uniform ±1/√fan_in mapping left w at RMS 0.03 and every z drew the same picture: both training runs collapsed.
    const G = new StyleGenerator({ imageSize: 32, channels: 1, zDim: 64, width: 128, mappingLayers: 4, numClasses: 10 }, 0);
    const z = tf.tensor2d(new Rng(1).normalArray(16 * 64), [16, 64]);
    const labels = tf.tensor1d(Int32Array.from({ length: 16 }, (_, i) => i % 10), 'int32');
    const w = G.map(z, labels);
    const wRms = tf.sqrt(tf.mean(tf.square(w))).dataSync()[0]!;
    expect(wRms).toBeGreaterThan(0.3);
    expect(wRms).toBeLessThan(3);
    const x = G.applyStyle(z, { labels });
    const acrossZ = tf.mean(tf.sqrt(tf.moments(x, 0).variance)).dataSync()[0]!;
    const magnitude = tf.mean(tf.abs(x)).dataSync()[0]!;
    console.log(`StyleGAN init: w RMS ${wRms.toFixed(3)}, picture std across z ${acrossZ.toFixed(4)} (mean |x| ${magnitude.toFixed(4)})`);
    expect(acrossZ).toBeGreaterThan(0.25 * magnitude);
    G.dispose();
  });

  it('training draws noise and mixing from the Rng (reproducible) and moves w_avg toward the batch mean of w', () => {
    const G = make();
    const z = tf.tensor2d(new Rng(4).normalArray(4 * 8), [4, 8]);
    const labels = tf.tensor1d([0, 1, 2, 0], 'int32');
    const before = G.wAvg.dataSync().slice();
    const a = G.apply(z, labels, { rng: new Rng(11) });
    const after = G.wAvg.dataSync().slice();
    const w = G.map(z, labels);
    const mean = tf.mean(w, 0).dataSync();
    after.forEach((v, i) => expect(v).toBeCloseTo(0.995 * before[i]! + 0.005 * mean[i]!, 5));
    G.wAvg.assign(tf.tensor1d(before));
    const b = G.apply(z, labels, { rng: new Rng(11) });
    expect(maxDiff(a, b)).toBe(0);
    G.wAvg.assign(tf.tensor1d(before));
    expect(maxDiff(a, G.apply(z, labels, { rng: new Rng(12) }))).toBeGreaterThan(1e-4);
    G.dispose();
  });

  it('exports to ONNX with truncation_psi, z_mix and mix_crossover inputs, matching tfjs within 1e-4', async () => {
    const G = make();
    const bytes = generatorToOnnx(G);
    const parity = generatorParityCase(G);
    expect(Object.keys(parity.feeds).sort()).toEqual(['class_labels', 'mix_crossover', 'truncation_psi', 'z', 'z_mix']);
    const r = await checkParity(bytes, parity.feeds, parity.expected);
    console.log(`StyleGenerator ONNX parity: max abs error ${r.maxAbsError.image!.toExponential(2)}`);
    expect(r.problems).toEqual([]);
    expect(r.maxAbsError.image!).toBeLessThan(1e-4);
    G.dispose();
  });
});

describe('webgen-train gan mnist-stylegan', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'webgen-stylegan-'));
  const args = ['gan', 'mnist-stylegan', '--batch-size', '8', '--sample-every', '0', '--log-every', '1', '--backend', 'wasm', '--threads', '1', '--g-width', '128', '--d-width', '8', '--g-depth', '2'];

  it('trains with finite losses, checkpoints w_avg, and resumes bit for bit; exports a proven model', async () => {
    const straight = join(tmp, 'straight');
    const a = await runCli([...args, '--steps', '3', '--out', straight, '--export', join(tmp, 'model')]);
    expect(a.code, a.stderr).toBe(0);
    const m = readFileSync(join(straight, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { dLoss: number; gLoss: number });
    expect(m.every((l) => Number.isFinite(l.dLoss) && Number.isFinite(l.gLoss))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(tmp, 'model', 'manifest.json'), 'utf8'));
    expect(manifest.files.generator.inputs.map((i: { name: string }) => i.name)).toEqual(['z', 'class_labels', 'truncation_psi', 'z_mix', 'mix_crossover']);
    expect(manifest.parity.maxAbsError).toBeLessThan(1e-4);
    const resumed = join(tmp, 'resumed');
    expect((await runCli([...args, '--steps', '1', '--out', resumed])).code).toBe(0);
    const b = await runCli([...args, '--steps', '3', '--out', resumed, '--resume']);
    expect(b.code, b.stderr).toBe(0);
    const x = await loadCheckpoint(join(straight, 'checkpoint.wgck'));
    const y = await loadCheckpoint(join(resumed, 'checkpoint.wgck'));
    expect(x.header.tensors.some((t) => t.group === 'buffers' && t.name === 'g.w_avg')).toBe(true);
    let diff = 0;
    for (const t of x.header.tensors) {
      const p = x.get(t.group, t.name)!;
      const q = y.get(t.group, t.name)!;
      for (let i = 0; i < p.length; i++) diff = Math.max(diff, Math.abs(p[i]! - q[i]!));
    }
    expect(diff).toBe(0);
  }, 180_000);
});

describe('createGan on a style-based generator (Node)', () => {
  it('truncationPsi 0 draws one image for every seed and class; mix() crosses over between the two latents\' images', async () => {
    const { ganFixtureModel } = await import('../scripts/e2e/gan-fixtures.js');
    const { createGan } = await import('../sdk/node.js');
    const gan = await createGan({ model: await ganFixtureModel('gan-stylegan') });
    try {
      expect(gan.styleLayers).toBe(1 + 2 * 2 + 1);
      const L = gan.styleLayers!;
      const plain = await gan.generate({ count: 3, seed: 5 });
      const avg = await gan.generate({ count: 3, seed: 5, truncationPsi: 0 });
      expect(avg[1]!.data).toEqual(avg[0]!.data);
      expect(avg[2]!.data).toEqual(avg[0]!.data);
      expect(plain[1]!.data).not.toEqual(plain[0]!.data);
      // ψ = 1 is no truncation
      expect((await gan.generate({ count: 3, seed: 5, truncationPsi: 1 }))[1]!.data).toEqual(plain[1]!.data);
      const row = await gan.mix({ coarse: 1, fine: 2, crossover: [0, 3, L], classLabel: 4 });
      expect(row).toHaveLength(3);
      expect(row[0]!.data).toEqual((await gan.generate({ seed: 2, classLabel: 4 }))[0]!.data); // all fine
      expect(row[2]!.data).toEqual((await gan.generate({ seed: 1, classLabel: 4 }))[0]!.data); // all coarse
      expect(row[1]!.data).not.toEqual(row[0]!.data);
      expect(row[1]!.data).not.toEqual(row[2]!.data);
      // bad input, typed and named
      await expect(gan.mix({ coarse: 1, fine: 2, crossover: L + 1 })).rejects.toMatchObject({ name: 'InvalidInputError', parameter: 'crossover' });
      await expect(gan.generate({ truncationPsi: 3 })).rejects.toMatchObject({ name: 'InvalidInputError', parameter: 'truncationPsi' });
      await expect(gan.mix({ coarse: 1 } as never)).rejects.toMatchObject({ parameter: 'fine' });
    } finally {
      await gan.dispose();
    }
    const dcgan = await createGan({ model: await ganFixtureModel('gan-dcgan') });
    try {
      expect(dcgan.styleLayers).toBeUndefined();
      await expect(dcgan.generate({ truncationPsi: 0.7 })).rejects.toThrow(/works in the w-space of a style-based generator/);
      await expect(dcgan.mix({ coarse: 1, fine: 2 })).rejects.toMatchObject({ parameter: 'mix' });
    } finally {
      await dcgan.dispose();
    }
  }, 120_000);
});
