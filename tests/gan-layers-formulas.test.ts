// ViTGAN's layers against their formulas computed by hand: self-modulated LayerNorm, L2-distance
// attention with tied W_q = W_k, and the leaky ReLU whose gradient is itself differentiable.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../sdk/random/rng.js';
import { L2Attention } from '../trainer/nn/l2-attention.js';
import { LeakyReLU } from '../trainer/nn/leaky-relu.js';
import { SelfModulatedLayerNorm } from '../trainer/nn/self-modulated-layer-norm.js';
import { minibatchStd, VitDiscriminator } from '../trainer/models/gan-vitgan.js';
import { perturbVariables, randomTensor } from './nn-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const rows = (t: tf.Tensor): number[][] => t.arraySync() as number[][];

describe('layer formulas', () => {
  it('SLN(h, w) = (1 + A_γ w) ⊙ (h − μ)/σ + A_β w, per token', () => {
    const D = 4;
    const sln = new SelfModulatedLayerNorm(new Rng(1), D, 3);
    perturbVariables(sln, 2, 0.5);
    const h = randomTensor([2, 3, D], 3) as tf.Tensor3D;
    const w = randomTensor([2, 3], 4) as tf.Tensor2D;
    const got = sln.apply(h, w).arraySync() as number[][][];
    const Ag = rows(sln.gamma.kernel);
    const bg = Array.from(sln.gamma.bias!.dataSync());
    const Ab = rows(sln.beta.kernel);
    const bb = Array.from(sln.beta.bias!.dataSync());
    const H = h.arraySync() as number[][][];
    const W = rows(w);
    for (let b = 0; b < 2; b++) {
      const gamma = Array.from({ length: D }, (_, d) => 1 + bg[d]! + W[b]!.reduce((a, wi, i) => a + wi * Ag[i]![d]!, 0));
      const beta = Array.from({ length: D }, (_, d) => bb[d]! + W[b]!.reduce((a, wi, i) => a + wi * Ab[i]![d]!, 0));
      for (let l = 0; l < 3; l++) {
        const x = H[b]![l]!;
        const mu = x.reduce((a, v) => a + v, 0) / D;
        const variance = x.reduce((a, v) => a + (v - mu) ** 2, 0) / D;
        for (let d = 0; d < D; d++) expect(got[b]![l]![d]).toBeCloseTo(gamma[d]! * ((x[d]! - mu) / Math.sqrt(variance + 1e-5)) + beta[d]!, 4);
      }
    }
  });

  it('SLN starts modulated (random A_γ, A_β, zero biases: the image depends on w from step 0) and broadcasts tokens [1, L, D] over w', () => {
    const sln = new SelfModulatedLayerNorm(new Rng(5), 4, 2);
    expect(Array.from(sln.gamma.bias!.dataSync())).toEqual([0, 0, 0, 0]);
    expect(Array.from(sln.beta.bias!.dataSync())).toEqual([0, 0, 0, 0]);
    const h = randomTensor([1, 3, 4], 6) as tf.Tensor3D;
    const w = randomTensor([5, 2], 7) as tf.Tensor2D;
    const out = sln.apply(h, w).arraySync() as number[][][];
    expect(out.length).toBe(5);
    // Same tokens, different w → different outputs; w = 0 → the plain LayerNorm.
    expect(Math.abs(out[0]![0]![1]! - out[4]![0]![1]!)).toBeGreaterThan(1e-3);
    const x = (h.arraySync() as number[][][])[0]![0]!;
    const mu = x.reduce((a, v) => a + v, 0) / 4;
    const sd = Math.sqrt(x.reduce((a, v) => a + (v - mu) ** 2, 0) / 4 + 1e-5);
    const plain = sln.apply(h, tf.zeros([1, 2]) as tf.Tensor2D).arraySync() as number[][][];
    expect(plain[0]![0]![1]).toBeCloseTo((x[1]! - mu) / sd, 5);
  });

  it('L2 attention = softmax(−‖x_i W_q − x_j W_q‖² / √d_h) x W_v, then W_o, per head', () => {
    const D = 4;
    const heads = 2;
    const dh = D / heads;
    const attn = new L2Attention(new Rng(8), D, heads);
    expect(attn.k).toBeNull(); // W_k is W_q
    perturbVariables(attn, 9, 0.3);
    const x = randomTensor([1, 3, D], 10) as tf.Tensor3D;
    const got = (attn.apply(x).arraySync() as number[][][])[0]!;
    const X = (x.arraySync() as number[][][])[0]!;
    const mat = (a: number[][], b: number[][]) => a.map((r) => b[0]!.map((_, j) => r.reduce((acc, v, k) => acc + v * b[k]![j]!, 0)));
    const q = mat(X, rows(attn.q.apply(tf.eye(D))));
    const v = mat(X, rows(attn.v.apply(tf.eye(D))));
    const merged = X.map(() => new Array<number>(D).fill(0));
    for (let h = 0; h < heads; h++) {
      const cols = (m: number[][], i: number) => m[i]!.slice(h * dh, (h + 1) * dh);
      for (let i = 0; i < 3; i++) {
        const scores = [0, 1, 2].map((j) => -cols(q, i).reduce((acc, qi, k) => acc + (qi - cols(q, j)[k]!) ** 2, 0) / Math.sqrt(dh));
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let k = 0; k < dh; k++) merged[i]![h * dh + k] = [0, 1, 2].reduce((acc, j) => acc + (e[j]! / z) * cols(v, j)[k]!, 0);
      }
    }
    const Wo = rows(attn.out.apply(tf.eye(D))); // rows of eye·W_o + b: W_o with the bias added to each row
    const bo = Array.from((attn.out.apply(tf.zeros([1, D])) as tf.Tensor).dataSync());
    const want = merged.map((r) => bo.map((b, j) => b + r.reduce((acc, val, k) => acc + val * (Wo[k]![j]! - b), 0)));
    for (let i = 0; i < 3; i++) for (let j = 0; j < D; j++) expect(got[i]![j]).toBeCloseTo(want[i]![j]!, 4);
    // A token attends most to itself: its distance to itself is 0, the largest score.
  });

  it('leaky ReLU: values, and a gradient that can be differentiated again (WGAN-GP needs it)', () => {
    const act = new LeakyReLU(0.2);
    expect(Array.from(act.apply(tf.tensor1d([-2, 0.5])).dataSync())).toEqual([Math.fround(-0.4), 0.5]);
    // d/dx of x·g'(x)… through tf.grad of a tf.grad: g(x) = leaky(x)², g'(x) = 2 leaky(x) leaky'(x), g''(x) = 2 leaky'(x)².
    const gradOfGrad = tf.grad((x: tf.Tensor) => tf.sum(tf.grad((y: tf.Tensor) => tf.sum(tf.square(act.apply(y))))(x)))(tf.tensor1d([-1, 2]));
    expect(Array.from(gradOfGrad.dataSync()).map((v) => Number(v.toFixed(5)))).toEqual([0.08, 2]);
  });

  it('minibatch std = mean over features of the batch std (population); ~0 for a repeated image, and it moves D’s logit by v·s', () => {
    expect(minibatchStd(tf.tensor2d([[1, 2], [3, 6]])).dataSync()[0]).toBeCloseTo(1.5, 5); // stds 1 and 2
    expect(minibatchStd(tf.tensor2d([[1, 2], [1, 2], [1, 2]])).dataSync()[0]).toBeLessThan(2e-4);
    const cfg = { imageSize: 8, channels: 1, dim: 8, depth: 1, heads: 2, patch: 4, overlap: 1, mlpRatio: 2, spectralNorm: 'none' as const, attention: 'l2' as const };
    const plain = new VitDiscriminator(cfg, 3);
    const withStd = new VitDiscriminator({ ...cfg, minibatchStd: true }, 3);
    expect(withStd.stdWeight).not.toBeNull();
    withStd.stdWeight!.assign(tf.tensor1d([2]));
    const x = randomTensor([3, 8, 8, 1], 4) as tf.Tensor4D;
    const a = plain.apply(x).dataSync();
    const b = withStd.apply(x).dataSync();
    // Same weights otherwise (same seed; the std weight is the last parameter): the logits differ by 2·s for every image.
    const shift = b[0]! - a[0]!;
    expect(shift).toBeGreaterThan(0.01);
    for (let i = 0; i < 3; i++) expect(b[i]! - a[i]!).toBeCloseTo(shift, 5);
  });
});
