import * as tf from '@tensorflow/tfjs';

/** ε of MSGAN's reference code: keeps the term finite when two images are identical. */
export const MODE_SEEKING_EPS = 1e-5;

/**
 * MSGAN's mode-seeking term (Mao et al. 2019, eq. 3), a generator loss that punishes ignoring z:
 *
 *   ratio = mean|G(c, z₁) − G(c, z₂)| / mean|z₁ − z₂|,   L_ms = 1 / (ratio + ε)
 *
 * over a batch of pairs that share their condition c. A generator that draws the same image for
 * every z has ratio 0 and L_ms = 1/ε; one whose images move with z pays little.
 *
 * @param fake1 G(c, z₁) [B, H, W, C]   @param fake2 G(c, z₂), the same classes
 * @param z1 [B, zDim]                   @param z2 [B, zDim]
 */
export function modeSeekingLoss(fake1: tf.Tensor4D, fake2: tf.Tensor4D, z1: tf.Tensor2D, z2: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const ratio = tf.div(tf.mean(tf.abs(tf.sub(fake1, fake2))), tf.mean(tf.abs(tf.sub(z1, z2))));
    return tf.div(1, tf.add(ratio, MODE_SEEKING_EPS)) as tf.Scalar;
  });
}
