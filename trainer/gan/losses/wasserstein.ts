import * as tf from '@tensorflow/tfjs';
import type { GanLoss } from './gan-loss.js';

/**
 * Wasserstein GAN (Arjovsky et al. 2017, eq. 3): the critic D estimates the Earth-Mover distance
 * E[D(x)] − E[D(G(z))] and maximises it, G minimises −E[D(G(z))]. Only meaningful with D kept
 * 1-Lipschitz: weight clipping (weight-clipping.ts, the original) or a gradient penalty
 * (gradient-penalty.ts, WGAN-GP).
 */
export const wassersteinLoss: GanLoss = {
  name: 'wasserstein',
  smoothable: false,
  discriminator: (real, fake) => tf.tidy(() => tf.sub(tf.mean(fake), tf.mean(real)) as tf.Scalar),
  generator: (fake) => tf.tidy(() => tf.neg(tf.mean(fake)) as tf.Scalar),
};
