import * as tf from '@tensorflow/tfjs';
import type { GanLoss } from './gan-loss.js';

/**
 * Least-squares GAN (Mao et al. 2017, eq. 2 with the 0-1 coding a = 0, b = c = 1), on D's raw outputs (no sigmoid):
 *
 *   L_D = ½ E[(D(x) − 1)²] + ½ E[D(G(z))²],   L_G = E[(D(G(z)) − 1)²].
 *
 * D keeps the paper's ½; G's term is one whole mean square, as CycleGAN's code (Zhu et al. 2017, §4: "we replace the
 * negative log likelihood objective by a least-squares loss"), which is what its λ = 10 cycle weight was tuned against.
 * Unlike the log losses it keeps pulling fakes that D already calls real but scores far from 1, and has no vanishing
 * gradient when D wins.
 */
export const leastSquaresLoss: GanLoss = {
  name: 'least-squares',
  smoothable: false,
  discriminator: (real, fake) =>
    tf.tidy(() => tf.mul(tf.add(tf.mean(tf.square(tf.sub(real, 1))), tf.mean(tf.square(fake))), 0.5) as tf.Scalar),
  generator: (fake) => tf.tidy(() => tf.mean(tf.square(tf.sub(fake, 1))) as tf.Scalar),
};
