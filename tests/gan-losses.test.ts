// Each GAN loss on tiny logits against hand-computed values; the gradient penalty of a linear critic
// is (‖w‖ − 1)²; the penalty's second-order gradient through a conv critic runs on wasm (our
// kernels) and matches cpu; weight clipping.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../sdk/random/rng.js';
import { selectBackend } from '../trainer/backend/select-backend.js';
import { clipWeights, GAN_OBJECTIVES, gradientPenalty, modeSeekingLoss } from '../trainer/gan/losses/index.js';
import { MODE_SEEKING_EPS } from '../trainer/gan/losses/mode-seeking.js';
import { hingeLoss } from '../trainer/gan/losses/hinge.js';
import { leastSquaresLoss } from '../trainer/gan/losses/least-squares.js';
import { minimaxLoss } from '../trainer/gan/losses/minimax.js';
import { nonSaturatingLoss } from '../trainer/gan/losses/non-saturating.js';
import { wassersteinLoss } from '../trainer/gan/losses/wasserstein.js';
import { ConvDiscriminator } from '../trainer/models/gan-dcgan.js';

const softplus = (x: number) => Math.log1p(Math.exp(x));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const real = [0, 2, -1];
const fake = [-1, 1, 0.5];
const value = (t: tf.Scalar) => t.dataSync()[0]!;
const r = () => tf.tensor1d(real);
const f = () => tf.tensor1d(fake);

describe('GAN losses on tiny logits', () => {
  it('minimax and non-saturating D: −log σ(r) − log(1 − σ(f)), i.e. softplus(−r) + softplus(f)', async () => {
    await tf.setBackend('cpu');
    const want = mean(real.map((x) => softplus(-x))) + mean(fake.map(softplus));
    expect(value(minimaxLoss.discriminator(r(), f()))).toBeCloseTo(want, 5);
    expect(value(nonSaturatingLoss.discriminator(r(), f()))).toBeCloseTo(want, 5);
    // D(x) = 0.5 for logit 0: −log 0.5 − log 0.5 = 2 ln 2
    expect(value(minimaxLoss.discriminator(tf.tensor1d([0]), tf.tensor1d([0])))).toBeCloseTo(2 * Math.LN2, 6);
  });

  it('one-sided label smoothing: real target 0.9, fake target stays 0', () => {
    const s = 0.1;
    const want = mean(real.map((x) => 0.9 * softplus(-x) + 0.1 * softplus(x))) + mean(fake.map(softplus));
    expect(value(nonSaturatingLoss.discriminator(r(), f(), { labelSmoothing: s }))).toBeCloseTo(want, 5);
    // At the optimum D's real logit is log(0.9/0.1): the loss's derivative in r vanishes there.
    const atOptimum = tf.grad((x: tf.Tensor) => nonSaturatingLoss.discriminator(x as tf.Tensor1D, tf.tensor1d([0]), { labelSmoothing: s }))(tf.tensor1d([Math.log(9)]));
    expect(Math.abs(atOptimum.dataSync()[0]!)).toBeLessThan(1e-6);
    expect(minimaxLoss.smoothable && nonSaturatingLoss.smoothable && !hingeLoss.smoothable && !wassersteinLoss.smoothable).toBe(true);
  });

  it('G losses: minimax log(1 − σ(f)) = −softplus(f); non-saturating −log σ(f) = softplus(−f); hinge and Wasserstein −f', () => {
    expect(value(minimaxLoss.generator(f()))).toBeCloseTo(-mean(fake.map(softplus)), 5);
    expect(value(nonSaturatingLoss.generator(f()))).toBeCloseTo(mean(fake.map((x) => softplus(-x))), 5);
    expect(value(hingeLoss.generator(f()))).toBeCloseTo(-mean(fake), 6);
    expect(value(wassersteinLoss.generator(f()))).toBeCloseTo(-mean(fake), 6);
  });

  it('saturation: at a confidently rejected fake (logit −10) minimax G has almost no gradient, non-saturating ≈ −1', () => {
    const grad = (loss: typeof minimaxLoss) => tf.grad((x: tf.Tensor) => loss.generator(x as tf.Tensor1D))(tf.tensor1d([-10])).dataSync()[0]!;
    expect(Math.abs(grad(minimaxLoss))).toBeLessThan(1e-4); // −σ(−10) ≈ −4.5e-5
    expect(grad(nonSaturatingLoss)).toBeCloseTo(-1, 3); // −(1 − σ(−10))
  });

  it('hinge D: mean(max(0, 1 − r)) + mean(max(0, 1 + f)); Wasserstein D: mean(f) − mean(r)', () => {
    const hinge = mean(real.map((x) => Math.max(0, 1 - x))) + mean(fake.map((x) => Math.max(0, 1 + x)));
    expect(value(hingeLoss.discriminator(r(), f()))).toBeCloseTo(hinge, 6); // (1 + 0 + 2)/3 + (0 + 2 + 1.5)/3
    expect(hinge).toBeCloseTo(3 / 3 + 3.5 / 3, 10);
    expect(value(wassersteinLoss.discriminator(r(), f()))).toBeCloseTo(mean(fake) - mean(real), 6);
  });

  it('the objectives pair each loss with its Lipschitz device', () => {
    expect(GAN_OBJECTIVES['wgan-gp']).toMatchObject({ loss: wassersteinLoss, gradientPenalty: true, weightClipping: false });
    expect(GAN_OBJECTIVES['wgan-clip']).toMatchObject({ loss: wassersteinLoss, gradientPenalty: false, weightClipping: true });
    expect(GAN_OBJECTIVES.hinge.loss).toBe(hingeLoss);
    expect(GAN_OBJECTIVES['least-squares']).toMatchObject({ loss: leastSquaresLoss, gradientPenalty: false, weightClipping: false });
  });
});

