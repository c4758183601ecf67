/**
 * One discriminator update and one generator update of pix2pix (Isola et al. 2017, eq. 4 and §3.3):
 *
 *   G* = arg min_G max_D  L_cGAN(G, D) + λ L_L1(G)
 *   L_cGAN = E[log D(x, y)] + E[log(1 − D(x, G(x)))]        (per patch; D's logits are averaged over patches)
 *   L_L1   = E[‖y − G(x)‖₁]
 *
 * x is the source image, y the target. D's objective is halved "to slow the rate at which D learns relative to G"
 * (§3.3); G minimises the non-saturating −log D(x, G(x)) instead of log(1 − D(x, G(x))), as the paper. Both losses are
 * the GAN family's (trainer/gan/losses): the shared binary cross-entropy of D and the non-saturating G loss.
 */
import * as tf from '@tensorflow/tfjs';
import type { PatchDiscriminator } from '../models/patch-discriminator.js';
import type { UnetTranslator } from '../models/pix2pix-unet.js';
import type { AdamW } from '../optim/adamw.js';
import { applyNamedGrads as applyGrads } from '../optim/apply-named-grads.js';
import { bceDiscriminatorLoss } from '../gan/losses/binary-cross-entropy.js';
import { nonSaturatingLoss } from '../gan/losses/non-saturating.js';

export interface Pix2PixParts {
  G: UnetTranslator;
  D: PatchDiscriminator;
  gParams: Map<string, tf.Variable>;
  dParams: Map<string, tf.Variable>;
  adamG: AdamW;
  adamD: AdamW;
  /** λ of the L1 term. */
  l1Weight: number;
  lr: number;
}

/** The losses of the weights as they are, on one batch: source x and target y, [B, S, S, C] each. */
export interface Pix2PixLosses {
  /** ½ · BCE of D on (x, y) as real and (x, G(x)) as fake. */
  dLoss: number;
  /** −log D(x, G(x)) + λ · L1. */
  gLoss: number;
  /** The adversarial and L1 parts of gLoss (L1 without λ). */
  gAdv: number;
  l1: number;
}

function dLossOf(D: PatchDiscriminator, x: tf.Tensor4D, y: tf.Tensor4D, fake: tf.Tensor4D): tf.Scalar {
  return tf.mul(bceDiscriminatorLoss(D.apply(x, y), D.apply(x, fake)), 0.5) as tf.Scalar;
}

function gTerms(p: Pix2PixParts, x: tf.Tensor4D, y: tf.Tensor4D): { loss: tf.Scalar; adv: tf.Scalar; l1: tf.Scalar } {
  const fake = p.G.apply(x);
  const adv = nonSaturatingLoss.generator(p.D.apply(x, fake));
  const l1 = tf.mean(tf.abs(tf.sub(y, fake))) as tf.Scalar;
  return { loss: tf.add(adv, tf.mul(l1, p.l1Weight)) as tf.Scalar, adv, l1 };
}

/** One D update on (x, y) against (x, G(x)); returns D's loss before the update. */
export function discriminatorStep(p: Pix2PixParts, x: tf.Tensor4D, y: tf.Tensor4D): number {
  const { value, grads } = tf.tidy(() => {
    // G(x) is a constant here: D's update must not reach into G.
    const fake = p.G.apply(x);
    return tf.variableGrads(() => dLossOf(p.D, x, y, fake), [...p.dParams.values()]);
  });
  const loss = value.dataSync()[0]!;
  value.dispose();
  applyGrads(p.dParams, p.adamD, grads, p.lr);
  return loss;
}

/** One G update on (x, y) through the just-updated D; returns G's loss and its parts before the update. */
export function generatorStep(p: Pix2PixParts, x: tf.Tensor4D, y: tf.Tensor4D): { loss: number; adv: number; l1: number } {
  const parts = { adv: 0, l1: 0 };
  const { value, grads } = tf.variableGrads(() => {
    const t = gTerms(p, x, y);
    parts.adv = t.adv.dataSync()[0]!;
    parts.l1 = t.l1.dataSync()[0]!;
    return t.loss;
  }, [...p.gParams.values()]);
  const loss = value.dataSync()[0]!;
  value.dispose();
  applyGrads(p.gParams, p.adamG, grads, p.lr);
  return { loss, ...parts };
}

/** Both losses of the current weights, without training. */
export function pix2pixLosses(p: Pix2PixParts, x: tf.Tensor4D, y: tf.Tensor4D): Pix2PixLosses {
  return tf.tidy(() => {
    const t = gTerms(p, x, y);
    const dLoss = dLossOf(p.D, x, y, p.G.apply(x)).dataSync()[0]!;
    return { dLoss, gLoss: t.loss.dataSync()[0]!, gAdv: t.adv.dataSync()[0]!, l1: t.l1.dataSync()[0]! };
  });
}
