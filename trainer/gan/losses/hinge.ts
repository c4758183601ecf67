import * as tf from '@tensorflow/tfjs';
import type { GanLoss } from './gan-loss.js';

/**
 * Hinge loss (Lim & Ye 2017; Miyato et al. 2018; SAGAN, Zhang et al. 2019, eq. 9):
 *   L_D = E[max(0, 1 − D(x))] + E[max(0, 1 + D(G(z)))],   L_G = −E[D(G(z))].
 */
export const hingeLoss: GanLoss = {
  name: 'hinge',
  smoothable: false,
  discriminator: (real, fake) =>
    tf.tidy(() => tf.add(tf.mean(tf.relu(tf.sub(1, real))), tf.mean(tf.relu(tf.add(1, fake)))) as tf.Scalar),
  generator: (fake) => tf.tidy(() => tf.neg(tf.mean(fake)) as tf.Scalar),
};
