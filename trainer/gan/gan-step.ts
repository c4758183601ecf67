/**
 * One discriminator update and one generator update (Goodfellow et al. 2014, Algorithm 1, with the
 * objective, gradient penalty and clipping of the chosen loss). Every random draw comes from `rng`.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../sdk/random/rng.js';
import type { GanDiscriminator, GanGenerator } from '../models/gan-model.js';
import { AdamW } from '../optim/adamw.js';
import { applyAugment, drawAugment, type AugmentOp } from './diff-augment.js';
import { clipWeights, gradientPenalty, modeSeekingLoss, type GanObjective } from './losses/index.js';

export interface GanParts {
  G: GanGenerator;
  D: GanDiscriminator;
  objective: GanObjective;
  gParams: Map<string, tf.Variable>;
  dParams: Map<string, tf.Variable>;
  adamG: AdamW;
  adamD: AdamW;
  /**
   * labelSmoothing, gpWeight, clipValue, lrG, lrD; modeSeeking: λ of MSGAN's term in G's loss (absent or 0: off);
   * augment: DiffAugment's ops on every image D sees (absent or empty: off); bcrWeight: λ of balanced consistency
   * regularisation in D's loss (absent or 0: off).
   */
  opts: { labelSmoothing: number; gpWeight: number; clipValue: number; lrG: number; lrD: number; modeSeeking?: number; augment?: readonly AugmentOp[]; bcrWeight?: number };
}

/** The transform of balanced consistency regularisation: a translation (Zhao et al. 2021 translate and flip; a flip would change digits). */
const BCR_OPS: readonly AugmentOp[] = ['translation'];

export interface DStepResult {
  /** D's total loss (with λ·GP and λ·bCR). */
  loss: number;
  /** The gradient penalty without λ (0 unless wgan-gp). */
  gp: number;
  /** bCR's consistency term without λ (0 unless bcrWeight > 0). */
  bcr: number;
  /** Mean D output on real and on fake images. */
  real: number;
  fake: number;
}

/** z ~ N(0, I) [B, zDim] and, for a conditional G, labels uniform over the classes. */
export function drawLatents(G: GanGenerator, batch: number, rng: Rng): { z: Float32Array; labels?: Int32Array } {
  const z = rng.normalArray(batch * G.zDim);
  if (G.numClasses === undefined) return { z };
  const K = G.numClasses;
  return { z, labels: Int32Array.from({ length: batch }, () => rng.int(K)) };
}

/**
 * One D update on a real batch [B, H, W, C] against B fresh fakes. A conditional pair draws its
 * fakes with the real batch's labels, so the gradient penalty's interpolates x̂ have one label.
 */
export function discriminatorStep(p: GanParts, real: Float32Array, realLabels: Int32Array | undefined, rng: Rng): DStepResult {
  const { G, D } = p;
  const B = realLabels?.length ?? real.length / (G.imageSize * G.imageSize * G.channels);
  const z = rng.normalArray(B * G.zDim);
  const eps = Float32Array.from({ length: B }, () => rng.uniform());
  const { imageSize: S } = G;
  const augment = p.opts.augment ?? [];
  const bcrWeight = p.opts.bcrWeight ?? 0;
  // drawn only when on, so a run without them keeps its random stream
  const augReal = augment.length ? drawAugment(augment, B, S, S, rng) : undefined;
  const augFake = augment.length ? drawAugment(augment, B, S, S, rng) : undefined;
  const bcrReal = bcrWeight > 0 ? drawAugment(BCR_OPS, B, S, S, rng) : undefined;
  const bcrFake = bcrWeight > 0 ? drawAugment(BCR_OPS, B, S, S, rng) : undefined;
  const stats = { gp: 0, bcr: 0, real: 0, fake: 0 };
  const varList = [...p.dParams.values()];
  const pathOf = new Map([...p.dParams].map(([path, v]) => [v.name, path]));
  const { value, grads } = tf.tidy(() => {
    const x = tf.tensor4d(real, [B, G.imageSize, G.imageSize, G.channels]);
    if (D.numClasses !== undefined && !realLabels) throw new Error('discriminatorStep: a conditional GAN needs the real batch\'s labels');
    const yReal = D.numClasses !== undefined ? tf.tensor1d(realLabels!, 'int32') : undefined;
    const yFake = yReal;
    // Fakes are constants here: D's update must not reach into G.
    const fake = G.apply(tf.tensor2d(z, [B, G.zDim]), yFake, { rng });
    // DiffAugment: D sees T(x) and T(G(z)), never the images themselves
    const seenReal = augReal ? applyAugment(x, augReal) : x;
    const seenFake = augFake ? applyAugment(fake, augFake) : fake;
    const main = tf.variableGrads(() => {
      const dReal = D.apply(seenReal, yReal);
      const dFake = D.apply(seenFake, yFake);
      let loss = p.objective.loss.discriminator(dReal, dFake, { labelSmoothing: p.opts.labelSmoothing });
      stats.real = tf.mean(dReal).dataSync()[0]!;
      stats.fake = tf.mean(dFake).dataSync()[0]!;
      if (p.objective.gradientPenalty) {
        const gp = gradientPenalty((t) => D.apply(t, yReal), x, fake, tf.tensor1d(eps));
        stats.gp = gp.dataSync()[0]!;
        loss = tf.add(loss, tf.mul(gp, p.opts.gpWeight));
      }
      return loss;
    }, varList);
    if (!(bcrReal && bcrFake)) return main;
    // bCR: D's output must not move under a translation of what it saw, real and generated alike. Its gradient is
    // taken in a pass of its own and added: in one pass with WGAN-GP's double backward, the ViT D's graph at batch 64
    // outgrew the 4 GiB wasm heap and the step never finished (docs/gans.md). D.apply is pure (the power iteration
    // runs outside), so the sum is the same gradient, up to float rounding.
    const consistency = tf.variableGrads(() => {
      const term = tf.add(
        tf.mean(tf.square(tf.sub(D.apply(seenReal, yReal), D.apply(applyAugment(seenReal, bcrReal), yReal)))),
        tf.mean(tf.square(tf.sub(D.apply(seenFake, yFake), D.apply(applyAugment(seenFake, bcrFake), yFake)))),
      );
      stats.bcr = term.dataSync()[0]!;
      return tf.mul(term, bcrWeight) as tf.Scalar;
    }, varList);
    return {
      value: tf.add(main.value, consistency.value) as tf.Scalar,
      grads: Object.fromEntries(Object.entries(main.grads).map(([name, g]) => [name, consistency.grads[name] ? tf.add(g, consistency.grads[name]!) : g])),
    };
  });
  const loss = value.dataSync()[0]!;
  value.dispose();
  const byPath = new Map(Object.entries(grads).map(([name, g]) => [pathOf.get(name)!, g]));
  p.adamD.step(byPath, p.opts.lrD);
  for (const g of byPath.values()) g.dispose();
  if (p.objective.weightClipping) clipWeights(p.dParams.values(), p.opts.clipValue);
  return { loss, ...stats };
}

