import * as tf from '@tensorflow/tfjs';
import { bceDiscriminatorLoss } from './binary-cross-entropy.js';
import type { GanLoss } from './gan-loss.js';

/**
 * The original minimax GAN (Goodfellow et al. 2014, eq. 1): G minimises log(1 − D(G(z))) =
 * −softplus(f). Its gradient vanishes when D confidently rejects fakes, early in training; the
 * ablation shows what that costs.
 */
export const minimaxLoss: GanLoss = {
  name: 'minimax',
  smoothable: true,
  discriminator: (real, fake, opts) => bceDiscriminatorLoss(real, fake, opts?.labelSmoothing),
  generator: (fake) => tf.tidy(() => tf.neg(tf.mean(tf.softplus(fake))) as tf.Scalar),
};