describe('gradient penalty', () => {
  it('of a linear critic D(x) = ⟨w, x⟩ + b is (‖w‖ − 1)² anywhere, with gradient 2(‖w‖ − 1) w/‖w‖', async () => {
    await tf.setBackend('cpu');
    const rng = new Rng(1);
    const wData = Float32Array.from({ length: 2 * 3 * 1 }, () => rng.normal());
    const w = tf.variable(tf.tensor4d(wData, [1, 2, 3, 1]));
    const critic = (x: tf.Tensor4D) => tf.add(tf.sum(tf.mul(x, w), [1, 2, 3]), 0.7) as tf.Tensor1D;
    const realX = tf.tensor4d(rng.normalArray(4 * 6), [4, 2, 3, 1]);
    const fakeX = tf.tensor4d(rng.normalArray(4 * 6), [4, 2, 3, 1]);
    const eps = tf.tensor1d([0, 0.25, 0.5, 1]);
    const norm = Math.hypot(...wData);
    const { value: gp, grads } = tf.variableGrads(() => gradientPenalty(critic, realX, fakeX, eps), [w]);
    expect(gp.dataSync()[0]).toBeCloseTo((norm - 1) ** 2, 5);
    const g = grads[w.name]!.dataSync();
    for (let i = 0; i < wData.length; i++) expect(g[i]).toBeCloseTo((2 * (norm - 1) * wData[i]!) / norm, 4);
    // λ = 10 in the D loss: 10·(‖w‖ − 1)².
    expect(10 * gp.dataSync()[0]!).toBeCloseTo(10 * (norm - 1) ** 2, 4);
  });

  it('second-order gradient through a conv critic (our wasm kernels, leaky ReLU) matches cpu', async () => {
    const run = async (backend: 'cpu' | 'wasm') => {
      if (backend === 'wasm') await selectBackend({ prefer: 'wasm', threads: 1, log: () => {} });
      else await tf.setBackend('cpu');
      const D = new ConvDiscriminator({ imageSize: 8, channels: 1, width: 4, spectralNorm: 'sn', attentionAt: 0, numClasses: 3 }, 11);
      const rng = new Rng(12);
      const x = tf.tensor4d(rng.normalArray(3 * 64), [3, 8, 8, 1]);
      const y = tf.tensor4d(rng.normalArray(3 * 64), [3, 8, 8, 1]);
      const labels = tf.tensor1d([0, 2, 1], 'int32');
      const { value: gp, grads } = tf.variableGrads(() => gradientPenalty((t) => D.apply(t, labels), x, y, tf.tensor1d([0.1, 0.5, 0.9])), D.variables());
      // Biases that only shift the logit do not move ∇ₓD: they get no gradient at all.
      const flat = D.variables().map((v) => (grads[v.name] ? Array.from(grads[v.name]!.dataSync()) : new Array<number>(v.size).fill(0))).flat();
      return { gp: gp.dataSync()[0]!, flat };
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(wasm.gp).toBeCloseTo(cpu.gp, 4);
    const scale = Math.max(...cpu.flat.map(Math.abs));
    const err = Math.max(...cpu.flat.map((c, i) => Math.abs(c - wasm.flat[i]!)));
    console.log(`GP ${cpu.gp.toFixed(5)}; max |∇ wasm − ∇ cpu| = ${err.toExponential(2)} of max |∇| ${scale.toExponential(2)}`);
    expect(scale).toBeGreaterThan(0);
    expect(err / scale).toBeLessThan(1e-4);
  });
});

describe('weight clipping', () => {
  it('clamps every weight to [−c, c]', async () => {
    await tf.setBackend('cpu');
    const v = tf.variable(tf.tensor1d([-0.5, -0.005, 0, 0.02, 3]));
    clipWeights([v], 0.01);
    expect(Array.from(v.dataSync())).toEqual([-0.01, -0.005, 0, 0.01, 0.01].map((x) => Math.fround(x)));
  });
});

describe('MSGAN mode-seeking term', () => {
  const img = (xs: number[]) => tf.tensor4d(xs, [1, 1, xs.length, 1]);
  it('is 1 / (mean|G(z1) − G(z2)| / mean|z1 − z2| + ε), the most for identical images, and its gradient pushes them apart', async () => {
    await tf.setBackend('cpu');
    // Images differ by 1 on average, latents by 2: ratio 0.5.
    const z1 = tf.tensor2d([[0, 0]]);
    const z2 = tf.tensor2d([[2, -2]]);
    expect(value(modeSeekingLoss(img([0, 0]), img([0.5, -1.5]), z1, z2))).toBeCloseTo(1 / (0.5 + MODE_SEEKING_EPS), 4);
    expect(value(modeSeekingLoss(img([0.3, 0.3]), img([0.3, 0.3]), z1, z2))).toBeCloseTo(1 / MODE_SEEKING_EPS, -1);
    // d/dx2 of 1/(mean|x1 − x2|/2): lowering the loss means moving x2 away from x1.
    const g = tf.grad((x2: tf.Tensor) => modeSeekingLoss(img([0, 0]), x2 as tf.Tensor4D, z1, z2))(img([0.5, -1.5]));
    const [a, b] = Array.from(g.dataSync());
    expect(a).toBeLessThan(0);
    expect(b).toBeGreaterThan(0);
    // ratio 0.5: ∂L/∂ratio = −1/(0.5 + ε)² ≈ −4; ∂ratio/∂x2_0 = sign(0.5)/(2 · 2) = 0.25.
    expect(a).toBeCloseTo(-4 * 0.25, 3);
  });
});