/** One G update on B fresh latents; returns G's loss. */
export function generatorStep(p: GanParts, B: number, rng: Rng): number {
  const { G, D } = p;
  const { z, labels } = drawLatents(G, B, rng);
  const augment = p.opts.augment ?? [];
  const aug = augment.length ? drawAugment(augment, B, G.imageSize, G.imageSize, rng) : undefined;
  const lambda = p.opts.modeSeeking ?? 0;
  const half = B / 2;
  // Mode seeking pairs image i with image i + B/2: same class, different z.
  if (lambda > 0 && labels) labels.copyWithin(half, 0, half);
  const varList = [...p.gParams.values()];
  const pathOf = new Map([...p.gParams].map(([path, v]) => [v.name, path]));
  const { value, grads } = tf.tidy(() => {
    const zt = tf.tensor2d(z, [B, G.zDim]);
    const y = labels ? tf.tensor1d(labels, 'int32') : undefined;
    return tf.variableGrads(() => {
      const fake = G.apply(zt, y, { rng });
      const adv = p.objective.loss.generator(D.apply(aug ? applyAugment(fake, aug) : fake, y));
      if (lambda === 0) return adv;
      const [f1, f2] = tf.split(fake, 2, 0) as [tf.Tensor4D, tf.Tensor4D];
      const [z1, z2] = tf.split(zt, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
      return tf.add(adv, tf.mul(modeSeekingLoss(f1, f2, z1, z2), lambda)) as tf.Scalar;
    }, varList);
  });
  const loss = value.dataSync()[0]!;
  value.dispose();
  const byPath = new Map(Object.entries(grads).map(([name, g]) => [pathOf.get(name)!, g]));
  p.adamG.step(byPath, p.opts.lrG);
  for (const g of byPath.values()) g.dispose();
  return loss;
}

/**
 * D's and G's losses at the current weights, updating nothing (no gradient penalty, which needs D's input gradient,
 * and no power iteration): what the training loop judges before it saves these weights. The draws follow
 * discriminatorStep then generatorStep, from `rng`.
 */
export function ganLosses(p: GanParts, real: Float32Array, realLabels: Int32Array | undefined, rng: Rng): { dLoss: number; gLoss: number } {
  const { G, D } = p;
  const B = realLabels?.length ?? real.length / (G.imageSize * G.imageSize * G.channels);
  const z = rng.normalArray(B * G.zDim);
  const y = D.numClasses !== undefined && realLabels ? realLabels : undefined;
  const dLoss = tf.tidy(() => {
    const yt = y ? tf.tensor1d(y, 'int32') : undefined;
    const fake = G.apply(tf.tensor2d(z, [B, G.zDim]), yt);
    const dReal = D.apply(tf.tensor4d(real, [B, G.imageSize, G.imageSize, G.channels]), yt);
    return p.objective.loss.discriminator(dReal, D.apply(fake, yt), { labelSmoothing: p.opts.labelSmoothing }).dataSync()[0]!;
  });
  const latents = drawLatents(G, B, rng);
  const gLoss = tf.tidy(() => {
    const yt = latents.labels ? tf.tensor1d(latents.labels, 'int32') : undefined;
    return p.objective.loss.generator(D.apply(G.apply(tf.tensor2d(latents.z, [B, G.zDim]), yt), yt)).dataSync()[0]!;
  });
  return { dLoss, gLoss };
}
