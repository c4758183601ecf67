import * as tf from '@tensorflow/tfjs';
import { bceDiscriminatorLoss } from './binary-cross-entropy.js';
import type { GanLoss } from './gan-loss.js';

/**
 * The non-saturating GAN (Goodfellow et al. 2014, §3): same D as minimax, but G maximises
 * log D(G(z)), i.e. minimises −log σ(f) = softplus(−f), whose gradient is strong exactly when D
 * rejects the fakes. The standard generator loss.
 */
export const nonSaturatingLoss: GanLoss = {
  name: 'non-saturating',
  smoothable: true,
  discriminator: (real, fake, opts) => bceDiscriminatorLoss(real, fake, opts?.labelSmoothing),
  generator: (fake) => tf.tidy(() => tf.mean(tf.softplus(tf.neg(fake))) as tf.Scalar),
};
